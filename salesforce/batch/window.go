package batch

import "time"

// quietGaps is how many of a batch's mean arrival gaps it waits past its
// latest entry. Irregular arrivals leave a gap longer than k mean gaps with
// a chance of about e^-k each: at 4 (1.8%) a stream of 150 a second would
// still close a batch every ~50 entries on a random lull; at 8 (0.03%) lulls
// almost never close one before MaxWait or the record cap, while a stream
// that has stopped still leaves after eight of its gaps (some 50ms at 150 a
// second).
const quietGaps = 8

// streamWindows bounds, in Windows, the gap before a batch's first entry
// that still counts as part of a stream. A lone entry has no gap of its own
// to measure, so without this a stream whose gaps exceed Window would leave
// one entry per batch for ever; with it, only a request that has no
// neighbour that close leaves after a plain Window, and one that has waits
// at most quietGaps × streamWindows Windows.
const streamWindows = 2

// arrivals is when a batch's entries came.
type arrivals struct {
	first, last time.Time
	n           int
	// lead is the gap between the first entry and the entry before it, of
	// an earlier batch.
	lead time.Duration
}

// meanGap is the batch's observed gap between entries, or 0 when it has
// none: a lone entry that does not follow another closely.
func (a arrivals) meanGap(opts Options) time.Duration {
	if a.n >= 2 {
		return a.last.Sub(a.first) / time.Duration(a.n-1)
	}
	if a.lead <= streamWindows*opts.Window {
		return a.lead
	}
	return 0
}

// quietPeriod is how long the batch waits for another entry: Window for a
// lone request or a burst, so neither waits noticeably, and quietGaps mean
// gaps for a batch whose entries trickle in, so a stream with gaps wider
// than Window still stays together.
func (a arrivals) quietPeriod(opts Options) time.Duration {
	return min(max(quietGaps*a.meanGap(opts), opts.Window), opts.MaxWait)
}

// departure is when the batch leaves unless it fills up first: a quiet
// period after its latest entry, or MaxWait after its first, whichever is
// sooner.
func (a arrivals) departure(opts Options) time.Time {
	quiet := a.last.Add(a.quietPeriod(opts))
	if limit := a.first.Add(opts.MaxWait); limit.Before(quiet) {
		return limit
	}
	return quiet
}
