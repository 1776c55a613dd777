package batch

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// ErrClosed is returned by calls made after Close.
var ErrClosed = errors.New("batch: coalescer is closed")

// Coalescer merges the calls of concurrent callers aimed at one Salesforce
// org. It is safe for concurrent use.
type Coalescer struct {
	client    *salesforce.Client
	observe   func(kind string, records int)
	calls     *queue[request, reply]
	followUps followUps
}

// followUps counts the saves expected right after lookups are answered: a
// caller that looked a Lead up creates or updates it next. Such a save is not
// a new arrival (see queue.submit): it never makes the queue look busy, so a
// lone apply's save leaves after Window, and it never holds an open batch
// back; one that opens a batch while a stream is coming in waits for the
// stream's next clump, so the creates of one clump share a call with the
// lookups of the next.
type followUps struct {
	mu    sync.Mutex
	n     int
	until time.Time
}

// followUpWithin is how long after a lookup's answer its caller's save still
// counts as a follow-up; a caller that saves nothing leaves its count to lapse.
const followUpWithin = 2 * time.Second

func (f *followUps) expect(n int, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.After(f.until) {
		f.n = 0
	}
	f.n += n
	f.until = now.Add(followUpWithin)
}

// take reports whether a save made at now follows a lookup, and counts it.
func (f *followUps) take(now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 || now.After(f.until) {
		return false
	}
	f.n--
	return true
}

// kind is what a request asks for. Requests of every kind wait in one queue,
// so lookups and saves that are ready together share an API call.
type kind uint8

const (
	kindLookup kind = iota
	kindSave
	kindRetrieve
	kindDelete
	kinds
)

var kindNames = [kinds]string{"lookups", "saves", "retrieves", "deletes"}

// request is one caller's request; the field its kind names is set.
type request struct {
	kind      kind
	email     string
	write     salesforce.RecordWrite
	retrieval retrieval
	deletion  deletion
}

// reply is one caller's answer; the field its request's kind names is set.
type reply struct {
	leads  []salesforce.LeadMatch
	id     string
	record salesforce.Record
}

// New returns a Coalescer sending through c.
func New(c *salesforce.Client, opts Options) *Coalescer {
	opts = opts.withDefaults()
	b := &Coalescer{client: c, observe: opts.Observe}
	caps := [kinds]int{maxLookupsPerCall, maxWritesPerCall, maxRetrievesPerCall, maxWritesPerCall}
	if opts.MaxRecords > 0 {
		caps = [kinds]int{opts.MaxRecords, opts.MaxRecords, opts.MaxRecords, opts.MaxRecords}
	}
	// The room closes batches; the queue's own record cap never does.
	opts.MaxRecords = math.MaxInt
	b.calls = newQueue(opts, b.flush, room[request](&callRoom{caps: caps, callers: opts.Callers}))
	return b
}

// Close flushes what is queued, waits for every answer, then stops; later
// calls return ErrClosed. It is safe to call more than once.
func (b *Coalescer) Close() {
	b.calls.close()
}

// callRoom closes a batch when its next request would need a second API
// call, or would pass the record cap of its kind, and as soon as every
// caller who can wait has joined it.
type callRoom struct {
	caps    [kinds]int
	callers int
	counts  [kinds]int
	call    salesforce.CallRoom
}

func (r *callRoom) take(req request) bool {
	if r.counts[req.kind] >= r.caps[req.kind] {
		return false
	}
	var fits bool
	switch req.kind {
	case kindLookup:
		fits = r.call.Lookup(req.email)
	case kindSave:
		fits = r.call.Save(req.write)
	case kindRetrieve:
		fits = r.call.Retrieve(req.retrieval.sobject)
	case kindDelete:
		fits = r.call.Delete()
	}
	if fits {
		r.counts[req.kind]++
	}
	return fits
}

func (r *callRoom) full() bool {
	if r.call.Full() {
		return true
	}
	// Retrieves are left out: drift reads wait for them without holding a
	// worker, so thousands can wait at once.
	if r.callers > 0 && r.counts[kindLookup]+r.counts[kindSave]+r.counts[kindDelete] >= r.callers {
		return true
	}
	for k, n := range r.counts {
		if n > 0 && n >= r.caps[k] {
			return true
		}
	}
	return false
}

func (r *callRoom) reset() {
	r.counts = [kinds]int{}
	r.call = salesforce.CallRoom{}
}

// planned is one kind's share of a flush: the jobs to send and how to answer
// its callers once they are done.
type planned struct {
	jobs   []salesforce.Job
	answer func(ctx context.Context, callErr error)
}

// flush sends a batch of mixed requests: every kind lays its requests out as
// jobs, all jobs travel together, and each kind then answers its callers.
func (b *Coalescer) flush(ctx context.Context, reqs []request) []outcome[reply] {
	out := make([]outcome[reply], len(reqs))
	var byKind [kinds][]int
	for i, r := range reqs {
		byKind[r.kind] = append(byKind[r.kind], i)
	}
	plans := []func(reqs []request, members []int, out []outcome[reply]) planned{
		kindLookup:   b.planLookups,
		kindSave:     b.planSaves,
		kindRetrieve: b.planRetrieves,
		kindDelete:   b.planDeletes,
	}
	var parts []planned
	var jobs []salesforce.Job
	for k, members := range byKind {
		if len(members) == 0 {
			continue
		}
		if b.observe != nil {
			b.observe(kindNames[k], len(members))
		}
		p := plans[k](reqs, members, out)
		parts = append(parts, p)
		jobs = append(jobs, p.jobs...)
	}
	callErr := b.client.Send(ctx, jobs...)
	for _, p := range parts {
		p.answer(ctx, callErr)
	}
	return out
}
