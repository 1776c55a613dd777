package batch

import "time"

// How long a batch waits for company depends on whether its queue is busy.
// Entries rarely come evenly: reconciles woken by one watch event arrive in
// clumps of tens with pauses of a hundred milliseconds or more between the
// clumps, so any rule keyed to the gaps between entries closes batches at
// every pause. A queue that has had a few entries within the last second is
// taking part in a stream (a bulk apply, a drift round); its batch waits for a
// pause as long as busyQuiet before it leaves. An idle queue's lone request,
// or a burst that arrives at once, waits only Window.
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
}

// arrived notes an arrival at now.
func (a *arrivalTimes) arrived(now time.Time) {
	a.ring[a.next] = now
	a.next = (a.next + 1) % busyArrivals
}

// busy reports whether the latest busyArrivals arrivals all came within
// busyHorizon of now.
func (a *arrivalTimes) busy(now time.Time) bool {
	oldest := a.ring[a.next] // the ring's next slot holds its oldest arrival
	return !oldest.IsZero() && now.Sub(oldest) <= busyHorizon
}

// streaming reports whether arrivals were streaming in until recently: the
// latest busyArrivals came within busyHorizon of each other, the newest of
// them no longer than busyHorizon+busyQuiet before now. A batch opened by a
// follow-up then waits for the stream's next clump, with which it can share
// a call, instead of leaving alone.
func (a *arrivalTimes) streaming(now time.Time) bool {
	oldest := a.ring[a.next]
	newest := a.ring[(a.next+busyArrivals-1)%busyArrivals]
	return !oldest.IsZero() && newest.Sub(oldest) <= busyHorizon && now.Sub(newest) <= busyHorizon+busyQuiet
}

// quietPeriod is how long a batch waits for another entry after one that came
// at now: Window on an idle queue, busyQuiet on a busy one, never more than
// MaxWait.
func (a *arrivalTimes) quietPeriod(now time.Time, opts Options) time.Duration {
	if !a.busy(now) {
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
