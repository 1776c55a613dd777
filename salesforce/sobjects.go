package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Record is one sObject as Salesforce returns it, including its "attributes".
type Record map[string]any

// ID returns the record's Id field, or "".
func (r Record) ID() string {
	return r.String("Id")
}

// String returns a string field, or "" when it is absent, null or not a string.
// Field names are matched case-insensitively, as Salesforce does.
func (r Record) String(field string) string {
	s, _ := r.Field(field).(string)
	return s
}

// Bool returns a boolean field, or false.
func (r Record) Bool(field string) bool {
	b, _ := r.Field(field).(bool)
	return b
}

// Field returns a field's value, matching the name case-insensitively.
func (r Record) Field(field string) any {
	if v, ok := r[field]; ok {
		return v
	}
	for k, v := range r {
		if strings.EqualFold(k, field) {
			return v
		}
	}
	return nil
}

// saveResult is the body of a create or upsert, and one item of a
// collections answer.
type saveResult struct {
	ID      string         `json:"id"`
	Success bool           `json:"success"`
	Created *bool          `json:"created"`
	Errors  []apiErrorItem `json:"errors"`
}

func (r saveResult) err(status int, op string) *Error {
	if r.Success {
		return nil
	}
	if len(r.Errors) == 0 {
		return &Error{StatusCode: status, Code: CodeUnexpectedResponse, Operation: op, Message: "record not saved and no error reported"}
	}
	return errorFromItems(status, op, r.Errors)
}

// Create inserts one record and returns its ID.
func (c *Client) Create(ctx context.Context, sobject string, fields map[string]any) (string, error) {
	op := "create " + sobject
	if err := checkSObject(sobject); err != nil {
		return "", withOp(err, op)
	}
	resp, err := c.call(ctx, op, http.MethodPost, pathJoin("sobjects", sobject)+"/", nonNil(fields))
	if err != nil {
		return "", err
	}
	var res saveResult
	if err := decode(resp, op, &res); err != nil {
		return "", err
	}
	if e := res.err(resp.status, op); e != nil {
		return "", c.scrub(e, nil)
	}
	if res.ID == "" {
		return "", &Error{StatusCode: resp.status, Code: CodeUnexpectedResponse, Operation: op, Message: "create response lacks id"}
	}
	return res.ID, nil
}

// Get reads one record. With no fields, Salesforce returns every readable field.
func (c *Client) Get(ctx context.Context, sobject, id string, fields []string) (Record, error) {
	op := "get " + sobject
	if err := validate(sobject, id, fields); err != nil {
		return nil, withOp(err, op)
	}
	path := pathJoin("sobjects", sobject, id)
	if len(fields) > 0 {
		path += "?fields=" + url.QueryEscape(strings.Join(fields, ","))
	}
	resp, err := c.call(ctx, op, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := decode(resp, op, &rec); err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, &Error{StatusCode: resp.status, Code: CodeUnexpectedResponse, Operation: op, Message: "empty record"}
	}
	return rec, nil
}

// Update changes the given fields of one record with a PATCH; a nil value
// clears the field.
func (c *Client) Update(ctx context.Context, sobject, id string, fields map[string]any) error {
	op := "update " + sobject
	if err := validate(sobject, id, nil); err != nil {
		return withOp(err, op)
	}
	resp, err := c.call(ctx, op, http.MethodPatch, pathJoin("sobjects", sobject, id), nonNil(fields))
	if err != nil {
		return err
	}
	return expectNoContent(resp, op)
}

// Delete moves one record to the recycle bin.
func (c *Client) Delete(ctx context.Context, sobject, id string) error {
	op := "delete " + sobject
	if err := validate(sobject, id, nil); err != nil {
		return withOp(err, op)
	}
	resp, err := c.call(ctx, op, http.MethodDelete, pathJoin("sobjects", sobject, id), nil)
	if err != nil {
		return err
	}
	return expectNoContent(resp, op)
}

// expectNoContent checks the answer to a write Salesforce acknowledges with
// 204 and no body. A 3xx, or a 2xx page that is not JSON (a proxy's or
// gateway's), does not show the write happened; taking it for success would
// lose the write without anyone noticing.
func expectNoContent(resp *response, op string) error {
	if resp.status >= 200 && resp.status < 300 {
		body := trimSpace(resp.body)
		if len(body) == 0 || json.Valid(body) {
			return nil
		}
	}
	return unexpected(resp.status, op, resp.body)
}

// UpsertResult says which record an upsert wrote and whether it was new.
type UpsertResult struct {
	ID      string
	Created bool
}

// Upsert writes the record whose externalIDField equals value, creating it when
// none matches. When several records match, nothing is written and the error
// (code MULTIPLE_MATCHES) lists their IDs. API versions before 46.0 answer an
// update with 204 and no body; the ID is then empty.
func (c *Client) Upsert(ctx context.Context, sobject, externalIDField, value string, fields map[string]any) (UpsertResult, error) {
	op := "upsert " + sobject
	if err := checkSObject(sobject); err != nil {
		return UpsertResult{}, withOp(err, op)
	}
	if err := checkFieldNames([]string{externalIDField}); err != nil {
		return UpsertResult{}, withOp(err, op)
	}
	if err := checkPathValue(value); err != nil {
		return UpsertResult{}, withOp(err, op)
	}
	resp, err := c.call(ctx, op, http.MethodPatch, pathJoin("sobjects", sobject, externalIDField, value), upsertBody(fields, externalIDField))
	if err != nil {
		return UpsertResult{}, err
	}
	switch {
	case resp.status == http.StatusMultipleChoices:
		return UpsertResult{}, multipleMatches(op, externalIDField, resp.body)
	case resp.status == http.StatusNoContent:
		return UpsertResult{}, nil
	case resp.status >= 300:
		return UpsertResult{}, unexpected(resp.status, op, resp.body)
	}
	var res saveResult
	if err := decode(resp, op, &res); err != nil {
		return UpsertResult{}, err
	}
	if e := res.err(resp.status, op); e != nil {
		return UpsertResult{}, c.scrub(e, nil)
	}
	created := resp.status == http.StatusCreated
	if res.Created != nil {
		created = *res.Created
	}
	return UpsertResult{ID: res.ID, Created: created}, nil
}

// multipleMatches reads the 300 body, an array of record URLs, into an error
// that names the matching IDs.
func multipleMatches(op, field string, body []byte) *Error {
	var urls []string
	_ = jsonUnmarshal(body, &urls)
	ids := make([]string, 0, len(urls))
	for _, u := range urls {
		ids = append(ids, u[strings.LastIndex(u, "/")+1:])
	}
	msg := fmt.Sprintf("%s matches %d records", field, len(ids))
	if len(ids) > 0 {
		msg += ": " + strings.Join(ids, ", ")
	}
	return &Error{StatusCode: http.StatusMultipleChoices, Code: CodeMultipleMatches, Operation: op, Message: msg, MatchedIDs: ids}
}

// checkPathValue refuses external-ID values that escaping cannot make safe:
// "." and ".." would be read as path navigation by servers and proxies.
func checkPathValue(v string) error {
	if v == "" || v == "." || v == ".." {
		return &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("invalid external id value %q", v)}
	}
	return nil
}

// validate checks everything a caller passes that ends up in a request path.
func validate(sobject, id string, fields []string) error {
	if err := checkSObject(sobject); err != nil {
		return err
	}
	if err := checkID(id); err != nil {
		return err
	}
	return checkFieldNames(fields)
}

func withOp(err error, op string) error {
	if e, ok := asError(err); ok && e.Operation == "" {
		e.Operation = op
	}
	return err
}

// upsertBody leaves out Id and the external ID field: the URL carries the
// key, and Salesforce rejects a body that repeats it.
func upsertBody(fields map[string]any, externalIDField string) map[string]any {
	body := make(map[string]any, len(fields))
	for k, v := range fields {
		if !strings.EqualFold(k, "Id") && !strings.EqualFold(k, externalIDField) {
			body[k] = v
		}
	}
	return body
}

// nonNil sends {} rather than null for a nil map, which Salesforce rejects.
func nonNil(fields map[string]any) map[string]any {
	if fields == nil {
		return map[string]any{}
	}
	return fields
}
