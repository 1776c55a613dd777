//go:build faults

package faults

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/hack/localenv"
)

const (
	namespace       = "faults"
	leaseNamespace  = "faults-system"
	destinationName = "prod"
	secretName      = "salesforce-credentials"
	// salesforceTimeout is short so that a hung request costs a worker little.
	salesforceTimeout = "3s"
)

// env is one installation: control plane, emulator and manager, plus the clients the test
// drives them with.
type env struct {
	t        *testing.T
	root     string
	dir      string
	cp       *localenv.ControlPlane
	k8s      client.Client
	emu      *localenv.Emulator
	admin    *emulatorAdmin
	bins     localenv.Binaries
	mgrArgs  []string
	kubeconf string

	mu  sync.Mutex
	mgr *localenv.Manager
	// unexpectedExits counts manager exits the test did not cause (lost leader lease...).
	unexpectedExits int
}

func setUp(t *testing.T) *env {
	ctx := context.Background()
	root, err := localenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, root: root, dir: t.TempDir()}
	assets, err := localenv.ControlPlaneAssets(ctx, root, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if e.bins, err = localenv.BuildBinaries(ctx, root, filepath.Join(e.dir, "bin")); err != nil {
		t.Fatal(err)
	}
	if e.cp, err = localenv.StartControlPlane(assets); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.cp.Stop(); err != nil {
			t.Error(err)
		}
	})
	e.kubeconf = filepath.Join(e.dir, "admin.kubeconfig")
	if err := e.cp.WriteAdminKubeconfig(e.kubeconf); err != nil {
		t.Fatal(err)
	}
	kubectl := localenv.Kubectl{Kubeconfig: e.kubeconf, Dir: root}
	for _, args := range [][]string{
		{"apply", "-k", "config/crd"},
		{"wait", "--for=condition=Established", "--timeout=60s", "crd/salesforcedestinations.salesforce.destinations.dev", "crd/salesforceidentities.salesforce.destinations.dev"},
		{"create", "namespace", namespace},
		{"create", "namespace", leaseNamespace},
	} {
		if _, err := kubectl.Run(ctx, args...); err != nil {
			t.Fatal(err)
		}
	}
	e.k8s = newClient(t, e.cp.AdminKubeconfig)

	// A daily limit the run cannot reach: the API budget guard is not what this suite tests.
	e.emu, err = localenv.StartEmulator(ctx, e.bins.Emulator, e.dir, localenv.EmulatorOptions{Args: []string{"--daily-limit=100000000"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.emu.Stop(10 * time.Second) })
	e.admin = newEmulatorAdmin(e.emu.URL)

	args, err := localenv.DeploymentArgs(filepath.Join(root, "config", "manager", "manager.yaml"), "manager")
	if err != nil {
		t.Fatal(err)
	}
	e.mgrArgs = append(args, "--leader-election-namespace="+leaseNamespace, "--salesforce-timeout="+salesforceTimeout, localenv.EmulatorLoginHostsFlag)
	e.startManager(ctx)
	t.Cleanup(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		_ = e.mgr.Stop(40 * time.Second)
		if t.Failed() {
			if log, err := e.mgr.Log(); err == nil {
				t.Logf("manager log (tail):\n%s", tail(log, 150))
				// The whole log outlives the test's directory, for reading what led up to a failure.
				kept := filepath.Join(os.TempDir(), fmt.Sprintf("salesforce-faults-manager-%d.log", time.Now().Unix()))
				if os.WriteFile(kept, []byte(log), 0o600) == nil {
					t.Logf("whole manager log: %s", kept)
				}
			}
		}
	})
	e.createDestination(ctx)
	return e
}

func newClient(t *testing.T, kubeconfig []byte) client.Client {
	restConfig, err := clientcmd.RESTConfigFromKubeConfig(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	restConfig.QPS, restConfig.Burst = 500, 1000
	restConfig.Timeout = 20 * time.Second
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, sfv1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	c, err := client.New(restConfig, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// createDestination logs in with the emulator's default credentials.
func (e *env) createDestination(ctx context.Context) {
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: secretName},
		StringData: map[string]string{"username": "dev@example.com", "password": "password", "securityToken": "token"}}
	if err := e.k8s.Create(ctx, secret); err != nil {
		e.t.Fatal(err)
	}
	dest := &sfv1.SalesforceDestination{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: destinationName},
		Spec: sfv1.SalesforceDestinationSpec{CredentialsSecretRef: sfv1.SecretReference{Name: secretName}, LoginURL: e.emu.URL}}
	if err := e.k8s.Create(ctx, dest); err != nil {
		e.t.Fatal(err)
	}
	err := localenv.Poll(ctx, 200*time.Millisecond, time.Minute, func(ctx context.Context) (bool, string, error) {
		if err := e.k8s.Get(ctx, client.ObjectKeyFromObject(dest), dest); err != nil {
			return false, err.Error(), nil
		}
		for _, c := range dest.Status.Conditions {
			if c.Type == sfv1.ConditionReady {
				return c.Status == metav1.ConditionTrue, c.Reason + ": " + c.Message, nil
			}
		}
		return false, "no Ready condition", nil
	})
	if err != nil {
		e.t.Fatalf("destination: %v", err)
	}
}

func (e *env) startManager(ctx context.Context) {
	m, err := localenv.StartManager(ctx, e.bins.Manager, e.dir, localenv.ManagerOptions{Kubeconfig: e.kubeconf, Args: e.mgrArgs})
	if err != nil {
		e.t.Fatal(err)
	}
	e.mgr = m
}

// killManager SIGKILLs the manager, waits a moment as a rescheduled pod would, and starts it
// again. The new process must wait out the dead one's leader lease.
func (e *env) killManager(ctx context.Context, down time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.mgr.Kill(); err != nil {
		e.t.Fatal(err)
	}
	time.Sleep(down)
	e.startManager(ctx)
}

// ensureManager restarts a manager that ended on its own, which it does by design when it
// loses its leader lease for longer than the renew deadline (e.g. while kube-apiserver is down).
func (e *env) ensureManager(ctx context.Context) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.mgr.Running() {
		return
	}
	e.unexpectedExits++
	e.t.Logf("manager exited on its own (%v); starting it again", e.mgr.Err())
	e.startManager(ctx)
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
