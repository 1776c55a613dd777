package batch

import "time"

// Options tune the batching. Zero values take the defaults.
type Options struct {
	// Window is how long a batch waits for company after its first entry
	// (default 20ms). It bounds the extra latency a lone request pays.
	Window time.Duration
	// MaxRecords closes a batch early (default 1000: five collections of 200
	// inside one Composite call, the most one API call can carry).
	MaxRecords int
	// MaxInFlight bounds concurrent flushes per kind (default 4).
	MaxInFlight int
}

const (
	defaultWindow      = 20 * time.Millisecond
	defaultMaxRecords  = 1000
	defaultMaxInFlight = 4

	// flushTimeout bounds one flush. It is longer than the client's 60s
	// per-exchange timeout so that a login followed by a full Composite call
	// can both finish.
	flushTimeout = 2 * time.Minute
)

func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = defaultWindow
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = defaultMaxRecords
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = defaultMaxInFlight
	}
	return o
}
