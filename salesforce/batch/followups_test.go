package batch

import (
	"context"
	"sync"
	"testing"
	"time"
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

// A busy queue's batch waits for a quiet second; saves that follow answered
// lookups must not: they are no new arrivals.
func TestFollowUpsDoNotHoldTheBatch(t *testing.T) {
	tests := []struct {
		name     string
		followUp bool
		// bounds on how long the second wave waits for its answer
		min, max time.Duration
	}{
		{"saves after lookups leave after Window", true, 0, busyQuiet / 2},
		{"the same saves as new arrivals wait for a quiet second", false, busyQuiet, 2 * busyQuiet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			opts := Options{Window: 20 * time.Millisecond, MaxRecords: 1000}.withDefaults()
			q := newQueue(opts, rec.flush, nil)
			defer q.close()
			// A first wave makes the queue busy and is answered.
			all(50, func(i int) (int, error) { return q.submit(context.Background(), i, false) })
			// Its callers come back at once with their next request.
			start := time.Now()
			var wg sync.WaitGroup
			for i := range 50 {
				wg.Go(func() { _, _ = q.submit(context.Background(), i, tt.followUp) })
			}
			wg.Wait()
			if took := time.Since(start); took < tt.min || took > tt.max {
				t.Errorf("the second wave took %v, want %v to %v", took, tt.min, tt.max)
			}
		})
	}
}
