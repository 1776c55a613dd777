package batch

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func TestWholeCallFailureReachesEveryCallerOfItsFlush(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	c := o.coalescer(t, Options{Window: 100 * time.Millisecond})
	fault, _ := emulator.Preset("SERVER_UNAVAILABLE")
	fault.PathContains, fault.Times = "/services/data/", 1
	o.emu.AddFault(fault)

	failed := all(30, func(i int) (string, error) { return c.Save(context.Background(), lead(i)) })
	for i, r := range failed {
		if !salesforce.IsTransient(r.err) {
			t.Errorf("caller %d: got %q, %v; want a transient error", i, r.val, r.err)
		}
	}
	if n := len(o.emu.Records("Lead")); n != 0 {
		t.Errorf("%d Leads created by a failed call", n)
	}
	next := all(30, func(i int) (string, error) { return c.Save(context.Background(), lead(100+i)) })
	for i, r := range next {
		if r.err != nil || r.val == "" {
			t.Errorf("caller %d of the next flush: got %q, %v", i, r.val, r.err)
		}
	}
}

func TestThrottlingReachesEveryLookup(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	c := o.coalescer(t, Options{Window: 100 * time.Millisecond})
	fault, _ := emulator.Preset("REQUEST_LIMIT_EXCEEDED")
	fault.PathContains, fault.Times = "/services/data/", 1
	o.emu.AddFault(fault)
	got := all(10, func(i int) ([]salesforce.LeadMatch, error) {
		return c.FindLeadsByEmail(context.Background(), lead(i).Fields["Email"].(string))
	})
	for i, r := range got {
		if !salesforce.IsThrottled(r.err) {
			t.Errorf("caller %d: got %v, want REQUEST_LIMIT_EXCEEDED", i, r.err)
		}
	}
}

func TestCallerContext(t *testing.T) {
	o := newOrg(t, emulator.Options{Latency: 300 * time.Millisecond})
	c := o.coalescer(t, Options{Window: 50 * time.Millisecond})

	t.Run("a caller who leaves gets ctx.Err at once and its neighbours still succeed", func(t *testing.T) {
		impatient, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		got := all(10, func(i int) (string, error) {
			ctx := context.Background()
			if i == 0 {
				// The first caller's context is the one the flush is detached from.
				ctx = impatient
			} else {
				time.Sleep(10 * time.Millisecond)
			}
			start := time.Now()
			id, err := c.Save(ctx, lead(i))
			if i == 0 && time.Since(start) > 250*time.Millisecond {
				t.Errorf("impatient caller waited %v after its deadline", time.Since(start))
			}
			return id, err
		})
		if !errors.Is(got[0].err, context.DeadlineExceeded) {
			t.Errorf("impatient caller: got %v, want context.DeadlineExceeded", got[0].err)
		}
		for i, r := range got[1:] {
			if r.err != nil {
				t.Errorf("caller %d failed with the impatient one: %v", i+1, r.err)
			}
		}
	})

	t.Run("a row whose caller left before the flush is not sent", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		w := lead(500)
		done := make(chan error)
		go func() {
			_, err := c.Save(ctx, w)
			done <- err
		}()
		waitOpen(t, c.calls, 1)
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		// A neighbour joins the same batch: once it is answered, the flush the abandoned
		// row would have gone out with is over.
		if id, err := c.Save(context.Background(), lead(501)); err != nil || id == "" {
			t.Fatalf("the neighbour's save: %q, %v", id, err)
		}
		for _, rec := range o.emu.Records("Lead") {
			if rec["Email"] == w.Fields["Email"] {
				t.Fatal("the abandoned create reached Salesforce")
			}
		}
	})

	t.Run("a context already ended never queues", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Save(ctx, lead(600)); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

func TestCloseFlushesWhatIsQueuedThenRefuses(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	c := New(o.client, Options{Window: time.Hour})
	queued := make(chan result[string])
	go func() {
		id, err := c.Save(context.Background(), lead(1))
		queued <- result[string]{id, err}
	}()
	waitOpen(t, c.calls, 1)
	c.Close()
	if r := <-queued; r.err != nil || r.val == "" {
		t.Errorf("queued save: got %q, %v; want it flushed by Close", r.val, r.err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"Save", func() error { _, err := c.Save(context.Background(), lead(2)); return err }},
		{"FindLeadsByEmail", func() error { _, err := c.FindLeadsByEmail(context.Background(), "a@example.com"); return err }},
		{"Retrieve", func() error { _, err := c.Retrieve(context.Background(), "Lead", absentLead, nil); return err }},
		{"Delete", func() error { return c.Delete(context.Background(), "Lead", absentLead) }},
	}
	for _, tt := range calls {
		if err := tt.call(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: got %v, want ErrClosed", tt.name, err)
		}
	}
	c.Close() // a second Close is harmless
}

// waitOpen waits until the queue's open batch holds n entries: its callers have queued, not
// merely started, whatever the scheduler of two busy cores does.
func waitOpen[Req, Res any](t *testing.T, q *queue[Req, Res], n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		q.mu.Lock()
		got := len(q.open)
		q.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d entries queued after 10s, want %d", got, n)
		}
		time.Sleep(50 * time.Microsecond)
	}
}
