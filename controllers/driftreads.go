package controllers

import (
	"context"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// driftReads reads records back for drift checks without holding a worker while the read
// waits for its batch. A worker blocked on a read is a worker that cannot add another read to
// the same batch, so with waiting workers a batch could never hold more reads than there are
// workers. Here a drift check starts its read and returns; the read joins whatever batch is
// open, and when it is answered the identity is queued again to compare and correct. Ten
// thousand identities due together then cost one read call instead of ten.
type driftReads struct {
	// timeout bounds one read, batch wait and login included.
	timeout time.Duration
	now     func() time.Time
	// wake queues an identity whose read has been answered.
	wake chan event.GenericEvent

	mu    sync.Mutex
	reads map[types.NamespacedName]*driftRead
	// swept is when reads nobody came back for were last dropped.
	swept time.Time
	// slots bounds the reads under way (driftlimit.go).
	slots *readSlots
}

// driftRead is the read-back of every record of one identity.
type driftRead struct {
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

// driftTarget is one record to read back.
type driftTarget struct {
	sobject, id string
	fields      []string
}

// freshFor is how long an answered read stays usable: the reconcile it wakes normally runs
// within milliseconds, and a much older read would compare against stale values.
const freshFor = time.Minute

func newDriftReads(timeout time.Duration, now func() time.Time) *driftReads {
	return &driftReads{timeout: timeout, now: now, wake: make(chan event.GenericEvent, 4096), reads: map[types.NamespacedName]*driftRead{}}
}

// result returns the answered read of targets for obj and forgets it. ok=false means the read
// is now under way (started by this call or an earlier one) and obj will be queued again when
// it is answered. A read started before since does not count.
func (d *driftReads) result(obj *sfv1.SalesforceIdentity, api orgAPI, targets []driftTarget, since time.Time) (records []salesforce.Record, err error, ok bool) {
	what := describeTargets(targets)
	now := d.now()
	key := types.NamespacedName{Namespace: obj.Namespace, Name: obj.Name}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r := d.reads[key]; r != nil && r.uid == obj.UID && r.what == what && !r.started.Before(since) {
		switch {
		case r.done && now.Sub(r.answered) <= freshFor:
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
	r := &driftRead{uid: obj.UID, what: what, started: now}
	d.reads[key] = r
	go d.read(r, key, api, targets)
	return nil, nil, false
}

// sweep drops, once a minute at most, reads whose identity never came back for them (its
// spec changed meanwhile, or it was deleted). d.mu must be held.
func (d *driftReads) sweep(now time.Time) {
	if now.Sub(d.swept) < freshFor {
		return
	}
	d.swept = now
	for key, r := range d.reads {
		if (r.done && now.Sub(r.answered) > freshFor) || (!r.done && now.Sub(r.started) > d.timeout) {
			delete(d.reads, key)
		}
	}
}

func (d *driftReads) read(r *driftRead, key types.NamespacedName, api orgAPI, targets []driftTarget) {
	defer d.slots.release()
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()
	records := make([]salesforce.Record, len(targets))
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { records[i], errs[i] = api.Retrieve(ctx, t.sobject, t.id, t.fields) })
	}
	wg.Wait()
	var err error
	for _, e := range errs {
		if e != nil {
			err = e
			break
		}
	}
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

// forget drops what is known of an identity that is gone.
func (d *driftReads) forget(key types.NamespacedName) {
	d.mu.Lock()
	delete(d.reads, key)
	d.mu.Unlock()
}

func describeTargets(targets []driftTarget) string {
	var b strings.Builder
	for _, t := range targets {
		b.WriteString(t.sobject)
		b.WriteByte('/')
		b.WriteString(t.id)
		b.WriteByte(':')
		b.WriteString(strings.Join(t.fields, ","))
		b.WriteByte(';')
	}
	return b.String()
}
