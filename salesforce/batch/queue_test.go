package batch

import (
	"context"
	"runtime"
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
	started     []time.Time // when each flush began, in order
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
	r.started = append(r.started, time.Now())
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
			q := newQueue(tt.opts.withDefaults(), rec.flush, nil)
			got := all(tt.requests, func(i int) (int, error) { return q.submit(context.Background(), i, false) })
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
	q := newQueue(Options{Window: 5 * time.Millisecond, MaxRecords: 1000, MaxInFlight: 1}, rec.flush, nil)
	defer q.close()
	first := make(chan struct{})
	go func() {
		_, _ = q.submit(context.Background(), -1, false)
		close(first)
	}()
	time.Sleep(20 * time.Millisecond) // the first flush is now running
	var wg sync.WaitGroup
	for i := range 10 {
		time.Sleep(3 * time.Millisecond) // each arrival is past the previous one's window
		wg.Go(func() { _, _ = q.submit(context.Background(), i, false) })
	}
	wg.Wait()
	<-first
	if !slices.Equal(rec.sizes, []int{1, 10}) {
		t.Errorf("batch sizes %v, want [1 10]", rec.sizes)
	}
}

// stream submits n entries gap apart, on a fixed schedule so that one late
// wake-up does not stretch every later gap, and returns once all are
// answered, with the times just before the first and the last was submitted.
func stream(t *testing.T, q *queue[int, int], n int, gap time.Duration, clump int) (first, last time.Time) {
	t.Helper()
	var wg sync.WaitGroup
	first = time.Now()
	clump = max(clump, 1)
	for i := range n {
		time.Sleep(time.Until(first.Add(time.Duration(i/clump) * gap)))
		last = time.Now()
		wg.Go(func() {
			if v, err := q.submit(context.Background(), i, false); err != nil || v != i {
				t.Errorf("entry %d answered %d, %v", i, v, err)
			}
		})
	}
	wg.Wait()
	return first, last
}

// The bounds are wide, since on a loaded machine the scheduler can hold
// entries back and release them in a bunch, which splits a young batch; yet
// they are far from what a fixed 20ms window gives (one batch per entry for
// gaps of 30ms) or from waiting out MaxWait.
func TestQueueWindowFollowsArrivals(t *testing.T) {
	const window = 20 * time.Millisecond
	tests := []struct {
		name       string
		opts       Options
		n          int
		gap        time.Duration
		clump      int // entries that come together, every gap
		maxBatches int
		largest    [2]int           // bounds on the largest batch
		settle     [2]time.Duration // bounds on when the last batch left, after the last entry; zero: unchecked
	}{
		{
			name:       "a lone entry leaves after Window, not MaxWait",
			opts:       Options{Window: window, MaxWait: 5 * time.Second},
			n:          1,
			maxBatches: 1,
			largest:    [2]int{1, 1},
			settle:     [2]time.Duration{window, 500 * time.Millisecond},
		},
		{
			// Past four entries the queue counts as busy and waits for a pause.
			name:       "a burst stays together and leaves a quiet second later",
			opts:       Options{Window: window, MaxWait: 5 * time.Second},
			n:          200,
			maxBatches: 2,
			largest:    [2]int{150, 200},
			settle:     [2]time.Duration{busyQuiet, busyQuiet + 500*time.Millisecond},
		},
		{
			// Only the opening entry, with no gap yet to go by, leaves alone;
			// MaxWait then cuts the stream after about 20 entries.
			name:       "a regular stream with gaps wider than Window stays together until MaxWait",
			opts:       Options{Window: window, MaxWait: 600 * time.Millisecond},
			n:          31,
			gap:        30 * time.Millisecond,
			maxBatches: 8,
			largest:    [2]int{15, 22},
		},
		{
			name:       "a regular stream with gaps wider than Window stays together until the cap",
			opts:       Options{Window: window, MaxWait: 5 * time.Second, MaxRecords: 10},
			n:          26,
			gap:        30 * time.Millisecond,
			maxBatches: 8,
			largest:    [2]int{10, 10},
		},
		{
			name:       "a stream that stops leaves a few gaps after its last entry, not at MaxWait",
			opts:       Options{Window: window, MaxWait: 5 * time.Second},
			n:          11,
			gap:        30 * time.Millisecond,
			maxBatches: 4,
			largest:    [2]int{6, 11},
			// A quiet second, far from MaxWait.
			settle: [2]time.Duration{busyQuiet, busyQuiet + 500*time.Millisecond},
		},
		{
			// As reconciles woken by one watch event arrive: tens at once, then a pause.
			name:       "clumps with pauses of 150ms stay together until MaxWait",
			opts:       Options{Window: window, MaxWait: 2 * time.Second},
			n:          300,
			gap:        150 * time.Millisecond,
			clump:      30,
			maxBatches: 4,
			largest:    [2]int{200, 300},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			opts := tt.opts.withDefaults()
			if opts.MaxRecords == 0 {
				opts.MaxRecords = maxWritesPerCall
			}
			q := newQueue(opts, rec.flush, nil)
			defer q.close()
			_, last := stream(t, q, tt.n, tt.gap, tt.clump)
			rec.mu.Lock()
			sizes, started := slices.Clone(rec.sizes), slices.Clone(rec.started)
			rec.mu.Unlock()
			if len(sizes) == 0 || len(sizes) > tt.maxBatches {
				t.Fatalf("left in batches %v, want 1 to %d", sizes, tt.maxBatches)
			}
			if top := slices.Max(sizes); top < tt.largest[0] || top > tt.largest[1] {
				t.Errorf("batches %v: largest %d, want %d to %d", sizes, top, tt.largest[0], tt.largest[1])
			}
			if tt.settle[1] == 0 {
				return
			}
			if settled := started[len(started)-1].Sub(last); settled < tt.settle[0] || settled > tt.settle[1] {
				t.Errorf("last batch left %v after the last entry, want %v to %v", settled, tt.settle[0], tt.settle[1])
			}
		})
	}
}

// A sent batch must not stay reachable from the queue: its entries hold the
// callers' contexts (loggers and all) and their records, and a cold sync of
// thousands would keep its last thousand alive for good.
func TestSentBatchesAreNotRetained(t *testing.T) {
	type payload struct{ fields [64]byte }
	flush := func(_ context.Context, reqs []*payload) []outcome[int] {
		return make([]outcome[int], len(reqs))
	}
	q := newQueue(Options{Window: time.Hour, MaxRecords: 1, MaxInFlight: 1}, flush, nil)
	defer q.close()

	collected := make(chan struct{})
	func() {
		p := &payload{}
		runtime.AddCleanup(p, func(ch chan struct{}) { close(ch) }, collected)
		if _, err := q.submit(context.Background(), p, false); err != nil {
			t.Fatal(err)
		}
	}()
	for range 50 {
		runtime.GC()
		select {
		case <-collected:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("the answered request is still reachable from the queue")
}
