package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/hack/localenv"
)

const (
	namespace       = "default"
	destinationName = "bench"
	secretName      = "salesforce-credentials"
)

// startCluster starts a fresh control plane with the CRDs, so each mode starts from nothing.
func (b *bench) startCluster(ctx context.Context) error {
	cp, err := localenv.StartControlPlane(b.assets)
	if err != nil {
		return err
	}
	b.cp = cp
	b.kubeconfig = filepath.Join(b.dir, "kubeconfig")
	if err := cp.WriteAdminKubeconfig(b.kubeconfig); err != nil {
		return err
	}
	kubectl := localenv.Kubectl{Kubeconfig: b.kubeconfig, Dir: b.root}
	if _, err := kubectl.Run(ctx, "apply", "-k", "config/crd"); err != nil {
		return err
	}
	if _, err := kubectl.Run(ctx, "wait", "--for=condition=Established", "--timeout=60s",
		"crd/salesforcedestinations.salesforce.destinations.dev", "crd/salesforceidentities.salesforce.destinations.dev"); err != nil {
		return err
	}
	return b.newClient()
}

// newClient builds the bench's own client. Its rate limit is far above the manager's so that
// the bench, not client-side throttling, sets the pace of the creates.
func (b *bench) newClient() error {
	cfg, err := clientcmd.RESTConfigFromKubeConfig(b.cp.AdminKubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 5000, 5000
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := sfv1.AddToScheme(scheme); err != nil {
		return err
	}
	b.client, err = client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	return err
}

// createDestination creates the Secret and a destination logging in to the emulator. Drift
// checks wait an hour, so that only the drift round sees them.
func (b *bench) createDestination(ctx context.Context) error {
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: secretName},
		StringData: map[string]string{"username": "dev@example.com", "password": "password", "securityToken": "token"},
	}
	if err := b.client.Create(ctx, secret); err != nil {
		return err
	}
	dest := &sfv1.SalesforceDestination{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: destinationName},
		Spec: sfv1.SalesforceDestinationSpec{
			CredentialsSecretRef: sfv1.SecretReference{Name: secretName},
			LoginURL:             b.emu.url,
			DriftCheckInterval:   &metav1.Duration{Duration: time.Hour},
		},
	}
	return b.client.Create(ctx, dest)
}

func (b *bench) waitDestinationReady(ctx context.Context) error {
	return localenv.Poll(ctx, 100*time.Millisecond, time.Minute, func(ctx context.Context) (bool, string, error) {
		dest := &sfv1.SalesforceDestination{}
		if err := b.client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: destinationName}, dest); err != nil {
			return false, err.Error(), nil
		}
		c := meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionReady)
		if c == nil || c.Status != metav1.ConditionTrue || dest.Status.ObservedGeneration != dest.Generation {
			return false, fmt.Sprintf("destination not Ready yet: %+v", c), nil
		}
		return true, "", nil
	})
}

// managerArgs are the Deployment's flags, one local replica without a Lease, the mode under
// test and whatever the bench was asked to add.
func (b *bench) managerArgs() ([]string, error) {
	args, err := localenv.DeploymentArgs(filepath.Join(b.root, "config", "manager", "manager.yaml"), "manager")
	if err != nil {
		return nil, err
	}
	args = localenv.OverrideFlags(args, map[string]string{
		"--leader-elect": "false",
		"--batching":     fmt.Sprint(b.batching),
		// The emulator listens on plain-http loopback.
		"--allowed-login-hosts": localenv.EmulatorLoginHosts,
	})
	return append(args, b.cfg.managerFlags...), nil
}

func (b *bench) startManager(ctx context.Context) error {
	args, err := b.managerArgs()
	if err != nil {
		return err
	}
	b.mgr, err = startManager(ctx, b.bins.Manager, b.dir, b.kubeconfig, args)
	return err
}

// stop ends the processes of the mode, the manager first so it does not log errors about the
// others going away.
func (b *bench) stop() {
	if b.cancelWatch != nil {
		b.cancelWatch()
	}
	if b.mgr != nil {
		_ = b.mgr.Stop(30 * time.Second)
	}
	if b.emu != nil {
		_ = b.emu.proc.Stop(5 * time.Second)
	}
	if b.cp != nil {
		if err := b.cp.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
}
