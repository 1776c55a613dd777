package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

func (s *session) installCRDs(ctx context.Context) error {
	if _, err := s.kubectl.Run(ctx, "apply", "-k", "config/crd"); err != nil {
		return err
	}
	_, err := s.kubectl.Run(ctx, "wait", "--for=condition=Established", "--timeout=60s",
		"crd/salesforcedestinations.salesforce.destinations.dev", "crd/salesforceidentities.salesforce.destinations.dev")
	return err
}

// applyDestination creates the Secret and the sample destination pointed at the org: the
// sample Secret for the emulator (it holds the emulator's credentials), one built from the
// environment for a real org.
func (s *session) applyDestination(ctx context.Context) error {
	if s.org.real {
		secret, err := localenv.SecretManifest(namespace, "salesforce-credentials", s.org.secretData)
		if err != nil {
			return err
		}
		if _, err := s.kubectl.RunWithInput(ctx, secret, "-n", namespace, "apply", "-f", "-"); err != nil {
			return err
		}
	} else if _, err := s.kubectl.Run(ctx, "-n", namespace, "apply", "-f", s.sample("credentials-secret.yaml")); err != nil {
		return err
	}
	loginURL, sandbox := s.org.loginURL, s.org.sandbox
	if !s.org.real {
		loginURL = s.emulator.URL
	}
	dest, err := localenv.EditManifest(s.sample("salesforce_v1alpha1_salesforcedestination.yaml"), func(obj map[string]any) {
		localenv.SetField(obj, loginURL, "spec", "loginURL")
		localenv.SetField(obj, sandbox, "spec", "sandbox")
	})
	if err != nil {
		return err
	}
	_, err = s.kubectl.RunWithInput(ctx, dest, "-n", namespace, "apply", "-f", "-")
	return err
}

func (s *session) startManager(ctx context.Context, logs string) error {
	args, err := localenv.DeploymentArgs(filepath.Join(s.root, "config", "manager", "manager.yaml"), "manager")
	if err != nil {
		return err
	}
	// One local replica needs no Lease; the emulator listens on plain-http loopback.
	args = localenv.OverrideFlags(args, map[string]string{"--leader-elect": "false", "--allowed-login-hosts": localenv.EmulatorLoginHosts})
	adminKubeconfig := filepath.Join(s.work, "manager.kubeconfig")
	if err := s.cp.WriteAdminKubeconfig(adminKubeconfig); err != nil {
		return err
	}
	s.manager, err = localenv.StartManager(ctx, s.bins.Manager, logs, localenv.ManagerOptions{Kubeconfig: adminKubeconfig, Args: args})
	return err
}

// applyIdentities applies the Lead sample, and the Contact sample only against the emulator:
// its externalId names a record that exists only in the emulator's seed.
func (s *session) applyIdentities(ctx context.Context) error {
	files := []string{"salesforce_v1alpha1_salesforceidentity_lead.yaml"}
	if !s.org.real {
		files = append(files, "salesforce_v1alpha1_salesforceidentity_contact.yaml")
	}
	for _, f := range files {
		if _, err := s.kubectl.Run(ctx, "-n", namespace, "apply", "-f", s.sample(f)); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) waitReady(ctx context.Context) error {
	timeout := fmt.Sprintf("--timeout=%s", time.Minute)
	if _, err := s.kubectl.Run(ctx, "-n", namespace, "wait", "--for=condition=Ready", timeout, "sfdest/"+destination); err != nil {
		return err
	}
	_, err := s.kubectl.Run(ctx, "-n", namespace, "wait", "--for=condition=Ready", timeout, "sfid", "--all")
	return err
}

func (s *session) sample(name string) string {
	return filepath.Join(s.root, "config", "samples", name)
}
