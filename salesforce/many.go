package salesforce

import (
	"context"
	"net/http"
)

// SaveMany creates (ID empty) and updates (ID set) records. Records travel in
// sObject Collections of up to 200, and several collections share one
// Composite call (up to 1,000 records per API call); a single collection goes
// as one plain call. Rows never fail together: each result, in input order,
// carries its own error. The returned error is set when the run stopped early
// (network, login, throttling, cancellation); rows not sent then carry it too.
func (c *Client) SaveMany(ctx context.Context, writes []RecordWrite) ([]RecordResult, error) {
	j := c.NewSaveJob(writes)
	err := c.Send(ctx, j)
	return j.Results, err
}

func recordType(writes []RecordWrite, ch chunk) string {
	if len(ch.rows) == 0 {
		return ""
	}
	return writes[ch.rows[0]].SObject
}

// planWrites validates writes of one kind and groups them into collections of
// one sObject type each. Invalid rows get their error in the returned results.
func planWrites(writes []RecordWrite, kind string, allOrNone bool) ([]chunk, []RecordResult) {
	op := kind
	results := make([]RecordResult, len(writes))
	groups := map[string][]int{}
	var order []string
	for i, w := range writes {
		var err error
		switch {
		case kind == "update":
			err = validate(w.SObject, w.ID, nil)
		case w.ID != "":
			err = &Error{Code: CodeInvalidInput, Message: "a record to create must not have an id"}
		default:
			err = checkSObject(w.SObject)
		}
		if err != nil {
			results[i] = RecordResult{Err: withOp(err, op+" "+w.SObject)}
			continue
		}
		if _, ok := groups[w.SObject]; !ok {
			order = append(order, w.SObject)
		}
		groups[w.SObject] = append(groups[w.SObject], i)
	}
	method := http.MethodPost
	if kind == "update" {
		method = http.MethodPatch
	}
	var chunks []chunk
	for _, sobject := range order {
		chunks = append(chunks, writeChunks(method, "/composite/sobjects", allOrNone, groups[sobject], func(row int) map[string]any {
			return collectionRecord(sobject, writes[row].ID, writes[row].Fields)
		})...)
	}
	return chunks, results
}

// RetrieveMany reads records of one type by ID, 2,000 per collection and up
// to five collections per Composite call. Entries are in input order; nil means
// the record is missing, deleted or the ID is malformed.
func (c *Client) RetrieveMany(ctx context.Context, sobject string, ids []string, fields []string) ([]Record, error) {
	return c.retrieveMany(ctx, sobject, ids, fields, true)
}

// DeleteMany deletes records by ID (SObject is optional and only checked),
// 200 per collection and up to five collections per Composite call. Results
// follow the rules of SaveMany.
func (c *Client) DeleteMany(ctx context.Context, refs []RecordWrite) ([]RecordResult, error) {
	return c.deleteMany(ctx, false, refs, true)
}
