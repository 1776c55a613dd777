//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// Names fixed by config/default and config/samples.
const (
	controllerNamespace = "salesforce-controller-system"
	serviceAccount      = "salesforce-controller-controller-manager"
	namespace           = "e2e"
	destination         = "prod"
	credentialsSecret   = "salesforce-credentials"
	seededContactID     = "003000000000001AAA"
)

// suite is one installation: control plane, emulator, manager and the admin kubectl.
type suite struct {
	root     string
	dir      string
	kubectl  localenv.Kubectl
	emulator *localenv.Emulator
	manager  *localenv.Manager
	// password and securityToken log in to the emulator; the secrets check looks for them.
	password, securityToken string
}

// installed is what an installation step put in place: the manager's namespace (its
// ServiceAccount and Lease live there) and the args of its Deployment.
type installed struct {
	namespace string
	args      []string
}

// setUp brings the kustomize installation (config/default) up.
func setUp(t *testing.T) *suite { return setUpWith(t, (*suite).installKustomize) }

// setUpWith brings an installation up with install putting the CRDs and RBAC in place; t.Cleanup
// takes it down in reverse order, also when a spec fails or setUp itself stops half-way.
func setUpWith(t *testing.T, install func(*suite, *testing.T) installed) *suite {
	ctx := context.Background()
	root, err := localenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	s := &suite{root: root, dir: t.TempDir(), password: "pw-" + randomHex(t), securityToken: "tok-" + randomHex(t)}

	assets, err := localenv.ControlPlaneAssets(ctx, root, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	bins, err := localenv.BuildBinaries(ctx, root, filepath.Join(s.dir, "bin"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built the manager and the emulator in %s", time.Since(started).Round(time.Millisecond))

	cp, err := localenv.StartControlPlane(assets)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cp.Stop(); err != nil {
			t.Error(err)
		}
	})
	adminKubeconfig := filepath.Join(s.dir, "admin.kubeconfig")
	if err := cp.WriteAdminKubeconfig(adminKubeconfig); err != nil {
		t.Fatal(err)
	}
	s.kubectl = localenv.Kubectl{Kubeconfig: adminKubeconfig, Dir: root}
	inst := install(s, t)

	certificate := s.makeGuideCertificate(t)
	s.emulator, err = localenv.StartEmulator(ctx, bins.Emulator, s.dir, localenv.EmulatorOptions{
		Password: s.password, SecurityToken: s.securityToken,
		Args: []string{"--client-id=" + jwtClientID, "--jwt-public-key=" + certificate},
		Seed: `{"Contact":[{"Id":"` + seededContactID + `","LastName":"Gibbs","FirstName":"J","Email":"old@peterson.com"}]}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.emulator.Stop(10 * time.Second); err != nil {
			t.Error(err)
		}
	})

	s.startManager(t, ctx, bins.Manager, cp.AdminKubeconfig, inst)
	s.createDestination(t)
	return s
}

// installKustomize applies config/default.
func (s *suite) installKustomize(t *testing.T) installed {
	// A server-side dry run cannot place objects in a namespace that is itself only dry-run
	// created, so the Namespace of config/default goes in first; everything else, CRDs, RBAC
	// and the Deployment, is then checked by the apiserver before anything is applied.
	s.applyNamespacesOf(t, "config/default")
	if !t.Run("config/default passes a server-side dry run", func(t *testing.T) {
		s.runCluster(t, "apply", "-k", "config/default", "--dry-run=server")
	}) {
		t.FailNow()
	}
	s.runCluster(t, "apply", "-k", "config/default")
	s.waitCRDs(t)
	args, err := localenv.DeploymentArgs(filepath.Join(s.root, "config", "manager", "manager.yaml"), "manager")
	if err != nil {
		t.Fatal(err)
	}
	return installed{namespace: controllerNamespace, args: args}
}

func (s *suite) waitCRDs(t *testing.T) {
	s.runCluster(t, "wait", "--for=condition=Established", "--timeout=60s",
		"crd/salesforcedestinations.salesforce.destinations.dev", "crd/salesforceidentities.salesforce.destinations.dev")
}

// startManager runs the binary as the Deployment would: its args, and the ServiceAccount's
// permissions through impersonation.
func (s *suite) startManager(t *testing.T, ctx context.Context, bin string, adminKubeconfig []byte, inst installed) {
	user, groups := localenv.ServiceAccountUser(inst.namespace, serviceAccount)
	kubeconfig, err := localenv.ImpersonatingKubeconfig(adminKubeconfig, user, groups)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.dir, "manager.kubeconfig")
	if err := os.WriteFile(path, kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append(inst.args, "--leader-election-namespace="+inst.namespace, localenv.EmulatorLoginHostsFlag)
	t.Logf("manager args: %s", strings.Join(args, " "))
	s.manager, err = localenv.StartManager(ctx, bin, s.dir, localenv.ManagerOptions{Kubeconfig: path, Args: args})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.manager.Stop(40 * time.Second); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			if log, err := s.manager.Log(); err == nil {
				t.Logf("manager log:\n%s", tail(log, 200))
			}
		}
	})
}

// createDestination applies the sample destination, pointed at the emulator, with a Secret
// holding the emulator's credentials.
func (s *suite) createDestination(t *testing.T) {
	s.runCluster(t, "create", "namespace", namespace)
	s.applySecret(t, credentialsSecret, s.password)
	dest, err := destinationManifest(s.sample("salesforce_v1alpha1_salesforcedestination.yaml"), destination, credentialsSecret, s.emulator.URL)
	if err != nil {
		t.Fatal(err)
	}
	s.apply(t, dest)
	s.run(t, "wait", "--for=condition=Ready", "--timeout=60s", "sfdest/"+destination)
}

func (s *suite) applyNamespacesOf(t *testing.T, kustomization string) {
	t.Helper()
	rendered := s.runCluster(t, "kustomize", kustomization)
	for _, doc := range strings.Split(rendered, "\n---\n") {
		if strings.Contains(doc, "\nkind: Namespace\n") || strings.HasPrefix(doc, "kind: Namespace\n") {
			s.applyCluster(t, []byte(doc))
		}
	}
}

func (s *suite) applySecret(t *testing.T, name, password string) {
	t.Helper()
	secret, err := localenv.SecretManifest(namespace, name, map[string]string{
		"username": "dev@example.com", "password": password, "securityToken": s.securityToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.apply(t, secret)
}

func (s *suite) sample(name string) string {
	return filepath.Join(s.root, "config", "samples", name)
}

// run runs kubectl in the test namespace and fails the test on error.
func (s *suite) run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := s.kubectl.Run(context.Background(), append([]string{"-n", namespace}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runCluster runs kubectl without a namespace, for cluster-wide objects and manifests that
// name their own namespace.
func (s *suite) runCluster(t *testing.T, args ...string) string {
	t.Helper()
	out, err := s.kubectl.Run(context.Background(), args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (s *suite) applyCluster(t *testing.T, manifest []byte) {
	t.Helper()
	if _, err := s.kubectl.RunWithInput(context.Background(), manifest, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
}

func (s *suite) apply(t *testing.T, manifest []byte) {
	t.Helper()
	if _, err := s.kubectl.RunWithInput(context.Background(), manifest, "-n", namespace, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
}

func randomHex(t *testing.T) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// testWriter shows the control-plane build progress in the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
