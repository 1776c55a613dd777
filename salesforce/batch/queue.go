package batch

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errUnanswered is what a caller gets if a flush returned no outcome for its
// row; it marks a bug in a flush function rather than a Salesforce failure.
var errUnanswered = errors.New("batch: flush returned no result for this request")

// outcome is one caller's answer.
type outcome[Res any] struct {
	val Res
	err error
}

// entry is one waiting caller.
type entry[Req, Res any] struct {
	ctx context.Context
	req Req
	// done is buffered so a flush never blocks on a caller that has left.
	done chan outcome[Res]
}

// flushFunc sends one batch and returns an outcome per request, in order.
type flushFunc[Req, Res any] func(ctx context.Context, reqs []Req) []outcome[Res]

// room decides whether a batch can take one more request when counting its
// records is not enough: requests of different kinds fill an API call
// differently.
type room[Req any] interface {
	// take counts req into the batch and reports true, or reports false and
	// counts nothing when req would not fit. An empty batch takes anything.
	take(req Req) bool
	// full reports whether no further request can fit.
	full() bool
	reset()
}

// queue gathers requests into batches and runs at most MaxInFlight flushes
// at a time.
type queue[Req, Res any] struct {
	opts  Options
	flush flushFunc[Req, Res]
	// room, when set, closes a batch before the request that would not fit.
	room room[Req]

	mu   sync.Mutex
	open []*entry[Req, Res] // the batch still taking entries
	// recent holds the latest arrivals of any batch, which decide
	// how long the open batch waits for company.
	recent arrivalTimes
	// openedAt is when the open batch got its first entry.
	openedAt time.Time
	// departs is when the open batch's quiet period ends; each entry moves it.
	departs time.Time
	// due is set once the open batch's quiet period has passed; the batch then
	// leaves with the next free flush slot and keeps growing until it does.
	due bool
	// timer is the open batch's one timer, rescheduled rather than replaced
	// as entries come, so a stream of thousands does not leave thousands of
	// stopped timers behind.
	timer *time.Timer
	// gen counts closed batches, so the timer of an earlier batch is ignored.
	gen      uint64
	ready    [][]*entry[Req, Res] // batches that reached MaxRecords, oldest first
	inFlight int
	closed   bool

	pending sync.WaitGroup // batches closed but not yet answered
}

func newQueue[Req, Res any](opts Options, flush flushFunc[Req, Res], r room[Req]) *queue[Req, Res] {
	return &queue[Req, Res]{opts: opts, flush: flush, room: r}
}

// submit queues req and waits for its outcome or for ctx to end. A followUp
// is a request its caller makes right after an answer of this queue (the save
// after a lookup): it joins the open batch but is not a new arrival, so it
// neither makes the queue busy nor holds the batch back.
func (q *queue[Req, Res]) submit(ctx context.Context, req Req, followUp bool) (Res, error) {
	var zero Res
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	e := &entry[Req, Res]{ctx: ctx, req: req, done: make(chan outcome[Res], 1)}
	if !q.add(e, followUp) {
		return zero, ErrClosed
	}
	select {
	case o := <-e.done:
		return o.val, o.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

func (q *queue[Req, Res]) add(e *entry[Req, Res], followUp bool) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	now := time.Now()
	if q.room != nil && !q.room.take(e.req) {
		q.closeOpen()
		q.room.take(e.req)
	}
	q.open = append(q.open, e)
	q.arrived(now, followUp)
	switch {
	case len(q.open) >= q.opts.MaxRecords, q.room != nil && q.room.full():
		q.closeOpen()
	case !q.due && (!followUp || len(q.open) == 1):
		// A follow-up that opens a batch sets its departure like any first
		// entry; one that joins a batch leaves the departure where it is.
		q.extend(now)
	}
	q.launch()
	return true
}

// arrived notes that the open batch's latest entry came at now. q.mu must be
// held.
func (q *queue[Req, Res]) arrived(now time.Time, followUp bool) {
	if len(q.open) == 1 {
		q.openedAt = now
	}
	if !followUp {
		q.recent.arrived(now)
	}
}

// extend moves the open batch's departure to a quiet period after its latest
// entry, which came at now; a departure only ever moves later. q.mu must be
// held.
func (q *queue[Req, Res]) extend(now time.Time) {
	q.schedule(later(q.departs, q.recent.departure(q.openedAt, now, q.opts)), now)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// schedule sets the open batch's departure and its timer. q.mu must be held.
func (q *queue[Req, Res]) schedule(departs, now time.Time) {
	q.departs = departs
	wait := departs.Sub(now)
	if q.timer == nil {
		gen := q.gen
		q.timer = time.AfterFunc(wait, func() { q.windowPassed(gen) })
		return
	}
	q.timer.Reset(wait)
}

// windowPassed runs when the open batch's timer fires. A firing that an
// entry has since outdated (it was already waiting for q.mu) re-arms the
// timer for the later departure instead of sending the batch early.
func (q *queue[Req, Res]) windowPassed(gen uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if gen != q.gen || q.due {
		return
	}
	if wait := time.Until(q.departs); wait > 0 {
		q.timer.Reset(wait)
		return
	}
	q.due = true
	q.launch()
}

// closeOpen moves the open batch to the ready list. q.mu must be held.
func (q *queue[Req, Res]) closeOpen() {
	if len(q.open) == 0 {
		return
	}
	if q.timer != nil {
		q.timer.Stop()
		q.timer = nil
	}
	q.ready = append(q.ready, q.open)
	q.departs = time.Time{}
	if q.room != nil {
		q.room.reset()
	}
	q.pending.Add(1)
	q.open, q.due = nil, false
	q.gen++
}

// launch starts flushes while slots are free. q.mu must be held.
func (q *queue[Req, Res]) launch() {
	for q.inFlight < q.opts.MaxInFlight {
		if len(q.ready) == 0 {
			if !q.due {
				return
			}
			q.closeOpen()
		}
		batch := q.ready[0]
		// The slot is cleared so the backing array does not keep a sent batch, its
		// callers' contexts and their records, alive until the next append.
		q.ready[0] = nil
		q.ready = q.ready[1:]
		q.inFlight++
		go q.run(batch)
	}
}

func (q *queue[Req, Res]) run(batch []*entry[Req, Res]) {
	defer q.pending.Done()
	q.answer(batch)
	q.mu.Lock()
	q.inFlight--
	q.launch()
	q.mu.Unlock()
}

// answer flushes the callers still waiting; rows of callers that have left
// are not sent, which spares API calls and, for creates, orphan records.
func (q *queue[Req, Res]) answer(batch []*entry[Req, Res]) {
	live := make([]*entry[Req, Res], 0, len(batch))
	for _, e := range batch {
		if e.ctx.Err() == nil {
			live = append(live, e)
		}
	}
	if len(live) == 0 {
		return
	}
	reqs := make([]Req, len(live))
	for i, e := range live {
		reqs[i] = e.req
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(live[0].ctx), flushTimeout)
	defer cancel()
	outs := q.flush(ctx, reqs)
	for i, e := range live {
		o := outcome[Res]{err: errUnanswered}
		if i < len(outs) {
			o = outs[i]
		}
		e.done <- o
	}
}

// close refuses new requests, flushes what is queued and waits for every
// flush to answer.
func (q *queue[Req, Res]) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.closeOpen()
		q.launch()
	}
	q.mu.Unlock()
	q.pending.Wait()
}
