package batch

import (
	"errors"
	"sync"

	"github.com/destinations/salesforce-controller/salesforce"
)

// ErrClosed is returned by calls made after Close.
var ErrClosed = errors.New("batch: coalescer is closed")

// Coalescer merges the calls of concurrent callers aimed at one Salesforce
// org. It is safe for concurrent use.
type Coalescer struct {
	client *salesforce.Client

	lookups   *queue[string, []salesforce.LeadMatch]
	saves     *queue[salesforce.RecordWrite, string]
	retrieves *queue[retrieval, salesforce.Record]
	deletes   *queue[deletion, struct{}]
}

// New returns a Coalescer sending through c.
func New(c *salesforce.Client, opts Options) *Coalescer {
	opts = opts.withDefaults()
	b := &Coalescer{client: c}
	b.lookups = newQueue("lookups", opts.forKind(maxLookupsPerCall), b.flushLookups)
	b.saves = newQueue("saves", opts.forKind(maxWritesPerCall), b.flushSaves)
	b.retrieves = newQueue("retrieves", opts.forKind(maxRetrievesPerCall), b.flushRetrieves)
	b.deletes = newQueue("deletes", opts.forKind(maxWritesPerCall), b.flushDeletes)
	return b
}

// Close flushes what is queued, waits for every answer, then stops; later
// calls return ErrClosed. It is safe to call more than once.
func (b *Coalescer) Close() {
	var wg sync.WaitGroup
	wg.Go(b.lookups.close)
	wg.Go(b.saves.close)
	wg.Go(b.retrieves.close)
	wg.Go(b.deletes.close)
	wg.Wait()
}
