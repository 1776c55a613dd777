package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// decodeObject parses a JSON object body with numbers kept exact.
func decodeObject(body []byte) (map[string]any, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errJSON("No content to map due to end-of-input at [line:1, column:0]")
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, errJSON(jsonErrorMessage(body, err))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errJSON("Cannot deserialize instance of SObject from START_ARRAY value [ or request may be missing a required field at [line:1, column:1]")
	}
	return m, nil
}

// jsonErrorMessage imitates the Jackson wording Salesforce returns for malformed JSON.
func jsonErrorMessage(body []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		off := int(syn.Offset)
		if off > 0 && off <= len(body) {
			line, col := 1, 1
			for _, b := range body[:off-1] {
				if b == '\n' {
					line, col = line+1, 1
				} else {
					col++
				}
			}
			c := body[off-1]
			return fmt.Sprintf("Unexpected character ('%c' (code %d)): was expecting double-quote to start field name at [line:%d, column:%d]",
				c, c, line, col)
		}
	}
	return "Unexpected end-of-input: expected close marker for OBJECT at [line:1, column:" +
		fmt.Sprint(len(body)+1) + "]"
}

func (e *Emulator) recordURL(c *call, t *table, id string) string {
	return c.base() + "/sobjects/" + t.def.Name + "/" + id
}

func (e *Emulator) attributes(c *call, t *table, id string) orderedMap {
	return orderedMap{keys: []string{"type", "url"}, vals: []any{t.def.Name, e.recordURL(c, t, id)}}
}

// render builds a record body with attributes first and the given fields (nil = all) in order.
func (e *Emulator) render(c *call, t *table, r *record, fields []*fieldDef) orderedMap {
	if fields == nil {
		fields = t.def.fields
	}
	m := orderedMap{keys: make([]string, 0, len(fields)+1), vals: make([]any, 0, len(fields)+1)}
	m.set("attributes", e.attributes(c, t, r.id))
	for _, f := range fields {
		m.set(f.Name, r.fields[f.Name])
	}
	return m
}

// fieldList resolves a comma-separated field list; unknown names yield the DML-style INVALID_FIELD.
func fieldList(t *table, list string) ([]*fieldDef, *apiError) {
	var out []*fieldDef
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		f := t.def.field(name)
		if f == nil {
			return nil, &apiError{Status: 400, Code: "INVALID_FIELD",
				Message: fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", name, t.def.Name)}
		}
		out = append(out, f)
	}
	return out, nil
}

func (e *Emulator) create(c *call, t *table) result {
	body, apiErr := decodeObject(c.body)
	if apiErr != nil {
		return errResult(apiErr)
	}
	r, apiErr := e.insert(c.x, t, body, modeAPI)
	if apiErr != nil {
		return errResult(apiErr)
	}
	return result{status: http.StatusCreated,
		headers: map[string]string{"Location": e.recordURL(c, t, r.id)},
		body:    orderedMap{keys: []string{"id", "success", "errors"}, vals: []any{r.id, true, []any{}}}}
}

func (e *Emulator) byID(c *call, t *table, r *record) result {
	if r == nil {
		return errResult(errNotFound())
	}
	switch c.method {
	case http.MethodGet, http.MethodHead:
		if r.deleted {
			return errResult(errDeleted())
		}
		fields, apiErr := fieldList(t, c.query.Get("fields"))
		if apiErr != nil {
			return errResult(apiErr)
		}
		return result{status: 200, body: e.render(c, t, r, fields)}
	case http.MethodPatch:
		body, apiErr := decodeObject(c.body)
		if apiErr != nil {
			return errResult(apiErr)
		}
		if apiErr := e.update(c.x, t, r, body, modeAPI); apiErr != nil {
			return errResult(apiErr)
		}
		return result{status: http.StatusNoContent}
	case http.MethodDelete:
		if apiErr := e.remove(c.x, t, r); apiErr != nil {
			return errResult(apiErr)
		}
		return result{status: http.StatusNoContent}
	}
	return errResult(methodNotAllowed(c.method, "HEAD,GET,PATCH,DELETE"))
}

func (e *Emulator) byExternalID(c *call, t *table, fieldName, value string) result {
	f := t.externalField(fieldName)
	if f == nil {
		return errResult(errBadExternalField(fieldName))
	}
	matches := t.externalMatches(f, value)
	if len(matches) > 1 {
		urls := make([]string, len(matches))
		for i, m := range matches {
			urls[i] = e.recordURL(c, t, m.id)
		}
		return result{status: http.StatusMultipleChoices, body: urls}
	}
	switch c.method {
	case http.MethodGet, http.MethodHead:
		if len(matches) == 0 {
			return errResult(errNotFound())
		}
		fields, apiErr := fieldList(t, c.query.Get("fields"))
		if apiErr != nil {
			return errResult(apiErr)
		}
		return result{status: 200, body: e.render(c, t, matches[0], fields)}
	case http.MethodDelete:
		if len(matches) == 0 {
			return errResult(errNotFound())
		}
		if apiErr := e.remove(c.x, t, matches[0]); apiErr != nil {
			return errResult(apiErr)
		}
		return result{status: http.StatusNoContent}
	case http.MethodPatch:
		body, apiErr := decodeObject(c.body)
		if apiErr != nil {
			return errResult(apiErr)
		}
		id, created, apiErr := e.upsertOne(c.x, t, f, value, matches, body, c.query.Get("updateOnly") == "true")
		if apiErr != nil {
			return errResult(apiErr)
		}
		ok := orderedMap{keys: []string{"id", "success", "errors", "created"}, vals: []any{id, true, []any{}, created}}
		switch {
		case created:
			return result{status: http.StatusCreated, body: ok}
		case c.major <= 45:
			return result{status: http.StatusNoContent}
		default:
			return result{status: http.StatusOK, body: ok}
		}
	}
	return errResult(methodNotAllowed(c.method, "HEAD,GET,PATCH,DELETE"))
}

// upsertOne inserts or updates the single record matching value; len(matches) must be 0 or 1.
func (e *Emulator) upsertOne(x *tx, t *table, f *fieldDef, value string, matches []*record,
	body map[string]any, updateOnly bool) (id string, created bool, err *apiError) {
	for k := range body {
		if strings.EqualFold(k, f.Name) {
			delete(body, k)
		}
	}
	if len(matches) == 1 {
		return matches[0].id, false, e.update(x, t, matches[0], body, modeAPI)
	}
	if updateOnly || f.Name == "Id" {
		return "", false, errNotFound()
	}
	body[f.Name] = value
	r, apiErr := e.insert(x, t, body, modeAPI)
	if apiErr != nil {
		return "", false, apiErr
	}
	return r.id, true, nil
}

func (e *Emulator) describeGlobal(c *call) result {
	list := make([]any, 0, len(e.tables))
	for _, t := range e.sortedTables() {
		list = append(list, e.objectSummary(c, t))
	}
	m := orderedMap{}
	m.set("encoding", "UTF-8")
	m.set("maxBatchSize", 200)
	m.set("sobjects", list)
	return result{status: 200, body: m}
}

func (e *Emulator) sortedTables() []*table {
	names := make([]string, 0, len(e.tables))
	for k := range e.tables {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]*table, len(names))
	for i, n := range names {
		out[i] = e.tables[n]
	}
	return out
}

func (e *Emulator) objectSummary(c *call, t *table) orderedMap {
	d := t.def
	base := c.base() + "/sobjects/" + d.Name
	m := orderedMap{}
	m.set("name", d.Name)
	m.set("label", d.Label)
	m.set("labelPlural", d.LabelPlural)
	m.set("keyPrefix", d.KeyPrefix)
	m.set("custom", d.Custom)
	for _, k := range []string{"createable", "updateable", "deletable", "queryable", "searchable", "retrieveable"} {
		m.set(k, true)
	}
	m.set("urls", map[string]string{"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"})
	return m
}

func (e *Emulator) basicInfo(c *call, t *table) result {
	m := orderedMap{}
	m.set("objectDescribe", e.objectSummary(c, t))
	m.set("recentItems", []any{})
	return result{status: 200, body: m}
}

func (e *Emulator) describe(c *call, t *table) result {
	m := e.objectSummary(c, t)
	fields := make([]any, 0, len(t.def.fields))
	for _, f := range t.def.fields {
		fd := orderedMap{}
		fd.set("name", f.Name)
		fd.set("label", f.Label)
		fd.set("type", f.Type)
		fd.set("length", f.Length)
		fd.set("nillable", f.Nillable)
		fd.set("createable", f.Createable)
		fd.set("updateable", f.Updateable)
		fd.set("defaultedOnCreate", f.Default != nil || f.Name == "OwnerId" || !f.Createable)
		fd.set("custom", f.Custom)
		fd.set("externalId", f.ExternalID)
		fd.set("idLookup", f.IDLookup)
		fd.set("unique", f.Unique)
		fd.set("filterable", f.filterable())
		fd.set("nameField", f.Name == "Name")
		fd.set("calculated", false)
		fd.set("referenceTo", nonNil(f.ReferenceTo))
		fd.set("picklistValues", []any{})
		fd.set("restrictedPicklist", false)
		fields = append(fields, fd)
	}
	m.set("fields", fields)
	m.set("recordTypeInfos", []any{orderedMap{
		keys: []string{"active", "available", "defaultRecordTypeMapping", "developerName", "master", "name", "recordTypeId"},
		vals: []any{true, true, true, "Master", true, "Master", "012000000000000AAA"}}})
	m.set("childRelationships", []any{})
	return result{status: 200, body: m}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
