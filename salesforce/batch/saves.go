package batch

import (
	"context"

	"github.com/destinations/salesforce-controller/salesforce"
)

// Save creates (w.ID empty) or updates a record and returns its ID. The
// error is this row's own *salesforce.Error, or the whole call's error when
// the call failed as a whole. See the package doc for how writes to one
// record within a batch are merged.
func (b *Coalescer) Save(ctx context.Context, w salesforce.RecordWrite) (string, error) {
	return b.saves.submit(ctx, w)
}

func (b *Coalescer) flushSaves(ctx context.Context, writes []salesforce.RecordWrite) []outcome[string] {
	rows, rowOf := mergeWrites(writes)
	results, callErr := b.client.SaveMany(ctx, rows)
	out := make([]outcome[string], len(writes))
	for i, r := range rowOf {
		res := rowResult(results, r, callErr)
		if res.Err != nil {
			out[i].err = res.Err
			continue
		}
		out[i].val = res.ID
		if res.ID == "" {
			out[i].val = rows[r].ID
		}
	}
	return out
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
