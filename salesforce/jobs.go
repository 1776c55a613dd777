package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// A Job is work of one kind (Lead lookups, saves, retrieves of one type,
// deletes) laid out as query and sObject Collections requests. Send carries
// the requests of several jobs together, five to a Composite call, so
// lookups and saves that are ready at the same moment share one API call
// instead of taking one each. Build jobs with the New…Job constructors; after
// Send each job holds its own results.
type Job interface {
	requests() []chunk
	// finish reads the answers to requests(), in order. It may make further
	// calls (the next pages of a query).
	finish(ctx context.Context, c *Client, outcomes []chunkOutcome)
}

// Send sends the requests of every job, up to five per Composite call; a
// lone request goes as a plain call when it fits one. Each job then holds its
// own results, and a request that failed fails only its own job's rows. The
// returned error is set when the run stopped early (network, login,
// throttling, cancellation); the rows not sent carry it too.
func (c *Client) Send(ctx context.Context, jobs ...Job) error {
	var all []chunk
	for _, j := range jobs {
		all = append(all, j.requests()...)
	}
	outcomes, err := c.runChunks(ctx, all, true)
	start := 0
	for _, j := range jobs {
		n := len(j.requests())
		j.finish(ctx, c, outcomes[start:start+n])
		start += n
	}
	return err
}

// compositeName names a Composite call after the work it carries, for
// metrics and errors: "composite: find leads + save".
func compositeName(chunks []chunk) string {
	var ops []string
	for _, ch := range chunks {
		if !slices.Contains(ops, ch.op) {
			ops = append(ops, ch.op)
		}
	}
	return "composite: " + strings.Join(ops, " + ")
}

// LeadLookupJob finds Leads by email; see FindLeadsByEmail.
type LeadLookupJob struct {
	chunks []chunk
	// Found holds, after Send, the Leads found for each email that matched at
	// least one, keyed by strings.ToLower(email).
	Found map[string][]LeadMatch
	// Err is set when any of the job's queries failed; Found is then empty.
	Err error
}

// NewLeadLookupJob plans the lookup of emails: as few queries as the SOQL
// length allows (about 700 typical emails each), each answered for all.
func (c *Client) NewLeadLookupJob(emails []string) *LeadLookupJob {
	j := &LeadLookupJob{Found: map[string][]LeadMatch{}}
	for _, q := range leadQueries(emails) {
		path := "/query?q=" + url.QueryEscape(q)
		j.chunks = append(j.chunks, chunk{op: "find leads", method: http.MethodGet, path: path,
			compositeOnly: len(c.dataRoot())+len(path) > leadQueryURIBudget})
	}
	return j
}

func (j *LeadLookupJob) requests() []chunk { return j.chunks }

func (j *LeadLookupJob) finish(ctx context.Context, c *Client, outcomes []chunkOutcome) {
	const op = "find leads"
	var records []Record
	for _, o := range outcomes {
		if o.err != nil {
			j.Err = o.err
			return
		}
		var page queryPage
		if err := jsonUnmarshal(o.body, &page); err != nil {
			j.Err = unexpected(o.status, op, o.body)
			return
		}
		rows, err := c.restOfQuery(ctx, op, page)
		if err != nil {
			j.Err = err
			return
		}
		records = append(records, rows...)
	}
	seen := map[string]bool{}
	for _, r := range records {
		m := LeadMatch{
			ID:                 r.ID(),
			Email:              r.String("Email"),
			IsConverted:        r.Bool("IsConverted"),
			ConvertedContactID: r.String("ConvertedContactId"),
			IsDeleted:          r.Bool("IsDeleted"),
		}
		key := strings.ToLower(m.Email)
		if m.ID == "" || key == "" || seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		j.Found[key] = append(j.Found[key], m)
	}
}

// SaveJob creates (ID empty) and updates (ID set) records; see SaveMany.
type SaveJob struct {
	writes []RecordWrite
	chunks []chunk
	kinds  []string
	// Results holds, after Send, one result per write, in input order.
	Results []RecordResult
}

// NewSaveJob plans writes as collections of up to 200 records of one type
// and operation. Rows Salesforce would refuse (a create with an ID, a
// malformed name or ID) get their error at once and are not sent.
func (c *Client) NewSaveJob(writes []RecordWrite) *SaveJob {
	j := &SaveJob{writes: writes, Results: make([]RecordResult, len(writes))}
	var creates, updates []int
	for i, w := range writes {
		if w.ID == "" {
			creates = append(creates, i)
		} else {
			updates = append(updates, i)
		}
	}
	for _, part := range []struct {
		kind string
		rows []int
	}{{"create", creates}, {"update", updates}} {
		sub := make([]RecordWrite, len(part.rows))
		for k, row := range part.rows {
			sub[k] = writes[row]
		}
		subChunks, subResults := planWrites(sub, part.kind, false)
		for k, row := range part.rows {
			j.Results[row] = subResults[k]
		}
		for _, ch := range subChunks {
			for k := range ch.rows {
				ch.rows[k] = part.rows[ch.rows[k]]
			}
			ch.op = "save"
			j.chunks = append(j.chunks, ch)
			j.kinds = append(j.kinds, part.kind)
		}
	}
	return j
}

func (j *SaveJob) requests() []chunk { return j.chunks }

func (j *SaveJob) finish(_ context.Context, c *Client, outcomes []chunkOutcome) {
	for i, ch := range j.chunks {
		c.writeResults(j.Results, []chunk{ch}, outcomes[i:i+1], j.kinds[i]+" "+recordType(j.writes, ch), j.kinds[i])
	}
}

// RetrieveJob reads records of one type by ID; see RetrieveMany.
type RetrieveJob struct {
	op     string
	chunks []chunk
	// Records holds, after Send, one entry per ID in input order; nil means
	// the record is missing, deleted or the ID malformed.
	Records []Record
	// Err is set when the job could not be planned or any of its requests
	// failed; Records is then not usable.
	Err error
}

// NewRetrieveJob plans the read of fields of sobject records by ID, 2,000 IDs
// per request (a POST body; a GET's URI holds about 800).
func (c *Client) NewRetrieveJob(sobject string, ids []string, fields []string) *RetrieveJob {
	j := &RetrieveJob{op: "retrieve " + sobject, Records: make([]Record, len(ids))}
	if err := checkSObject(sobject); err != nil {
		j.Err = withOp(err, j.op)
		return j
	}
	if len(fields) == 0 {
		fields = []string{"Id"}
	}
	if err := checkFieldNames(fields); err != nil {
		j.Err = withOp(err, j.op)
		return j
	}
	var rows []int
	for i, id := range ids {
		if ValidID(id) {
			rows = append(rows, i)
		}
	}
	for start := 0; start < len(rows); start += MaxRetrieveRecords {
		part := rows[start:min(start+MaxRetrieveRecords, len(rows))]
		body := retrieveBody{IDs: make([]string, len(part)), Fields: fields}
		for k, row := range part {
			body.IDs[k] = ids[row]
		}
		j.chunks = append(j.chunks, chunk{op: j.op, method: http.MethodPost, path: pathJoin("composite", "sobjects", sobject), body: body, rows: part})
	}
	return j
}

func (j *RetrieveJob) requests() []chunk { return j.chunks }

func (j *RetrieveJob) finish(_ context.Context, _ *Client, outcomes []chunkOutcome) {
	for i, ch := range j.chunks {
		o := outcomes[i]
		if o.err != nil {
			j.Err = o.err
			return
		}
		var items []Record
		// A redirect or other non-2xx answer carrying a JSON array is still no answer.
		if o.status < 200 || o.status >= 300 {
			j.Err = unexpected(o.status, j.op, o.body)
			return
		}
		if err := jsonUnmarshal(o.body, &items); err != nil || len(items) != len(ch.rows) {
			j.Err = unexpected(o.status, j.op, o.body)
			return
		}
		for k, row := range ch.rows {
			j.Records[row] = items[k]
		}
	}
}

// DeleteJob deletes records by ID; see DeleteMany.
type DeleteJob struct {
	chunks []chunk
	// Results holds, after Send, one result per record, in input order.
	Results []RecordResult
}

// NewDeleteJob plans the deletion of refs (SObject optional, only checked),
// 200 per request. With allOrNone a request's records are deleted together
// or not at all.
func (c *Client) NewDeleteJob(refs []RecordWrite, allOrNone bool) *DeleteJob {
	const op = "collections delete"
	j := &DeleteJob{Results: make([]RecordResult, len(refs))}
	ids := make([]string, len(refs))
	var rows []int
	for i, r := range refs {
		if err := checkID(r.ID); err != nil {
			j.Results[i] = RecordResult{Err: withOp(err, op)}
			continue
		}
		if r.SObject != "" {
			if err := checkSObject(r.SObject); err != nil {
				j.Results[i] = RecordResult{Err: withOp(err, op)}
				continue
			}
		}
		ids[i] = r.ID
		rows = append(rows, i)
	}
	j.chunks = idChunks(ids, rows, func(list string) string {
		return "/composite/sobjects?ids=" + list + "&allOrNone=" + fmt.Sprint(allOrNone)
	}, http.MethodDelete)
	for i := range j.chunks {
		j.chunks[i].op = op
	}
	return j
}

func (j *DeleteJob) requests() []chunk { return j.chunks }

func (j *DeleteJob) finish(_ context.Context, c *Client, outcomes []chunkOutcome) {
	c.writeResults(j.Results, j.chunks, outcomes, "collections delete", "delete")
}
