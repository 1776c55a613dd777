package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

const maxCollectionSize = 200

// maxRetrieveBodySize is the cap on IDs in a retrieve sent as a POST body.
const maxRetrieveBodySize = 2000

type collectionRequest struct {
	AllOrNone bool             `json:"allOrNone"`
	Records   []map[string]any `json:"records"`
	IDs       []string         `json:"ids"`
	Fields    []string         `json:"fields"`
}

func errTooMany() *apiError { return errTooManyOf(maxCollectionSize) }

func errTooManyOf(limit int) *apiError {
	return &apiError{Status: 400, Code: "EXCEEDED_ID_LIMIT",
		Message: fmt.Sprintf("record limit reached. cannot submit more than %d records into this call", limit)}
}

func rolledBack() *apiError {
	return &apiError{Code: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
		Message: "Record rolled back because not all records were valid and the request was using AllOrNone header"}
}

func (e *Emulator) routeComposite(c *call, segs []string) result {
	if len(segs) == 0 {
		if c.method != http.MethodPost {
			return errResult(methodNotAllowed(c.method, "POST"))
		}
		return e.composite(c)
	}
	if segs[0] != "sobjects" {
		return errResult(errNotFound())
	}
	res := e.routeCollections(c, segs[1:])
	res.key = c.method + " /composite/sobjects"
	return res
}

func (e *Emulator) routeCollections(c *call, segs []string) result {
	switch {
	case len(segs) == 0:
		switch c.method {
		case http.MethodPost, http.MethodPatch:
			return e.collectionWrite(c, nil, nil)
		case http.MethodDelete:
			return e.collectionDelete(c)
		}
		return errResult(methodNotAllowed(c.method, "POST,PATCH,DELETE"))
	case len(segs) == 1:
		t := e.table(segs[0])
		if t == nil {
			return errResult(errNotFound())
		}
		if c.method == http.MethodGet || c.method == http.MethodPost {
			return e.collectionRetrieve(c, t)
		}
		return errResult(methodNotAllowed(c.method, "GET,POST"))
	case len(segs) == 2 && c.method == http.MethodPatch:
		t := e.table(segs[0])
		if t == nil {
			return errResult(errNotFound())
		}
		f := t.externalField(segs[1])
		if f == nil {
			return errResult(errBadExternalField(segs[1]))
		}
		return e.collectionWrite(c, t, f)
	}
	return errResult(errNotFound())
}

func decodeCollection(body []byte) (*collectionRequest, *apiError) {
	var req collectionRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return nil, errJSON(jsonErrorMessage(body, err))
	}
	return &req, nil
}

// itemOutcome is one element of a collections response.
type itemOutcome struct {
	id      string
	created *bool
	err     *apiError
}

func (o itemOutcome) body() orderedMap {
	m := orderedMap{}
	if o.id != "" {
		m.set("id", o.id)
	}
	m.set("success", o.err == nil)
	errs := []any{}
	if o.err != nil {
		errs = append(errs, o.err.itemBody())
	}
	m.set("errors", errs)
	if o.created != nil {
		m.set("created", *o.created)
	}
	return m
}

// finishItems applies allOrNone: any failure rolls back every write in the call.
func finishItems(x *tx, outcomes []itemOutcome, allOrNone bool) result {
	failed := false
	for _, o := range outcomes {
		failed = failed || o.err != nil
	}
	if failed && allOrNone {
		x.rollback()
		for i := range outcomes {
			if outcomes[i].err == nil {
				outcomes[i].err = rolledBack()
			}
		}
	}
	items := make([]any, len(outcomes))
	for i, o := range outcomes {
		items[i] = o.body()
	}
	return result{status: 200, body: items, rowsFailed: failed}
}

// collectionWrite handles create (POST), update (PATCH) and, with upsertTable, upsert.
func (e *Emulator) collectionWrite(c *call, upsertTable *table, extField *fieldDef) result {
	req, apiErr := decodeCollection(c.body)
	if apiErr != nil {
		return errResult(apiErr)
	}
	if len(req.Records) > maxCollectionSize {
		return errResult(errTooMany())
	}
	local := &tx{}
	outcomes := make([]itemOutcome, len(req.Records))
	for i, rec := range req.Records {
		outcomes[i] = e.collectionItem(local, c.method, rec, upsertTable, extField)
	}
	res := finishItems(local, outcomes, req.AllOrNone || c.allOrNone)
	c.x.adopt(local)
	return res
}

func (e *Emulator) collectionItem(x *tx, method string, rec map[string]any, upsertTable *table, extField *fieldDef) itemOutcome {
	t, apiErr := e.recordType(rec)
	if apiErr != nil {
		return itemOutcome{err: apiErr}
	}
	if upsertTable != nil && t != upsertTable {
		return itemOutcome{err: &apiError{Code: "INVALID_TYPE", Message: "Record type must match the type in the URL"}}
	}
	body := map[string]any{}
	var id string
	for k, v := range rec {
		if strings.EqualFold(k, "id") {
			id, _ = v.(string)
			continue
		}
		body[k] = v
	}
	switch {
	case upsertTable != nil:
		value, _ := body[keyFor(body, extField.Name)].(string)
		if value == "" {
			return itemOutcome{err: &apiError{Code: "MISSING_ARGUMENT",
				Message: extField.Name + " not specified", Fields: []string{}}}
		}
		matches := t.externalMatches(extField, value)
		if len(matches) > 1 {
			ids := make([]string, len(matches))
			for i, m := range matches {
				ids[i] = m.id
			}
			return itemOutcome{err: &apiError{Code: "DUPLICATE_EXTERNAL_ID",
				Message: extField.Name + ": more than one record found for external id field: [" + strings.Join(ids, ", ") + "]",
				Fields:  []string{extField.Name}}}
		}
		gotID, created, apiErr := e.upsertOne(x, t, extField, value, matches, body, false)
		return itemOutcome{id: gotID, created: &created, err: apiErr}
	case method == http.MethodPost:
		if id != "" {
			return itemOutcome{err: &apiError{Code: "INVALID_FIELD",
				Message: "cannot specify Id in an insert call", Fields: []string{"Id"}}}
		}
		r, apiErr := e.insert(x, t, body, modeAPI)
		if apiErr != nil {
			return itemOutcome{err: apiErr}
		}
		return itemOutcome{id: r.id}
	default:
		if id == "" {
			return itemOutcome{err: &apiError{Code: "MISSING_ARGUMENT", Message: "Id not specified in an update call",
				Fields: []string{}}}
		}
		r, ok := t.findByID(id)
		if !ok {
			return itemOutcome{err: &apiError{Code: "MALFORMED_ID", Message: "malformed id " + id, Fields: []string{}}}
		}
		if r == nil {
			return itemOutcome{err: &apiError{Code: "INVALID_CROSS_REFERENCE_KEY", Message: "invalid cross reference id",
				Fields: []string{}}}
		}
		return itemOutcome{id: r.id, err: e.update(x, t, r, body, modeAPI)}
	}
}

func keyFor(body map[string]any, name string) string {
	for k := range body {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

func (e *Emulator) recordType(rec map[string]any) (*table, *apiError) {
	attrs, _ := rec[keyFor(rec, "attributes")].(map[string]any)
	typ, _ := attrs["type"].(string)
	if typ == "" {
		return nil, &apiError{Code: "INVALID_TYPE", Message: "Must send a concrete entity type.", Fields: []string{}}
	}
	t := e.table(typ)
	if t == nil {
		return nil, &apiError{Code: "INVALID_TYPE", Message: "sObject type '" + typ + "' is not supported.",
			Fields: []string{}}
	}
	return t, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (e *Emulator) collectionDelete(c *call) result {
	ids := splitList(c.query.Get("ids"))
	if len(ids) > maxCollectionSize {
		return errResult(errTooMany())
	}
	local := &tx{}
	outcomes := make([]itemOutcome, len(ids))
	for i, id := range ids {
		outcomes[i] = e.deleteItem(local, id)
	}
	res := finishItems(local, outcomes, c.query.Get("allOrNone") == "true" || c.allOrNone)
	c.x.adopt(local)
	return res
}

func (e *Emulator) deleteItem(x *tx, id string) itemOutcome {
	id15, ok := canonicalID(id)
	if !ok {
		return itemOutcome{err: &apiError{Code: "MALFORMED_ID", Message: "malformed id " + id, Fields: []string{}}}
	}
	for _, t := range e.tables {
		if t.def.KeyPrefix != id15[:3] {
			continue
		}
		r := t.rows[id15]
		if r == nil {
			break
		}
		if apiErr := e.remove(x, t, r); apiErr != nil {
			return itemOutcome{id: r.id, err: apiErr}
		}
		return itemOutcome{id: r.id}
	}
	return itemOutcome{id: To18(id15), err: &apiError{Code: "INVALID_CROSS_REFERENCE_KEY",
		Message: "invalid cross reference id", Fields: []string{}}}
}

func (e *Emulator) collectionRetrieve(c *call, t *table) result {
	ids, fieldNames := splitList(c.query.Get("ids")), c.query.Get("fields")
	limit := maxCollectionSize
	if c.method == http.MethodPost {
		req, apiErr := decodeCollection(c.body)
		if apiErr != nil {
			return errResult(apiErr)
		}
		ids, fieldNames = req.IDs, strings.Join(req.Fields, ",")
		limit = maxRetrieveBodySize
	}
	if len(ids) > limit {
		return errResult(errTooManyOf(limit))
	}
	if strings.TrimSpace(fieldNames) == "" {
		return errResult(&apiError{Status: 400, Code: "MISSING_ARGUMENT", Message: "fields parameter is required"})
	}
	fields, apiErr := fieldList(t, fieldNames)
	if apiErr != nil {
		return errResult(apiErr)
	}
	out := make([]any, len(ids))
	for i, id := range ids {
		r, ok := t.findByID(id)
		if !ok {
			if _, valid := canonicalID(id); !valid {
				return errResult(&apiError{Status: 400, Code: "MALFORMED_ID", Message: "malformed id " + id})
			}
		}
		if r == nil || r.deleted {
			out[i] = nil
			continue
		}
		out[i] = e.render(c, t, r, fields)
	}
	return result{status: 200, body: out}
}
