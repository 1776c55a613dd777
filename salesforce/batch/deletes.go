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
	_, err := b.calls.submit(ctx, request{kind: kindDelete, deletion: deletion{sobject: sobject, id: id}}, false)
	return err
}

func (b *Coalescer) planDeletes(reqs []request, members []int, out []outcome[reply]) planned {
	var refs []salesforce.RecordWrite
	rowOf := make([]int, len(members))
	byID := map[string]int{}
	for i, m := range members {
		d := reqs[m].deletion
		key := idKey(d.id)
		r, ok := byID[key]
		if !ok {
			r = len(refs)
			byID[key] = r
			refs = append(refs, salesforce.RecordWrite{SObject: d.sobject, ID: d.id})
		}
		rowOf[i] = r
	}
	job := b.client.NewDeleteJob(refs, false)
	return planned{jobs: []salesforce.Job{job}, answer: func(_ context.Context, callErr error) {
		for i, r := range rowOf {
			if err := rowResult(job.Results, r, callErr).Err; err != nil && !isGone(err) {
				out[members[i]].err = err
			}
		}
	}}
}

const codeInvalidCrossReference = "INVALID_CROSS_REFERENCE_KEY"

func isGone(err error) bool {
	var e *salesforce.Error
	return salesforce.IsNotFound(err) || errors.As(err, &e) && e.Code == codeInvalidCrossReference
}
