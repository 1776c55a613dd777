package batch

import "time"

// How long a batch waits for company depends on whether its queue is busy.
// Entries rarely come evenly: reconciles woken by one watch event arrive in
// clumps of tens with pauses of a hundred milliseconds or more between the
// clumps, so any rule keyed to the gaps between entries closes batches at
// every pause. A queue that has had a few entries within the last second is
// taking part in a stream (a bulk apply, a drift round); its batch waits for a
// pause as long as busyQuiet before it leaves, and so does the first entry
// after such a stream paused for up to MaxWait (the reconciles one answer
// freed come back together, seconds later). An idle queue's lone request, or
// a burst that arrives at once, waits only Window.
const (
	// busyArrivals entries within busyHorizon make a queue busy. Applies made
	// one at a time by a person are far rarer, so they never wait longer
	// than Window.
	busyArrivals = 4
	busyHorizon  = time.Second
	// busyQuiet is the pause after which a busy queue's batch leaves: longer
	// than the pauses inside a stream, short next to the minutes a bulk
	// apply takes.
	busyQuiet = time.Second
)

// arrivalTimes is a ring of a queue's latest arrivals.
type arrivalTimes struct {
	ring [busyArrivals]time.Time
	next int
	// streamed is the latest arrival that found the queue busy.
	streamed time.Time
}

// arrived notes an arrival at now.
func (a *arrivalTimes) arrived(now time.Time) {
	a.ring[a.next] = now
	a.next = (a.next + 1) % busyArrivals
	if a.busy(now) {
		a.streamed = now
	}
}

// busy reports whether the latest busyArrivals arrivals all came within
// busyHorizon of now.
func (a *arrivalTimes) busy(now time.Time) bool {
	oldest := a.ring[a.next] // the ring's next slot holds its oldest arrival
	return !oldest.IsZero() && now.Sub(oldest) <= busyHorizon
}

// streaming reports whether arrivals were streaming in at most memory before
// now. A stream's next clump is then likely on its way: reconciles freed by
// one answer come back together a few seconds later, and the first of them
// would otherwise leave alone.
func (a *arrivalTimes) streaming(now time.Time, memory time.Duration) bool {
	return !a.streamed.IsZero() && now.Sub(a.streamed) <= memory
}

// quietPeriod is how long a batch waits for another entry after one that came
// at now: busyQuiet while the queue is busy or its stream paused at most
// MaxWait ago, else Window; never more than MaxWait.
func (a *arrivalTimes) quietPeriod(now time.Time, opts Options) time.Duration {
	// The stream's last batch left a quiet period after its latest entry, so
	// MaxWait counts from then.
	if !a.busy(now) && !a.streaming(now, opts.MaxWait+busyQuiet) {
		return opts.Window
	}
	return min(max(busyQuiet, opts.Window), opts.MaxWait)
}

// departure is when a batch whose first entry came at first and latest at
// now leaves unless it fills up: a quiet period after now, or MaxWait after
// first, whichever is sooner.
func (a *arrivalTimes) departure(first, now time.Time, opts Options) time.Time {
	quiet := now.Add(a.quietPeriod(now, opts))
	if limit := first.Add(opts.MaxWait); limit.Before(quiet) {
		return limit
	}
	return quiet
}
