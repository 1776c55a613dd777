package batch

import (
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// Options tune the batching. Zero values take the defaults.
type Options struct {
	// Window is the shortest quiet period after a batch's latest entry before
	// it leaves (default 20ms), and the whole wait of a lone request or a
	// burst. Once entries stream in, a batch waits for a pause of a second,
	// so that a stream is not cut into one small batch per pause.
	Window time.Duration
	// MaxWait bounds how long a batch that keeps receiving entries stays open
	// after its first one (default 5s): a steady stream, such as thousands of
	// identities applied at once, then leaves in batches of hundreds to a
	// thousand rather than many small ones.
	MaxWait time.Duration
	// MaxRecords, when set, caps the batches of every kind. Left zero, each
	// kind is capped at what one API call carries: 10,000 retrieves, 1,000
	// saves, deletes or lookups.
	MaxRecords int
	// MaxInFlight bounds concurrent flushes per kind (default 4).
	MaxInFlight int
	// Observe, when set, is told the kind ("lookups", "saves", "retrieves",
	// "deletes") and the number of records of every batch sent: how full
	// batches are is what decides the API calls spent.
	Observe func(kind string, records int)
}

const (
	defaultWindow      = 20 * time.Millisecond
	defaultMaxWait     = 5 * time.Second
	defaultMaxInFlight = 4

	// One Composite call carries MaxCompositeQueries collections or queries,
	// so these are the most records one API call can take per kind: a
	// retrieve collection sent as a POST holds 2,000 IDs, a save or delete
	// collection 200 records.
	maxRetrievesPerCall = salesforce.MaxRetrieveRecords * salesforce.MaxCompositeQueries
	maxWritesPerCall    = salesforce.MaxCollectionRecords * salesforce.MaxCompositeQueries
	// A lookup query's URI fits about 250 typical emails (see the client's
	// FindLeadsByEmail), so five queries cover 1,000; longer emails spill
	// into a second call rather than fail.
	maxLookupsPerCall = 1000

	// flushTimeout bounds one flush. It is longer than the client's 60s
	// per-exchange timeout so that a login followed by a full Composite call
	// can both finish.
	flushTimeout = 2 * time.Minute
)

// withDefaults fills in every option but MaxRecords, whose default depends on
// the kind; see forKind.
func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = defaultWindow
	}
	if o.MaxWait < o.Window {
		o.MaxWait = max(defaultMaxWait, o.Window)
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = defaultMaxInFlight
	}
	return o
}

// forKind caps a kind's batches at perCall records unless MaxRecords was set.
func (o Options) forKind(perCall int) Options {
	if o.MaxRecords <= 0 {
		o.MaxRecords = perCall
	}
	return o
}
