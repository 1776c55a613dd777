package emulator

import (
	"fmt"
	"sort"
	"strings"
)

// writeMode says who is writing: the API enforces field-level rules; UI edits and seeds do not
// enforce read-only fields, because an admin or a fixture may set them.
type writeMode int

const (
	modeAPI writeMode = iota
	modeUI
	modeSeed
)

func (e *Emulator) table(name string) *table { return e.tables[strings.ToLower(name)] }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// prepare validates a DML body and returns the changes keyed by canonical field name.
func (e *Emulator) prepare(t *table, body map[string]any, creating bool, mode writeMode) (map[string]any, *apiError) {
	changes := make(map[string]any, len(body))
	var readOnly []string
	type pending struct {
		f *fieldDef
		v any
	}
	var values []pending
	for _, k := range sortedKeys(body) {
		if strings.EqualFold(k, "attributes") {
			continue
		}
		f := t.def.field(k)
		if f == nil {
			return nil, errNoSuchColumnDML(k, t.def.Name)
		}
		if f.Name == "Id" {
			if creating && mode == modeAPI {
				return nil, &apiError{Status: 400, Code: "INVALID_FIELD",
					Message: "Record ID: cannot specify Id in an insert call", Fields: []string{"Id"}}
			}
			continue
		}
		if mode == modeAPI && ((creating && !f.Createable) || (!creating && !f.Updateable)) {
			readOnly = append(readOnly, f.Name)
			continue
		}
		values = append(values, pending{f, body[k]})
	}
	if len(readOnly) > 0 {
		return nil, errReadOnly(readOnly)
	}
	for _, p := range values {
		v, err := e.coerce(p.f, p.v)
		if err != nil {
			return nil, err
		}
		if mode == modeAPI {
			if err := e.checkReference(p.f, v); err != nil {
				return nil, err
			}
		}
		changes[p.f.Name] = v
	}
	return changes, nil
}

// checkReference refuses a lookup to a record that does not exist or is in the recycle bin,
// as a real org does. Only objects the emulator stores can be checked; a lookup to a User,
// Group or RecordType is accepted as long as its key prefix fits. Seeds and UI edits skip the
// check so that fixtures may point anywhere.
func (e *Emulator) checkReference(f *fieldDef, v any) *apiError {
	s, _ := v.(string)
	if f.Type != tReference || s == "" {
		return nil
	}
	id15, ok := canonicalID(s)
	if !ok {
		return nil
	}
	for _, t := range e.tables {
		if t.def.KeyPrefix != id15[:3] {
			continue
		}
		if r := t.rows[id15]; r == nil || r.deleted {
			return &apiError{Status: 400, Code: "INVALID_CROSS_REFERENCE_KEY", Message: "invalid cross reference id",
				Fields: []string{}}
		}
		return nil
	}
	return nil
}

func missingRequired(t *table, r map[string]any) []string {
	var missing []string
	for _, f := range t.def.fields {
		if f.Required {
			if v, ok := r[f.Name]; !ok || v == nil {
				missing = append(missing, f.Name)
			}
		}
	}
	return missing
}

func (e *Emulator) checkUnique(t *table, selfID string, changes map[string]any) *apiError {
	for name, v := range changes {
		f := t.def.field(name)
		if !f.Unique || v == nil {
			continue
		}
		s, _ := v.(string)
		for _, other := range t.lookup(f.Name, s, false) {
			if other.id != selfID {
				return &apiError{Status: 400, Code: "DUPLICATE_VALUE",
					Message: fmt.Sprintf("duplicate value found: %s duplicates value on record with id: %s", f.Name, other.id),
					Fields:  []string{}}
			}
		}
	}
	return nil
}

func deriveName(t *table, fields map[string]any) {
	if !t.def.derivedName {
		return
	}
	var parts []string
	for _, n := range []string{"Salutation", "FirstName", "MiddleName", "LastName", "Suffix"} {
		if s, _ := fields[n].(string); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		fields["Name"] = nil
		return
	}
	fields["Name"] = strings.Join(parts, " ")
}

func (e *Emulator) nextID(t *table) string {
	e.idCounter++
	return newID(t.def.KeyPrefix, e.idCounter)
}

// insert creates a record. The caller holds e.mu for writing.
func (e *Emulator) insert(x *tx, t *table, body map[string]any, mode writeMode) (*record, *apiError) {
	changes, err := e.prepare(t, body, true, mode)
	if err != nil {
		return nil, err
	}
	fields := make(map[string]any, len(t.def.fields))
	for _, f := range t.def.fields {
		if f.Default != nil {
			fields[f.Name] = f.Default
		}
	}
	for k, v := range changes {
		fields[k] = v
	}
	if missing := missingRequired(t, fields); len(missing) > 0 {
		return nil, errRequired(missing)
	}
	if err := e.checkUnique(t, "", changes); err != nil {
		return nil, err
	}
	now := formatDatetime(e.now())
	id, apiErr := e.seededID(t, body, mode)
	if apiErr != nil {
		return nil, apiErr
	}
	r := &record{id: id, seq: e.idCounter, fields: fields, written: e.now()}
	fields["Id"] = r.id
	fields["IsDeleted"] = false
	if t.def.field("OwnerId") != nil && fields["OwnerId"] == nil {
		fields["OwnerId"] = e.userID
	}
	if t.def.field("CaseNumber") != nil {
		fields["CaseNumber"] = fmt.Sprintf("%08d", 1000+len(t.order))
	}
	author := e.userID
	if mode == modeUI {
		author = e.uiUserID
	}
	for _, f := range []string{"CreatedDate", "LastModifiedDate", "SystemModstamp"} {
		if mode != modeSeed || fields[f] == nil {
			fields[f] = now
		}
	}
	for _, f := range []string{"CreatedById", "LastModifiedById"} {
		if mode != modeSeed || fields[f] == nil {
			fields[f] = author
		}
	}
	deriveName(t, fields)
	t.put(r)
	x.created(t, r)
	return r, nil
}

// update applies a partial update. The caller holds e.mu for writing.
func (e *Emulator) update(x *tx, t *table, r *record, body map[string]any, mode writeMode) *apiError {
	if r.deleted {
		return errDeleted()
	}
	if mode == modeAPI && r.isConverted() {
		return errConvertedLead()
	}
	changes, err := e.prepare(t, body, false, mode)
	if err != nil {
		return err
	}
	merged := make(map[string]any, len(r.fields))
	for k, v := range r.fields {
		merged[k] = v
	}
	for k, v := range changes {
		merged[k] = v
	}
	var cleared []string
	for _, name := range missingRequired(t, merged) {
		if _, touched := changes[name]; touched {
			cleared = append(cleared, name)
		}
	}
	if len(cleared) > 0 {
		return errRequired(cleared)
	}
	if err := e.checkUnique(t, r.id, changes); err != nil {
		return err
	}
	x.changing(t, r)
	t.removeFromIndex(r)
	e.rememberSearchable(r)
	r.fields = merged
	now := formatDatetime(e.now())
	merged["LastModifiedDate"], merged["SystemModstamp"] = now, now
	merged["LastModifiedById"] = e.userID
	if mode == modeUI {
		merged["LastModifiedById"] = e.uiUserID
	}
	deriveName(t, merged)
	r.written = e.now()
	t.addToIndex(r)
	return nil
}

// remove soft-deletes a record into the recycle bin. The caller holds e.mu for writing.
func (e *Emulator) remove(x *tx, t *table, r *record) *apiError {
	if r.deleted {
		return errDeleted()
	}
	x.changing(t, r)
	r.fields = cloneFields(r.fields)
	r.deleted = true
	r.fields["IsDeleted"] = true
	now := formatDatetime(e.now())
	r.fields["LastModifiedDate"], r.fields["SystemModstamp"] = now, now
	return nil
}

func cloneFields(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// rememberSearchable keeps the values the search index already holds while a new write lags.
func (e *Emulator) rememberSearchable(r *record) {
	if e.opts.SearchIndexLag <= 0 {
		return
	}
	if e.now().Sub(r.written) >= e.opts.SearchIndexLag {
		r.searchable = r.fields
	}
}

// findByID resolves an id in a path or body. ok=false means the id is malformed or of another type.
func (t *table) findByID(id string) (r *record, ok bool) {
	id15, valid := canonicalID(id)
	if !valid || id15[:3] != t.def.KeyPrefix {
		return nil, false
	}
	return t.rows[id15], true
}

// externalMatches finds live rows whose external-ID or idLookup field equals value.
func (t *table) externalMatches(f *fieldDef, value string) []*record {
	if f.Name == "Id" {
		r, ok := t.findByID(value)
		if !ok || r == nil || r.deleted {
			return nil
		}
		return []*record{r}
	}
	return t.lookup(f.Name, value, false)
}

// externalField returns the field usable in an upsert URL, or nil.
func (t *table) externalField(name string) *fieldDef {
	f := t.def.field(name)
	if f == nil || !(f.ExternalID || f.IDLookup) {
		return nil
	}
	return f
}

// seededID lets a fixture choose its record's Id, so samples and tests can name records that
// exist in the org (e.g. an externalId pointing at a known Contact). API inserts never can.
func (e *Emulator) seededID(t *table, body map[string]any, mode writeMode) (string, *apiError) {
	raw, _ := body["Id"].(string)
	if mode != modeSeed || raw == "" {
		return e.nextID(t), nil
	}
	if (len(raw) != 15 && len(raw) != 18) || !isAlnum(raw) || !strings.HasPrefix(raw, t.def.KeyPrefix) {
		return "", &apiError{Status: 400, Code: "MALFORMED_ID", Message: fmt.Sprintf("%s ID: id value of incorrect type: %s", t.def.Name, raw), Fields: []string{"Id"}}
	}
	id := To18(raw[:15])
	if _, taken := t.rows[id[:15]]; taken {
		return "", &apiError{Status: 400, Code: "DUPLICATE_VALUE", Message: "duplicate value found: Id duplicates value on record with id: " + id, Fields: []string{"Id"}}
	}
	e.idCounter++
	return id, nil
}
