package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// bench is one mode's run: its control plane, emulator and manager.
type bench struct {
	cfg      config
	root     string
	assets   string
	bins     localenv.Binaries
	batching bool
	dir      string

	cp          *localenv.ControlPlane
	kubeconfig  string
	client      client.WithWatch
	emu         *emulator
	mgr         *manager
	track       *tracker
	cancelWatch context.CancelFunc

	names []string
	res   *modeResult
}

func (b *bench) run(ctx context.Context) (*modeResult, error) {
	defer b.stop()
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return nil, err
	}
	b.res = &modeResult{Mode: modeName(b.batching), N: b.cfg.n}
	logf("batching %s: starting kube-apiserver, etcd and the emulator (%s per call)", b.res.Mode, b.cfg.latency)
	if err := b.startCluster(ctx); err != nil {
		return nil, err
	}
	var err error
	if b.emu, err = startEmulator(ctx, b.bins.Emulator, b.dir, b.cfg.latency); err != nil {
		return nil, err
	}
	if err := b.createDestination(ctx); err != nil {
		return nil, err
	}
	if err := b.startManager(ctx); err != nil {
		return nil, err
	}
	if err := b.waitDestinationReady(ctx); err != nil {
		return nil, err
	}
	watchCtx, cancel := context.WithCancel(ctx)
	b.cancelWatch = cancel
	b.track = newTracker()
	go b.track.run(watchCtx, b.client, namespace)

	for i := range b.cfg.n {
		b.names = append(b.names, identityName("bench", i))
	}
	phases := []struct {
		name string
		run  func(context.Context) error
	}{
		{"cold sync", b.coldSync},
		{"resync after a restart", b.resync},
		{"single applies", b.singles},
		{"drift round", b.drift},
	}
	for _, p := range phases {
		logf("batching %s: %s", b.res.Mode, p.name)
		if err := p.run(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return b.res, nil
}

// idleQuiet is how long nothing may move before the manager counts as idle.
const idleQuiet = 2 * time.Second

// waitIdle waits until the identity controller has run at least minReconciles reconciles, has
// nothing queued or running, and neither Salesforce nor the apiserver has seen a request from
// it for idleQuiet. It returns when that quiet began.
func (b *bench) waitIdle(ctx context.Context, minReconciles int, timeout time.Duration) (time.Time, error) {
	var (
		quietSince time.Time
		lastKube   = -1
		lastCalls  = -1
		reason     string
	)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		now := time.Now()
		s, err := b.mgr.scrape(ctx)
		if err != nil {
			return time.Time{}, err
		}
		c, err := b.emu.counters(ctx)
		if err != nil {
			return time.Time{}, err
		}
		kube := s.kubeRequests()
		switch {
		case s.identityReconciles() < minReconciles:
			reason = fmt.Sprintf("%d of %d reconciles", s.identityReconciles(), minReconciles)
			quietSince = time.Time{}
		case s.identityQueueBusy() || kube != lastKube || c.APICallsUsed != lastCalls:
			reason = "still working"
			quietSince = time.Time{}
		case quietSince.IsZero():
			quietSince = now
		case now.Sub(quietSince) >= idleQuiet:
			return quietSince, nil
		}
		lastKube, lastCalls = kube, c.APICallsUsed
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return time.Time{}, fmt.Errorf("manager not idle after %s: %s", timeout, reason)
}

// usage is a moment's reading of the counters a phase spends.
type usage struct {
	calls, logins, kube int
	// shared counts calls that carried more than one kind of work.
	shared  int
	batches batchTotals
}

func (b *bench) usage(ctx context.Context) (usage, error) {
	c, err := b.emu.counters(ctx)
	if err != nil {
		return usage{}, err
	}
	s, err := b.mgr.scrape(ctx)
	if err != nil {
		return usage{}, err
	}
	return usage{calls: c.APICallsUsed, logins: c.Logins, kube: s.kubeRequests(), shared: s.sharedCalls(), batches: s.batchTotals()}, nil
}

// profilePath is outside the repository: profiles are read once with go tool pprof, not kept.
func (b *bench) profilePath() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("salesforce-bench-cpu-%s-n%d.pprof", b.res.Mode, b.cfg.n))
}

// heapProfilePath is where the heap profiles taken before and after the cold sync go: what the
// growth per identity is made of (go tool pprof -diff_base <baseline> <after>).
func (b *bench) heapProfilePath(when string) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("salesforce-bench-heap-%s-n%d-%s.pprof", b.res.Mode, b.cfg.n, when))
}
