package batch

import (
	"context"
	"errors"

	"github.com/destinations/salesforce-controller/salesforce"
)

type deletion struct {
	sobject, id string
}

// Delete deletes a record. A record already deleted or not found is not an
// error: the caller wanted it gone, and it is.
//
// Deleting an ID that never existed draws INVALID_CROSS_REFERENCE_KEY from
// a collection delete, the code Salesforce also uses for a record the user
// cannot see; both are taken as gone, since neither can be deleted by
// retrying.
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
		if err := rowResult(results, r, callErr).Err; err != nil && !isGone(err) {
			out[i].err = err
		}
	}
	return out
}

const codeInvalidCrossReference = "INVALID_CROSS_REFERENCE_KEY"

func isGone(err error) bool {
	var e *salesforce.Error
	return salesforce.IsNotFound(err) || errors.As(err, &e) && e.Code == codeInvalidCrossReference
}
