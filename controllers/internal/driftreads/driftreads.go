// Package driftreads reads records back for drift checks without holding a worker while the
// read waits for its batch. A worker blocked on a read is a worker that cannot add another
// read to the same batch, so with waiting workers a batch could never hold more reads than
// there are workers. Here a drift check starts its read and returns; the read joins whatever
// batch is open, and when it is answered the identity is queued again to compare and correct.
// Ten thousand identities due together then cost one read call instead of ten.
package driftreads

import (
	"context"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// Reads schedules drift reads, one at a time per identity.
type Reads struct {
	// timeout bounds one read, batch wait and login included.
	timeout time.Duration
	now     func() time.Time
	// wake queues an identity whose read has been answered.
	wake chan event.GenericEvent

	mu    sync.Mutex
	reads map[types.NamespacedName]*read
	// swept is when reads nobody came back for were last dropped.
	swept time.Time
	// slots bounds the reads under way; nil is no bound.
	slots *slots
}

// read is the read-back of every record of one identity.
type read struct {
	uid types.UID
	// what names the records and fields read; a reconcile that wants something else starts
	// a new read.
	what     string
	started  time.Time
	done     bool
	records  []salesforce.Record
	err      error
	answered time.Time
}

// FreshFor is how long an answered read stays usable: the reconcile it wakes normally runs
// within milliseconds, and a much older read would compare against stale values.
const FreshFor = time.Minute

// New returns a scheduler whose reads each get timeout.
func New(timeout time.Duration, now func() time.Time) *Reads {
	return &Reads{timeout: timeout, now: now, wake: make(chan event.GenericEvent, 4096), reads: map[types.NamespacedName]*read{}}
}

// LimitTo bounds the reads under way at once, across every identity, to n (at least one):
// each holds a goroutine and, once answered, its records. Reads must be allowed to pile up far
// enough to fill the coalescer's batches; past the bound, an identity's check waits for its
// next requeue instead of starting a read. Call it before the first Result.
func (d *Reads) LimitTo(n int) {
	d.slots = &slots{ch: make(chan struct{}, max(n, 1))}
}

// slots is a bound on reads under way; a nil *slots is no bound.
type slots struct{ ch chan struct{} }

// tryAcquire takes a slot without waiting: the caller holds a lock.
func (s *slots) tryAcquire() bool {
	if s == nil {
		return true
	}
	select {
	case s.ch <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *slots) release() {
	if s != nil {
		<-s.ch
	}
}

// Timeout is how long one read may take, batch wait and login included.
func (d *Reads) Timeout() time.Duration { return d.timeout }

// Wakes carries, for each answered read, the identity to queue again.
func (d *Reads) Wakes() <-chan event.GenericEvent { return d.wake }

// Result returns the answered read of what for the identity key (of uid) and forgets it.
// answered=false means the read is now under way (started by this call with fn, or by an
// earlier one) and the identity will come out of Wakes when it is answered. A read started
// before since does not count.
func (d *Reads) Result(key types.NamespacedName, uid types.UID, what string, since time.Time,
	fn func(ctx context.Context) ([]salesforce.Record, error)) (records []salesforce.Record, err error, answered bool) {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if r := d.reads[key]; r != nil && r.uid == uid && r.what == what && !r.started.Before(since) {
		switch {
		case r.done && now.Sub(r.answered) <= FreshFor:
			delete(d.reads, key)
			return r.records, r.err, true
		case !r.done && now.Sub(r.started) <= d.timeout:
			return nil, nil, false // still reading
		}
	}
	d.sweep(now)
	if !d.slots.tryAcquire() {
		return nil, nil, false // full: the reconcile's safety requeue tries again
	}
	r := &read{uid: uid, what: what, started: now}
	d.reads[key] = r
	go d.run(r, key, fn)
	return nil, nil, false
}

// sweep drops, once a minute at most, reads whose identity never came back for them (its
// spec changed meanwhile, or it was deleted). d.mu must be held.
func (d *Reads) sweep(now time.Time) {
	if now.Sub(d.swept) < FreshFor {
		return
	}
	d.swept = now
	for key, r := range d.reads {
		if (r.done && now.Sub(r.answered) > FreshFor) || (!r.done && now.Sub(r.started) > d.timeout) {
			delete(d.reads, key)
		}
	}
}

func (d *Reads) run(r *read, key types.NamespacedName, fn func(ctx context.Context) ([]salesforce.Record, error)) {
	defer d.slots.release()
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()
	records, err := fn(ctx)
	d.mu.Lock()
	if d.reads[key] == r {
		r.done, r.records, r.err, r.answered = true, records, err, d.now()
	}
	d.mu.Unlock()
	select {
	case d.wake <- event.GenericEvent{Object: &sfv1.SalesforceIdentity{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}}:
	case <-ctx.Done():
		// The queue did not take the wake-up in time; the safety requeue of the reconcile
		// that started the read comes instead.
	}
}

// Forget drops what is known of an identity that is gone.
func (d *Reads) Forget(key types.NamespacedName) {
	d.mu.Lock()
	delete(d.reads, key)
	d.mu.Unlock()
}
