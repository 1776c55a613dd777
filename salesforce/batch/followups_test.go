package batch

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func TestFollowUpsCount(t *testing.T) {
	t0 := time.Now()
	tests := []struct {
		name   string
		expect []int           // lookups answered, in order, at t0
		takeAt []time.Duration // saves, after t0
		want   []bool
	}{
		{"each answered lookup covers one save", []int{2}, []time.Duration{0, time.Millisecond, 2 * time.Millisecond}, []bool{true, true, false}},
		{"answers add up", []int{1, 1}, []time.Duration{0, 0, 0}, []bool{true, true, false}},
		{"a save long after the answer is fresh", []int{3}, []time.Duration{followUpWithin + time.Millisecond}, []bool{false}},
		{"no lookup, no follow-up", nil, []time.Duration{0}, []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f followUps
			for _, n := range tt.expect {
				f.expect(n, t0)
			}
			for i, at := range tt.takeAt {
				if got := f.take(t0.Add(at)); got != tt.want[i] {
					t.Errorf("save %d at +%v: follow-up %v, want %v", i, at, got, tt.want[i])
				}
			}
		})
	}
}

// Applies made by hand, each a lookup and then a save, a few tenths of a second
// apart: counted as arrivals, the saves would make the queue look busy and
// wait a quiet second.
func TestFollowUpsOfLoneAppliesDoNotWait(t *testing.T) {
	tests := []struct {
		name     string
		followUp bool
		min, max time.Duration // bounds on the slowest save
	}{
		{"saves after lookups leave after Window", true, 0, busyQuiet / 2},
		{"the same saves as new arrivals wait for a quiet second", false, busyQuiet, 2 * busyQuiet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			q := newQueue(Options{Window: 20 * time.Millisecond, MaxRecords: 1000}.withDefaults(), rec.flush, nil)
			defer q.close()
			var slowest time.Duration
			for i := range 4 {
				if _, err := q.submit(context.Background(), 2*i, false); err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				if _, err := q.submit(context.Background(), 2*i+1, tt.followUp); err != nil {
					t.Fatal(err)
				}
				slowest = max(slowest, time.Since(start))
				time.Sleep(350 * time.Millisecond)
			}
			if slowest < tt.min || slowest > tt.max {
				t.Errorf("the slowest save took %v, want %v to %v", slowest, tt.min, tt.max)
			}
		})
	}
}

// After a stream's batch leaves, the follow-ups of its callers wait for the
// stream's next clump and share its call; when no clump comes, they leave a
// quiet period later.
func TestFollowUpsOfAStreamShareTheNextBatch(t *testing.T) {
	tests := []struct {
		name      string
		nextClump time.Duration // when the next clump comes after the follow-ups; 0: none
		wantSizes []int
		min, max  time.Duration // bounds on how long the follow-ups wait
	}{
		{"the next clump joins the follow-ups", 300 * time.Millisecond, []int{50, 100}, busyQuiet, 2 * busyQuiet},
		{"with no clump the follow-ups leave a quiet period later", 0, []int{50, 50}, busyQuiet, busyQuiet + busyQuiet/2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			q := newQueue(Options{Window: 20 * time.Millisecond, MaxRecords: 1000}.withDefaults(), rec.flush, nil)
			defer q.close()
			all(50, func(i int) (int, error) { return q.submit(context.Background(), i, false) })
			start := time.Now()
			var wg sync.WaitGroup
			for i := range 50 {
				wg.Go(func() { _, _ = q.submit(context.Background(), 100+i, true) })
			}
			if tt.nextClump > 0 {
				time.Sleep(tt.nextClump)
				for i := range 50 {
					wg.Go(func() { _, _ = q.submit(context.Background(), 200+i, false) })
				}
			}
			wg.Wait()
			took := time.Since(start)
			rec.mu.Lock()
			sizes := slices.Clone(rec.sizes)
			rec.mu.Unlock()
			if !slices.Equal(sizes, tt.wantSizes) {
				t.Errorf("batches %v, want %v", sizes, tt.wantSizes)
			}
			if took < tt.min || took > tt.max {
				t.Errorf("the follow-ups took %v, want %v to %v", took, tt.min, tt.max)
			}
		})
	}
}

// The reconciles one answer freed come back together seconds later; the first
// of them must wait for the rest instead of leaving alone, unless the stream
// ended longer than MaxWait ago.
func TestFirstEntryAfterAStreamWaitsForItsClump(t *testing.T) {
	const maxWait = 3 * time.Second
	tests := []struct {
		name      string
		pause     time.Duration // after the stream's batch was answered
		wantSizes []int
	}{
		{"within MaxWait of the stream it waits for the clump", 2 * time.Second, []int{50, 31}},
		{"long after the stream it leaves alone", maxWait + time.Second, []int{50, 1, 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			q := newQueue(Options{Window: 20 * time.Millisecond, MaxWait: maxWait, MaxRecords: 1000}.withDefaults(), rec.flush, nil)
			defer q.close()
			all(50, func(i int) (int, error) { return q.submit(context.Background(), i, false) })
			time.Sleep(tt.pause)
			var wg sync.WaitGroup
			wg.Go(func() { _, _ = q.submit(context.Background(), 100, false) })
			time.Sleep(300 * time.Millisecond)
			for i := range 30 {
				wg.Go(func() { _, _ = q.submit(context.Background(), 200+i, false) })
			}
			wg.Wait()
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if !slices.Equal(rec.sizes, tt.wantSizes) {
				t.Errorf("batches %v, want %v", rec.sizes, tt.wantSizes)
			}
		})
	}
}

// When every caller that can wait has joined a batch, no one else can come:
// it leaves at once rather than after its quiet period.
func TestBatchThatEveryCallerJoinedLeavesAtOnce(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	// A ten-second window: without the rule the batch would wait it out and fail promptly.
	c := o.coalescer(t, Options{Window: 10 * time.Second, Callers: 40})
	start := time.Now()
	got := all(40, func(i int) (string, error) { return c.Save(context.Background(), lead(i)) })
	for i, r := range got {
		if r.err != nil {
			t.Fatalf("save %d: %v", i, r.err)
		}
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the batch left after %v, want at once", took)
	}
}

// Drift reads wait for their retrieves without holding a worker, so they do
// not count against Callers: thousands share one call.
func TestRetrievesDoNotCountAgainstCallers(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	ids := make([]string, 300)
	for i := range ids {
		ids[i] = o.seedLead(t, fmt.Sprintf("read%d@example.com", i))
	}
	c := o.coalescer(t, Options{Window: 5 * countWindow, Callers: 40})
	calls := o.calls(func() {
		got := all(len(ids), func(i int) (salesforce.Record, error) {
			return c.Retrieve(context.Background(), "Lead", ids[i], []string{"Email"})
		})
		for i, r := range got {
			if r.err != nil || r.val == nil {
				t.Fatalf("retrieve %d: %v, %v", i, r.val, r.err)
			}
		}
	})
	if calls != 1 {
		t.Errorf("300 retrieves with 40 callers cost %d calls, want 1", calls)
	}
}
