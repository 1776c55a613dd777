package batch

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a flush that notes batch sizes and concurrency and echoes each
// request back.
type recorder struct {
	delay time.Duration

	mu          sync.Mutex
	sizes       []int
	running     atomic.Int32
	maxRunning  atomic.Int32
	sawDeadline bool
}

func (r *recorder) flush(ctx context.Context, reqs []int) []outcome[int] {
	n := r.running.Add(1)
	defer r.running.Add(-1)
	for {
		m := r.maxRunning.Load()
		if n <= m || r.maxRunning.CompareAndSwap(m, n) {
			break
		}
	}
	_, hasDeadline := ctx.Deadline()
	r.mu.Lock()
	r.sizes = append(r.sizes, len(reqs))
	r.sawDeadline = hasDeadline
	r.mu.Unlock()
	time.Sleep(r.delay)
	out := make([]outcome[int], len(reqs))
	for i, v := range reqs {
		out[i].val = v
	}
	return out
}

func TestQueueBatching(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		delay     time.Duration
		requests  int
		wantSizes []int // sorted
		wantMaxIn int32
	}{
		{
			name:      "a full batch leaves without waiting for the window",
			opts:      Options{Window: time.Hour, MaxRecords: 10, MaxInFlight: 4},
			requests:  30,
			wantSizes: []int{10, 10, 10},
		},
		{
			name:      "what is left leaves after the window",
			opts:      Options{Window: 20 * time.Millisecond, MaxRecords: 10, MaxInFlight: 4},
			requests:  25,
			wantSizes: []int{5, 10, 10},
		},
		{
			name:      "flushes beyond MaxInFlight wait for a slot",
			opts:      Options{Window: time.Hour, MaxRecords: 1, MaxInFlight: 2},
			delay:     20 * time.Millisecond,
			requests:  6,
			wantSizes: []int{1, 1, 1, 1, 1, 1},
			wantMaxIn: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{delay: tt.delay}
			q := newQueue(tt.opts.withDefaults(), rec.flush)
			got := all(tt.requests, func(i int) (int, error) { return q.submit(context.Background(), i) })
			for i, r := range got {
				if r.err != nil || r.val != i {
					t.Errorf("request %d answered %d, %v", i, r.val, r.err)
				}
			}
			slices.Sort(rec.sizes)
			if !slices.Equal(rec.sizes, tt.wantSizes) {
				t.Errorf("batch sizes %v, want %v", rec.sizes, tt.wantSizes)
			}
			if tt.wantMaxIn > 0 && rec.maxRunning.Load() != tt.wantMaxIn {
				t.Errorf("at most %d flushes ran at once, want %d", rec.maxRunning.Load(), tt.wantMaxIn)
			}
			if !rec.sawDeadline {
				t.Error("flush ran without a deadline")
			}
			q.close()
		})
	}
}

// While every slot is busy, a batch whose window has passed keeps taking
// entries, so a slow org gets one fuller call instead of many small ones.
func TestQueueGrowsBatchesWhileSlotsAreBusy(t *testing.T) {
	rec := &recorder{delay: 100 * time.Millisecond}
	q := newQueue(Options{Window: 5 * time.Millisecond, MaxRecords: 1000, MaxInFlight: 1}, rec.flush)
	defer q.close()
	first := make(chan struct{})
	go func() {
		_, _ = q.submit(context.Background(), -1)
		close(first)
	}()
	time.Sleep(20 * time.Millisecond) // the first flush is now running
	var wg sync.WaitGroup
	for i := range 10 {
		time.Sleep(3 * time.Millisecond) // each arrival is past the previous one's window
		wg.Go(func() { _, _ = q.submit(context.Background(), i) })
	}
	wg.Wait()
	<-first
	if !slices.Equal(rec.sizes, []int{1, 10}) {
		t.Errorf("batch sizes %v, want [1 10]", rec.sizes)
	}
}

// A steady stream keeps one batch open until MaxWait, instead of leaving one
// batch per Window; a lone entry still leaves after Window.
func TestQueueStaysOpenForASteadyStream(t *testing.T) {
	rec := &recorder{}
	q := newQueue(Options{Window: 20 * time.Millisecond, MaxWait: 400 * time.Millisecond, MaxRecords: 1000, MaxInFlight: 4}, rec.flush)
	defer q.close()
	var wg sync.WaitGroup
	for i := range 30 { // one entry every 5ms for 150ms: always within Window of the last
		wg.Go(func() { _, _ = q.submit(context.Background(), i) })
		time.Sleep(5 * time.Millisecond)
	}
	wg.Wait()
	rec.mu.Lock()
	sizes := slices.Clone(rec.sizes)
	rec.mu.Unlock()
	if len(sizes) > 2 {
		t.Errorf("a steady stream left in %d batches %v; want it to stay together", len(sizes), sizes)
	}

	start := time.Now()
	if _, err := q.submit(context.Background(), 99); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 200*time.Millisecond {
		t.Errorf("a lone entry waited %s; want about one Window", waited)
	}
}
