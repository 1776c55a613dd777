package batch

import (
	"context"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// Save creates (w.ID empty) or updates a record and returns its ID. The
// error is this row's own *salesforce.Error, or the whole call's error when
// the call failed as a whole. See the package doc for how writes to one
// record within a batch are merged.
func (b *Coalescer) Save(ctx context.Context, w salesforce.RecordWrite) (string, error) {
	r, err := b.calls.submit(ctx, request{kind: kindSave, write: w}, b.followUps.take(time.Now()))
	return r.id, err
}

func (b *Coalescer) planSaves(reqs []request, members []int, out []outcome[reply]) planned {
	writes := make([]salesforce.RecordWrite, len(members))
	for i, m := range members {
		writes[i] = reqs[m].write
	}
	rows, rowOf := mergeWrites(writes)
	job := b.client.NewSaveJob(rows)
	return planned{jobs: []salesforce.Job{job}, answer: func(_ context.Context, callErr error) {
		for i, r := range rowOf {
			m := members[i]
			res := rowResult(job.Results, r, callErr)
			if res.Err != nil {
				out[m].err = res.Err
				continue
			}
			out[m].val.id = res.ID
			if res.ID == "" {
				out[m].val.id = rows[r].ID
			}
		}
	}}
}

// rowResult picks one row's result. The client already gives rows it never
// sent the call's error; callErr covers a result list that is short.
func rowResult(results []salesforce.RecordResult, row int, callErr error) salesforce.RecordResult {
	if row < len(results) {
		return results[row]
	}
	if callErr == nil {
		callErr = errUnanswered
	}
	return salesforce.RecordResult{Err: callErr}
}
