package batch

import (
	"math"
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
	// MaxRecords, when set, caps how many requests of each kind a batch
	// takes. Left zero, a batch takes what one API call carries.
	MaxRecords int
	// Callers, when set, is how many callers can wait at once for lookups,
	// saves and deletes (the reconcile workers): a batch they have all
	// joined leaves at once, since no one else can come to fill it.
	// Retrieves do not count: drift reads wait for them without a worker.
	Callers int
	// MaxInFlight bounds concurrent flushes (default 4).
	MaxInFlight int
	// Observe, when set, is told, for every batch sent, each kind it carries
	// ("lookups", "saves", "retrieves", "deletes") and how many requests of
	// that kind: how full batches are is what decides the API calls spent.
	Observe func(kind string, records int)
}

const (
	defaultWindow      = 20 * time.Millisecond
	defaultMaxWait     = 5 * time.Second
	defaultMaxInFlight = 4

	// One Composite call carries MaxCompositeQueries collections or queries,
	// so these are the most records one API call can take per kind: a
	// retrieve collection sent as a POST holds 2,000 IDs, a save or delete
	// collection 200 records. How much of a call a batch's lookups take
	// depends on the emails; salesforce.CallRoom counts it.
	maxRetrievesPerCall = salesforce.MaxRetrieveRecords * salesforce.MaxCompositeQueries
	maxWritesPerCall    = salesforce.MaxCollectionRecords * salesforce.MaxCompositeQueries
	maxLookupsPerCall   = math.MaxInt

	// flushTimeout bounds one flush. It is longer than the client's 60s
	// per-exchange timeout so that a login followed by a full Composite call
	// can both finish.
	flushTimeout = 2 * time.Minute
)

// withDefaults fills in every option but MaxRecords, which is left to the
// room of one API call unless set.
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
