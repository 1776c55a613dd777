package batch

import (
	"context"

	"github.com/destinations/salesforce-controller/salesforce"
)

type deletion struct {
	sobject, id string
}

// Delete deletes a record. A record already deleted or not found is not an
// error: the caller wanted it gone, and it is.
func (b *Coalescer) Delete(ctx context.Context, sobject, id string) error {
	_, err := b.deletes.submit(ctx, deletion{sobject: sobject, id: id})
	return err
}

func (b *Coalescer) flushDeletes(ctx context.Context, reqs []deletion) []outcome[struct{}] {
	var refs []salesforce.RecordWrite
	rowOf := make([]int, len(reqs))
	byID := map[string]int{}
	for i, d := range reqs {
		key := idKey(d.id)
		r, ok := byID[key]
		if !ok {
			r = len(refs)
			byID[key] = r
			refs = append(refs, salesforce.RecordWrite{SObject: d.sobject, ID: d.id})
		}
		rowOf[i] = r
	}
	results, callErr := b.client.DeleteMany(ctx, refs)
	out := make([]outcome[struct{}], len(reqs))
	for i, r := range rowOf {
		if err := rowResult(results, r, callErr).Err; err != nil && !salesforce.IsNotFound(err) {
			out[i].err = err
		}
	}
	return out
}
