package main

import (
	"context"
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// coldSync applies N new identities at once and measures until all are Ready and the manager
// is idle again.
func (b *bench) coldSync(ctx context.Context) error {
	if _, err := b.waitIdle(ctx, 0, time.Minute); err != nil {
		return err
	}
	var err error
	if b.res.MemoryBaseline, err = b.mgr.memory(ctx, b.heapProfilePath("baseline")); err != nil {
		return err
	}
	before, err := b.usage(ctx)
	if err != nil {
		return err
	}
	profiled := make(chan error, 1)
	if b.batching && b.cfg.profileSeconds > 0 {
		go func() { profiled <- b.mgr.cpuProfile(ctx, b.cfg.profileSeconds, b.profilePath()) }()
	} else {
		profiled <- nil
	}

	start := time.Now()
	if err := createAll(ctx, b.client, b.track, namespace, b.names, b.cfg.creators); err != nil {
		return err
	}
	b.res.CreateSeconds = time.Since(start).Seconds()
	if err := b.track.waitFor(ctx, 15*time.Minute, "became Ready", len(b.names), b.isReady); err != nil {
		return err
	}
	var latencies []time.Duration
	var last time.Time
	for _, name := range b.names {
		it := b.track.snapshotOf(name)
		latencies = append(latencies, it.readyAt.Sub(it.created))
		if it.readyAt.After(last) {
			last = it.readyAt
		}
	}
	b.res.AllReadySeconds = last.Sub(start).Seconds()
	b.res.ApplyToReadyP50ms, b.res.ApplyToReadyP95ms = percentileMS(latencies, 50), percentileMS(latencies, 95)

	if _, err := b.waitIdle(ctx, len(b.names), 5*time.Minute); err != nil {
		return err
	}
	after, err := b.usage(ctx)
	if err != nil {
		return err
	}
	b.res.ColdCalls = after.calls - before.calls
	b.res.ColdSharedCalls = after.shared - before.shared
	b.res.ColdLogins = after.logins - before.logins
	b.res.ColdKubeRequests = after.kube - before.kube
	b.res.ColdBatchMean = after.batches.meanSince(before.batches)
	if err := <-profiled; err != nil {
		return fmt.Errorf("CPU profile: %w", err)
	}
	if b.batching && b.cfg.profileSeconds > 0 {
		b.res.CPUProfile = b.profilePath()
	}
	b.res.MemoryAfter, err = b.mgr.memory(ctx, b.heapProfilePath("after"))
	b.res.HeapProfile = b.heapProfilePath("after")
	return err
}

// resync restarts the manager, so every identity reconciles again with nothing to change.
func (b *bench) resync(ctx context.Context) error {
	if err := b.mgr.Stop(30 * time.Second); err != nil {
		return err
	}
	c0, err := b.emu.counters(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := b.startManager(ctx); err != nil {
		return err
	}
	idle, err := b.waitIdle(ctx, len(b.names), 5*time.Minute)
	if err != nil {
		return err
	}
	b.res.ResyncSeconds = idle.Sub(start).Seconds()
	after, err := b.usage(ctx)
	if err != nil {
		return err
	}
	b.res.ResyncCalls = after.calls - c0.APICallsUsed
	b.res.ResyncLogins = after.logins - c0.Logins
	b.res.ResyncKubeRequests = after.kube
	if n := b.track.count(b.isReady); n < len(b.names) {
		return fmt.Errorf("only %d of %d identities are Ready after the restart", n, len(b.names))
	}
	return nil
}

// singles applies identities one at a time on the idle system, each after the previous one is
// Ready: the latency a user sees for one change.
func (b *bench) singles(ctx context.Context) error {
	var latencies []time.Duration
	for i := range b.cfg.singles {
		name := identityName("single", i)
		b.track.markCreated(name, time.Now())
		if err := b.client.Create(ctx, newIdentity(namespace, name)); err != nil {
			return err
		}
		only := func(n string, it *tracked) bool { return n == name && it.ready }
		if err := b.track.waitFor(ctx, time.Minute, "became Ready", 1, only); err != nil {
			return err
		}
		it := b.track.snapshotOf(name)
		latencies = append(latencies, it.readyAt.Sub(it.created))
		b.names = append(b.names, name)
		// Let the follow-up reconcile (annotation, status) finish, as on a quiet system.
		time.Sleep(200 * time.Millisecond)
	}
	b.res.SingleP50ms, b.res.SingleP95ms = percentileMS(latencies, 50), percentileMS(latencies, 95)
	return nil
}

// drift shortens the destination's drift interval, changes 1% of the records in Salesforce as
// a user would, and measures one round of drift checks and their corrections.
func (b *bench) drift(ctx context.Context) error {
	if err := b.shortenDriftInterval(ctx); err != nil {
		return err
	}
	var drifted []string
	for i := 0; i < b.cfg.n; i += 100 {
		drifted = append(drifted, b.names[i])
	}
	before := b.track.snapshot()
	c0, err := b.emu.counters(ctx)
	if err != nil {
		return err
	}
	m0, err := b.mgr.scrape(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	for _, name := range drifted {
		if err := b.emu.setFields(ctx, "Lead", before[name].leadID, map[string]any{"Company": "Drifted Co"}); err != nil {
			return err
		}
	}
	checked := func(n string, it *tracked) bool { return it.driftCheck != before[n].driftCheck }
	if err := b.track.waitFor(ctx, 2*b.cfg.driftInterval+5*time.Minute, "were checked for drift", len(b.names), checked); err != nil {
		return err
	}
	idle, err := b.waitIdle(ctx, 0, 5*time.Minute)
	if err != nil {
		return err
	}
	c1, err := b.emu.counters(ctx)
	if err != nil {
		return err
	}
	b.res.DriftChecked = len(b.names)
	b.res.DriftCalls = c1.APICallsUsed - c0.APICallsUsed
	m1, err := b.mgr.scrape(ctx)
	if err != nil {
		return err
	}
	b.res.DriftReadCalls = m1.salesforceReads() - m0.salesforceReads()
	b.res.DriftKubeRequests = m1.kubeRequests() - m0.kubeRequests()
	b.res.DriftBatchMean = m1.batchTotals().meanSince(m0.batchTotals())
	b.res.DriftSeconds = idle.Sub(start).Seconds()
	b.res.Drifted = len(drifted)
	for _, name := range drifted {
		rec, err := b.emu.record(ctx, "Lead", before[name].leadID)
		if err != nil {
			return err
		}
		if rec["Company"] == company(name) {
			b.res.DriftCorrected++
		}
	}
	return nil
}

// shortenDriftInterval changes the destination's spec; what that costs (nothing, when only
// the drift interval changes) is measured on its own.
func (b *bench) shortenDriftInterval(ctx context.Context) error {
	flaps := b.track.flapCount()
	scraped, err := b.mgr.scrape(ctx)
	if err != nil {
		return err
	}
	reconciles := scraped.identityReconciles()
	u0, err := b.usage(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	patch := client.RawPatch("application/merge-patch+json",
		fmt.Appendf(nil, `{"spec":{"driftCheckInterval":%q}}`, b.cfg.driftInterval.String()))
	dest := &sfv1.SalesforceDestination{}
	dest.Namespace, dest.Name = namespace, destinationName
	if err := b.client.Patch(ctx, dest, patch); err != nil {
		return err
	}
	// A new drift interval changes nothing that is written: every identity reconciles once
	// (the destination watch wakes them) and should spend no Salesforce call.
	idle, err := b.waitIdle(ctx, reconciles+len(b.names), 5*time.Minute)
	if err != nil {
		return err
	}
	u1, err := b.usage(ctx)
	if err != nil {
		return err
	}
	b.res.SpecChangeCalls = u1.calls - u0.calls
	b.res.SpecChangeSeconds = idle.Sub(start).Seconds()
	b.res.SpecChangeNotReady = b.track.flapCount() - flaps
	return nil
}

func (b *bench) isReady(name string, it *tracked) bool { return it.ready && !it.readyAt.IsZero() }
