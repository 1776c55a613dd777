package batch

import "time"

// The quiet period a batch waits after its latest entry follows the queue's
// recent arrivals rather than a fixed Window. Entries rarely come evenly:
// reconciles woken by one watch event arrive in clumps of tens with pauses
// of a hundred milliseconds or more between clumps, so a rule based on the
// mean gap closes a batch at every pause. The longest recent gap describes
// such a stream; waiting twice that long keeps the clumps together, while a
// lone request or a single burst (no recent gap at all) waits only Window.
const (
	// recentGaps is how many of the latest gaps between arrivals are kept.
	recentGaps = 32
	// gapFactor is how many of the longest recent gaps a batch waits. For
	// random arrivals the longest of 32 gaps is about four mean gaps, so a
	// lull long enough to close a batch early is rarer than one in a
	// thousand arrivals.
	gapFactor = 2
	// streamHorizon separates a stream from separate requests: a gap longer
	// than this is an idle spell, and gaps older than this describe a stream
	// that has ended.
	streamHorizon = time.Second
)

// gap is the time between two consecutive arrivals, noted when the later one came.
type gap struct {
	length time.Duration
	at     time.Time
}

// arrivalGaps is a ring of the latest gaps between a queue's arrivals.
type arrivalGaps struct {
	ring [recentGaps]gap
	next int
	last time.Time // the latest arrival
}

// arrived notes an arrival at now.
func (a *arrivalGaps) arrived(now time.Time) {
	if !a.last.IsZero() {
		a.ring[a.next] = gap{length: now.Sub(a.last), at: now}
		a.next = (a.next + 1) % recentGaps
	}
	a.last = now
}

// longest is the longest gap of the current stream as of now: among the
// kept gaps noted within streamHorizon and themselves shorter than it.
func (a *arrivalGaps) longest(now time.Time) time.Duration {
	var out time.Duration
	for _, g := range a.ring {
		if g.at.IsZero() || now.Sub(g.at) > streamHorizon || g.length > streamHorizon {
			continue
		}
		out = max(out, g.length)
	}
	return out
}

// quietPeriod is how long a batch waits for another entry after one that came
// at now: Window for a lone request or a burst, gapFactor of the stream's
// longest recent gap otherwise, never more than MaxWait.
func (a *arrivalGaps) quietPeriod(now time.Time, opts Options) time.Duration {
	return min(max(gapFactor*a.longest(now), opts.Window), opts.MaxWait)
}

// departure is when a batch whose first entry came at first and latest at
// now leaves unless it fills up: a quiet period after now, or MaxWait after
// first, whichever is sooner.
func (a *arrivalGaps) departure(first, now time.Time, opts Options) time.Time {
	quiet := now.Add(a.quietPeriod(now, opts))
	if limit := first.Add(opts.MaxWait); limit.Before(quiet) {
		return limit
	}
	return quiet
}
