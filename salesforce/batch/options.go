package batch

import "time"

// Options tune the batching. Zero values take the defaults.
type Options struct {
	// Window is how long a batch waits for company after its latest entry
	// (default 20ms). It bounds the extra latency a lone request pays.
	Window time.Duration
	// MaxWait bounds how long a batch that keeps receiving entries stays open
	// after its first one (default 1s): a steady stream, such as thousands of
	// identities applied at once, then leaves in full batches rather than one
	// per Window.
	MaxWait time.Duration
	// MaxRecords closes a batch early (default 1000: five collections of 200
	// inside one Composite call, the most one API call can carry).
	MaxRecords int
	// MaxInFlight bounds concurrent flushes per kind (default 4).
	MaxInFlight int
}

const (
	defaultWindow      = 20 * time.Millisecond
	defaultMaxWait     = time.Second
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
	if o.MaxWait < o.Window {
		o.MaxWait = max(defaultMaxWait, o.Window)
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = defaultMaxRecords
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = defaultMaxInFlight
	}
	return o
}
