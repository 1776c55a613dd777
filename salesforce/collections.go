package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// MaxCollectionRecords is Salesforce's cap on records per sObject Collections request.
const MaxCollectionRecords = 200

// MaxRetrieveRecords is the cap on IDs in one sObject Collections retrieve sent as a POST
// body; a GET carries only about 800 before the URI is too long.
const MaxRetrieveRecords = 2000

// RecordWrite is one record to save or delete. With ID set it is an update
// (or the record to delete); with ID empty it is a create.
type RecordWrite struct {
	SObject string
	ID      string
	Fields  map[string]any
}

// RecordResult is the outcome of one RecordWrite, in input order.
type RecordResult struct {
	ID      string
	Created bool
	// Err is this row's failure only, usually an *Error; a failed row never
	// fails its neighbours.
	Err error
}

// chunk is one sObject Collections request covering some input rows.
type chunk struct {
	// op names the work for errors and metrics ("save", "find leads").
	op     string
	method string
	path   string // relative to the data root
	body   any
	rows   []int // input index of each record, in request order
	// compositeOnly marks a request too long for a plain call's URI; it
	// travels inside a Composite call even when alone.
	compositeOnly bool
}

// retrieveBody is an sObject Collections retrieve sent as a POST.
type retrieveBody struct {
	IDs    []string `json:"ids"`
	Fields []string `json:"fields"`
}

type collectionBody struct {
	AllOrNone bool             `json:"allOrNone"`
	Records   []map[string]any `json:"records"`
}

// chunkOutcome is the raw answer to one chunk.
type chunkOutcome struct {
	status int
	body   json.RawMessage
	err    error
}

// collectionRecord adds the attributes and, for updates, the id that
// Collections needs, without touching the caller's map.
func collectionRecord(sobject, id string, fields map[string]any) map[string]any {
	rec := make(map[string]any, len(fields)+2)
	for k, v := range fields {
		if strings.EqualFold(k, "id") || k == "attributes" {
			continue
		}
		rec[k] = v
	}
	rec["attributes"] = map[string]string{"type": sobject}
	if id != "" {
		rec["id"] = id
	}
	return rec
}

// runChunks sends the chunks, one plain call each or, with pack, up to five per
// Composite call (a lone chunk that fits a plain call goes as one). A chunk
// that Salesforce refuses as a whole gets that error; a failure that would
// hit every later call too (network, login, throttling, cancellation) stops
// the run, is given to every unsent chunk and returned.
func (c *Client) runChunks(ctx context.Context, chunks []chunk, pack bool) ([]chunkOutcome, error) {
	out := make([]chunkOutcome, len(chunks))
	stop := func(from int, err error) ([]chunkOutcome, error) {
		for i := from; i < len(out); i++ {
			out[i] = chunkOutcome{err: err}
		}
		return out, err
	}
	if !pack || len(chunks) == 1 && !chunks[0].compositeOnly {
		for i, ch := range chunks {
			resp, err := c.call(ctx, ch.op, ch.method, ch.path, ch.body)
			if err != nil {
				if stopsRun(err) {
					return stop(i, err)
				}
				out[i] = chunkOutcome{err: err}
				continue
			}
			out[i] = chunkOutcome{status: resp.status, body: resp.body}
		}
		return out, nil
	}
	for start := 0; start < len(chunks); start += MaxCompositeQueries {
		end := min(start+MaxCompositeQueries, len(chunks))
		subs := make([]Subrequest, 0, end-start)
		for i := start; i < end; i++ {
			subs = append(subs, Subrequest{Method: chunks[i].method, URL: chunks[i].path, Body: chunks[i].body, ReferenceID: fmt.Sprintf("c%d", i)})
		}
		resps, err := c.composite(ctx, compositeName(chunks[start:end]), false, subs)
		if err != nil {
			if stopsRun(err) {
				return stop(start, err)
			}
			for i := start; i < end; i++ {
				out[i] = chunkOutcome{err: err}
			}
			continue
		}
		for j, r := range resps {
			out[start+j] = chunkOutcome{status: r.StatusCode, body: r.Body, err: setOp(r.Err, chunks[start+j].op)}
		}
	}
	return out, nil
}

// setOp names the operation the caller asked for in a subrequest's error,
// instead of the Composite call that carried it.
func setOp(err error, op string) error {
	if e, ok := asError(err); ok {
		e.Operation = op
	}
	return err
}

// stopsRun reports whether an error will repeat on every further call, so
// sending the remaining chunks would only waste API calls.
func stopsRun(err error) bool {
	if _, ok := asError(err); !ok {
		return true
	}
	return IsAuth(err) || IsThrottled(err) || IsTransient(err)
}

// writeResults spreads chunk outcomes over the input rows. kind is "create",
// "update", "upsert" or "delete" and decides what Created means.
func (c *Client) writeResults(results []RecordResult, chunks []chunk, outcomes []chunkOutcome, op, kind string) {
	for i, ch := range chunks {
		o := outcomes[i]
		if o.err != nil {
			for _, row := range ch.rows {
				results[row] = RecordResult{Err: o.err}
			}
			continue
		}
		var items []saveResult
		if err := jsonUnmarshal(o.body, &items); err != nil {
			e := unexpected(o.status, op, o.body)
			for _, row := range ch.rows {
				results[row] = RecordResult{Err: e}
			}
			continue
		}
		rowErrs := make([]*Error, len(items))
		for j, item := range items {
			// Row messages quote what was sent; a server could echo a secret.
			if e := item.err(0, op); e != nil {
				rowErrs[j] = c.scrub(e, nil)
			}
		}
		linkRootCause(rowErrs)
		for j, row := range ch.rows {
			if j >= len(items) {
				results[row] = RecordResult{Err: &Error{StatusCode: o.status, Code: CodeUnexpectedResponse, Operation: op,
					Message: fmt.Sprintf("collection answered %d of %d records", len(items), len(ch.rows))}}
				continue
			}
			item := items[j]
			if e := rowErrs[j]; e != nil {
				id := item.ID
				if isKnockOn(e) {
					// Salesforce may still show the id of a record it rolled back,
					// which no longer exists.
					id = ""
				}
				results[row] = RecordResult{ID: id, Err: e}
				continue
			}
			created := kind == "create"
			if kind == "upsert" && item.Created != nil {
				created = *item.Created
			}
			results[row] = RecordResult{ID: item.ID, Created: created}
		}
	}
}

// writeChunks splits rows of one sObject type into collections of at most 200.
func writeChunks(method, path string, allOrNone bool, rows []int, record func(row int) map[string]any) []chunk {
	var chunks []chunk
	for start := 0; start < len(rows); start += MaxCollectionRecords {
		part := rows[start:min(start+MaxCollectionRecords, len(rows))]
		body := collectionBody{AllOrNone: allOrNone, Records: make([]map[string]any, len(part))}
		for j, row := range part {
			body.Records[j] = record(row)
		}
		chunks = append(chunks, chunk{method: method, path: path, body: body, rows: part})
	}
	return chunks
}

func idChunks(ids []string, rows []int, path func(ids string) string, method string) []chunk {
	var chunks []chunk
	for start := 0; start < len(rows); start += MaxCollectionRecords {
		part := rows[start:min(start+MaxCollectionRecords, len(rows))]
		list := make([]string, len(part))
		for j, row := range part {
			list[j] = ids[row]
		}
		chunks = append(chunks, chunk{method: method, path: path(strings.Join(list, ",")), rows: part})
	}
	return chunks
}

// CollectionCreate inserts records with sObject Collections, 200 per call,
// one plain call per chunk. allOrNone applies within each chunk.
func (c *Client) CollectionCreate(ctx context.Context, allOrNone bool, writes []RecordWrite) ([]RecordResult, error) {
	return c.collectionWrite(ctx, allOrNone, writes, false, "create")
}

// CollectionUpdate updates records by ID with sObject Collections, 200 per call.
func (c *Client) CollectionUpdate(ctx context.Context, allOrNone bool, writes []RecordWrite) ([]RecordResult, error) {
	return c.collectionWrite(ctx, allOrNone, writes, false, "update")
}

func (c *Client) collectionWrite(ctx context.Context, allOrNone bool, writes []RecordWrite, pack bool, kind string) ([]RecordResult, error) {
	chunks, results := planWrites(writes, kind, allOrNone)
	op := "collections " + kind
	for i := range chunks {
		chunks[i].op = op
	}
	outcomes, err := c.runChunks(ctx, chunks, pack)
	c.writeResults(results, chunks, outcomes, op, kind)
	return results, err
}

// CollectionUpsert upserts records of one type by an external ID field, 200
// per call. Each record must carry its external ID value in that field.
func (c *Client) CollectionUpsert(ctx context.Context, allOrNone bool, sobject, externalIDField string, records []map[string]any) ([]RecordResult, error) {
	op := "collections upsert " + sobject
	if err := checkSObject(sobject); err != nil {
		return nil, withOp(err, op)
	}
	if err := checkFieldNames([]string{externalIDField}); err != nil {
		return nil, withOp(err, op)
	}
	rows := make([]int, len(records))
	for i := range rows {
		rows[i] = i
	}
	chunks := writeChunks(http.MethodPatch, pathJoin("composite", "sobjects", sobject, externalIDField), allOrNone, rows, func(row int) map[string]any {
		return collectionRecord(sobject, "", records[row])
	})
	for i := range chunks {
		chunks[i].op = op
	}
	results := make([]RecordResult, len(records))
	outcomes, err := c.runChunks(ctx, chunks, false)
	c.writeResults(results, chunks, outcomes, op, "upsert")
	return results, err
}

// CollectionDelete deletes records by ID, 200 per call.
func (c *Client) CollectionDelete(ctx context.Context, allOrNone bool, ids []string) ([]RecordResult, error) {
	refs := make([]RecordWrite, len(ids))
	for i, id := range ids {
		refs[i] = RecordWrite{ID: id}
	}
	return c.deleteMany(ctx, allOrNone, refs, false)
}

func (c *Client) deleteMany(ctx context.Context, allOrNone bool, refs []RecordWrite, pack bool) ([]RecordResult, error) {
	j := c.NewDeleteJob(refs, allOrNone)
	outcomes, err := c.runChunks(ctx, j.chunks, pack)
	j.finish(ctx, c, outcomes)
	return j.Results, err
}

// CollectionRetrieve reads records of one type by ID, 2,000 per call. A nil
// entry means the record is missing, deleted or not visible.
func (c *Client) CollectionRetrieve(ctx context.Context, sobject string, ids []string, fields []string) ([]Record, error) {
	return c.retrieveMany(ctx, sobject, ids, fields, false)
}

func (c *Client) retrieveMany(ctx context.Context, sobject string, ids []string, fields []string, pack bool) ([]Record, error) {
	j := c.NewRetrieveJob(sobject, ids, fields)
	if j.Err != nil {
		return nil, j.Err
	}
	outcomes, err := c.runChunks(ctx, j.chunks, pack)
	if err != nil {
		return nil, err
	}
	if j.finish(ctx, c, outcomes); j.Err != nil {
		return nil, j.Err
	}
	return j.Records, nil
}
