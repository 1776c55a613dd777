package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

const (
	namespace   = "default"
	destination = "prod"
	// seed holds the Contact that the Contact sample's externalId names.
	seed = `{"Contact":[{"Id":"003000000000001AAA","LastName":"Gibbs","FirstName":"J","Email":"old@peterson.com"}]}`
)

// session is what one `make dev` started.
type session struct {
	root, work string
	kubeconfig string
	kubectl    localenv.Kubectl
	cp         *localenv.ControlPlane
	emulator   *localenv.Emulator
	manager    *localenv.Manager
	bins       localenv.Binaries
	org        org
}

func run(ctx context.Context) (err error) {
	var undo cleanups
	defer undo.run()

	o, err := orgFromEnv()
	if err != nil {
		return err
	}
	root, err := localenv.RepoRoot()
	if err != nil {
		return err
	}
	s := &session{root: root, org: o, kubeconfig: filepath.Join(root, ".dev", "kubeconfig")}
	logs := filepath.Join(root, ".dev", "logs")
	if err := os.RemoveAll(logs); err != nil {
		return fmt.Errorf("clear %s: %w", logs, err)
	}
	if err := os.MkdirAll(logs, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", logs, err)
	}
	if s.work, err = os.MkdirTemp("", "salesforce-dev-"); err != nil {
		return fmt.Errorf("create a work directory: %w", err)
	}
	undo.add("removed "+s.work, func() error { return os.RemoveAll(s.work) })

	var assets string
	if err := step("control-plane binaries (kube-apiserver, etcd)", func() (err error) {
		assets, err = localenv.ControlPlaneAssets(ctx, root, errOut)
		return err
	}); err != nil {
		return err
	}
	if err := step("building the manager and the emulator", func() (err error) {
		s.bins, err = localenv.BuildBinaries(ctx, root, filepath.Join(s.work, "bin"))
		return err
	}); err != nil {
		return err
	}
	if err := step("starting kube-apiserver and etcd", func() (err error) {
		s.cp, err = localenv.StartControlPlane(assets)
		return err
	}); err != nil {
		return err
	}
	undo.add("stopped kube-apiserver and etcd", s.cp.Stop)
	if err := s.cp.WriteAdminKubeconfig(s.kubeconfig); err != nil {
		return err
	}
	undo.add("removed "+s.kubeconfig, func() error { return os.Remove(s.kubeconfig) })
	s.kubectl = localenv.Kubectl{Kubeconfig: s.kubeconfig, Dir: root}
	fmt.Fprintf(out, "    kubectl works from another terminal after:\n      export KUBECONFIG=%s\n", s.kubeconfig)

	if err := step("installing the CRDs (config/crd)", func() error { return s.installCRDs(ctx) }); err != nil {
		return err
	}
	if !o.real {
		if err := step("starting the Salesforce emulator", func() (err error) {
			s.emulator, err = localenv.StartEmulator(ctx, s.bins.Emulator, logs, localenv.EmulatorOptions{Seed: seed})
			return err
		}); err != nil {
			return err
		}
		undo.add("stopped the emulator", func() error { return s.emulator.Stop(10 * time.Second) })
		fmt.Fprintf(out, "    %s (admin API: %s/_emulator/)\n", s.emulator.URL, s.emulator.URL)
	}
	if err := step("creating the credentials Secret and destination "+destination+" for "+o.describe(), func() error {
		return s.applyDestination(ctx)
	}); err != nil {
		return err
	}
	if err := step("starting the manager", func() error { return s.startManager(ctx, logs) }); err != nil {
		return err
	}
	undo.add("stopped the manager", func() error { return s.manager.Stop(40 * time.Second) })
	fmt.Fprintf(out, "    metrics: %s  log: %s\n", s.manager.MetricsURL, s.manager.LogPath)

	if err := step("applying the samples (config/samples)", func() error { return s.applyIdentities(ctx) }); err != nil {
		return err
	}
	if err := step("waiting for Ready", func() error { return s.waitReady(ctx) }); err != nil {
		// Not fatal: the table and the watch show what is wrong better than an exit would.
		fmt.Fprintf(out, "    %v\n", err)
	}
	if err := s.printTable(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nWatching identities; Ctrl-C stops everything. Logs stay in %s.\n", logs)
	return s.watch(ctx)
}
