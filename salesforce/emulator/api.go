package emulator

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrNotFound is returned (wrapped) when an object or record does not exist.
var ErrNotFound = errors.New("not found")

func (e *Emulator) defineObject(def ObjectDef) error {
	if !strings.HasSuffix(strings.ToLower(def.Name), "__c") {
		return fmt.Errorf("custom object name %q must end in __c", def.Name)
	}
	if e.table(def.Name) != nil {
		return fmt.Errorf("object %q already exists", def.Name)
	}
	if def.KeyPrefix == "" {
		def.KeyPrefix = fmt.Sprintf("a0%c", base62[10+e.customPrefixes%52])
		e.customPrefixes++
	}
	if len(def.KeyPrefix) != 3 || !isAlnum(def.KeyPrefix) {
		return fmt.Errorf("key prefix %q must be 3 alphanumeric characters", def.KeyPrefix)
	}
	for _, t := range e.tables {
		if t.def.KeyPrefix == def.KeyPrefix {
			return fmt.Errorf("key prefix %q is already used by %s", def.KeyPrefix, t.def.Name)
		}
	}
	if def.Label == "" {
		def.Label = labelFor(def.Name)
	}
	e.tables[strings.ToLower(def.Name)] = newTable(customObject(def))
	return nil
}

func (e *Emulator) defineField(def FieldDef) error {
	t := e.table(def.Object)
	if t == nil {
		return fmt.Errorf("define field %s: object %q: %w", def.Name, def.Object, ErrNotFound)
	}
	f, err := customField(def)
	if err != nil {
		return err
	}
	t.def.add(f)
	for _, r := range t.rows {
		t.removeFromIndex(r)
		t.addToIndex(r)
	}
	return nil
}

// DefineObject adds a custom object (Name ending in __c) at run time.
func (e *Emulator) DefineObject(def ObjectDef) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.defineObject(def)
}

// DefineField adds or replaces a custom field (Name ending in __c) on any object.
func (e *Emulator) DefineField(def FieldDef) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.defineField(def)
}

// Seed inserts a record as a fixture: read-only fields such as IsConverted or CreatedDate may be set,
// but unknown fields, types, lengths and required fields are still checked. It is not counted.
func (e *Emulator) Seed(sobject string, fields map[string]any) (id string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.table(sobject)
	if t == nil {
		return "", fmt.Errorf("seed %s: %w", sobject, ErrNotFound)
	}
	r, apiErr := e.insert(nil, t, cloneFields(fields), modeSeed)
	if apiErr != nil {
		return "", fmt.Errorf("seed %s: %w", sobject, apiErr)
	}
	return r.id, nil
}

func (e *Emulator) snapshot(t *table, r *record) map[string]any {
	m := make(map[string]any, len(t.def.fields)+1)
	for _, f := range t.def.fields {
		m[f.Name] = r.fields[f.Name]
	}
	m["attributes"] = map[string]any{"type": t.def.Name}
	return m
}

// Records returns copies of the live (non-deleted) rows of sobject in insertion order.
func (e *Emulator) Records(sobject string) []map[string]any {
	return e.records(sobject, false)
}

func (e *Emulator) records(sobject string, includeDeleted bool) []map[string]any {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := e.table(sobject)
	if t == nil {
		return nil
	}
	out := []map[string]any{}
	for _, id := range t.order {
		if r := t.rows[id]; includeDeleted || !r.deleted {
			out = append(out, e.snapshot(t, r))
		}
	}
	return out
}

// Record returns a copy of one row, deleted rows included (IsDeleted tells them apart).
func (e *Emulator) Record(sobject, id string) (map[string]any, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := e.table(sobject)
	if t == nil {
		return nil, false
	}
	r, _ := t.findByID(id)
	if r == nil {
		return nil, false
	}
	return e.snapshot(t, r), true
}

// SetFields edits a record as a UI user would: not counted, read-only fields allowed, converted
// leads editable, LastModifiedById set to a different user so that the change looks like drift.
func (e *Emulator) SetFields(sobject, id string, fields map[string]any) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.table(sobject)
	if t == nil {
		return fmt.Errorf("set fields on %s: %w", sobject, ErrNotFound)
	}
	r, _ := t.findByID(id)
	if r == nil {
		return fmt.Errorf("set fields on %s %s: %w", sobject, id, ErrNotFound)
	}
	if apiErr := e.update(nil, t, r, cloneFields(fields), modeUI); apiErr != nil {
		return fmt.Errorf("set fields on %s %s: %w", sobject, id, apiErr)
	}
	return nil
}

// ConvertLead converts a lead as a UI user would: it creates an Account (named after Company) and
// a Contact, and marks the lead IsConverted with ConvertedContactId, ConvertedAccountId and
// ConvertedDate. No Opportunity is created.
func (e *Emulator) ConvertLead(leadID string) (contactID string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	leads := e.table("Lead")
	lead, _ := leads.findByID(leadID)
	if lead == nil || lead.deleted {
		return "", fmt.Errorf("convert lead %s: %w", leadID, ErrNotFound)
	}
	if lead.isConverted() {
		return "", fmt.Errorf("convert lead %s: already converted", leadID)
	}
	lf := lead.fields
	account, apiErr := e.insert(nil, e.table("Account"), map[string]any{"Name": lf["Company"]}, modeUI)
	if apiErr != nil {
		return "", fmt.Errorf("convert lead %s: create account: %w", leadID, apiErr)
	}
	contactFields := map[string]any{"AccountId": account.id}
	for _, name := range []string{"Salutation", "FirstName", "MiddleName", "LastName", "Suffix", "Title", "Email",
		"Phone", "MobilePhone", "Fax", "LeadSource", "Description", "HasOptedOutOfEmail", "HasOptedOutOfFax"} {
		contactFields[name] = lf[name]
	}
	for from, to := range map[string]string{"Street": "MailingStreet", "City": "MailingCity", "State": "MailingState",
		"PostalCode": "MailingPostalCode", "Country": "MailingCountry"} {
		contactFields[to] = lf[from]
	}
	contact, apiErr := e.insert(nil, e.table("Contact"), contactFields, modeUI)
	if apiErr != nil {
		return "", fmt.Errorf("convert lead %s: create contact: %w", leadID, apiErr)
	}
	apiErr = e.update(nil, leads, lead, map[string]any{
		"IsConverted": true, "ConvertedContactId": contact.id, "ConvertedAccountId": account.id,
		"ConvertedDate": e.now().UTC().Format(dateLayout), "Status": "Closed - Converted",
	}, modeUI)
	if apiErr != nil {
		return "", fmt.Errorf("convert lead %s: %w", leadID, apiErr)
	}
	return contact.id, nil
}

// ExpireSessions invalidates every access token now.
func (e *Emulator) ExpireSessions() {
	e.authMu.Lock()
	e.sessions = map[string]*session{}
	e.authMu.Unlock()
}

// SetCredentials rotates the password and security token; existing sessions stay valid.
func (e *Emulator) SetCredentials(password, securityToken string) {
	e.authMu.Lock()
	e.password, e.token = password, securityToken
	e.authMu.Unlock()
}

// APICallsUsed is the number of API calls charged against the daily limit.
func (e *Emulator) APICallsUsed() int {
	e.statMu.Lock()
	defer e.statMu.Unlock()
	return e.used
}

// SetAPICallsUsed sets the usage counter, for tests that approach the daily limit.
func (e *Emulator) SetAPICallsUsed(n int) {
	e.statMu.Lock()
	e.used = n
	e.statMu.Unlock()
}

// Counters returns per-endpoint call counts keyed like "POST /composite", "GET /query",
// "PATCH /sobjects/Lead" or "PATCH /sobjects/Lead/Email" (upsert by external ID).
func (e *Emulator) Counters() map[string]int {
	e.statMu.Lock()
	defer e.statMu.Unlock()
	out := make(map[string]int, len(e.counters))
	for k, v := range e.counters {
		out[k] = v
	}
	return out
}

// Requests returns the request log, oldest first.
func (e *Emulator) Requests() []LoggedRequest {
	e.statMu.Lock()
	defer e.statMu.Unlock()
	out := make([]LoggedRequest, 0, len(e.log))
	out = append(out, e.log[e.logNext:]...)
	out = append(out, e.log[:e.logNext]...)
	return out
}

// Logins counts successful logins of any flow.
func (e *Emulator) Logins() int {
	e.authMu.Lock()
	defer e.authMu.Unlock()
	return e.logins
}

// Reset restores the state New produced: data, sessions, counters, log and faults. Credentials
// changed with SetCredentials are kept.
func (e *Emulator) Reset() { e.resetState() }

// Objects lists the object names the org knows, sorted.
func (e *Emulator) Objects() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var names []string
	for _, t := range e.tables {
		names = append(names, t.def.Name)
	}
	sort.Strings(names)
	return names
}
