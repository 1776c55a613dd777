package salesforce

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ErrNoMatchableFields means FindCreatedSince was given no field it can filter on.
var ErrNoMatchableFields = &Error{Code: CodeInvalidInput, Message: "no string field to match records by"}

// maxMatchFields bounds the WHERE clause; a handful of equal fields identifies a record well.
// MatchFields keeps a few more candidates than that, since the object's describe may rule some
// out (a long text area holding a short value, for one).
const (
	maxMatchFields     = 5
	maxMatchCandidates = 10
)

// MatchFields picks the fields a record can be found again by: short string values (numbers or
// dates may come back reformatted), a few, chosen in name order so the choice is stable. Which
// of them SOQL can filter on is only known from the object's describe: FindCreatedSince asks.
func MatchFields(fields map[string]any) map[string]string {
	var names []string
	for name, v := range fields {
		s, ok := v.(string)
		if !ok || s == "" || len(s) > 255 || checkFieldNames([]string{name}) != nil {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) > maxMatchCandidates {
		names = names[:maxMatchCandidates]
	}
	match := make(map[string]string, len(names))
	for _, name := range names {
		match[name] = fields[name].(string)
	}
	return match
}

// FindCreatedSince returns the IDs of sobject records created at or after since whose fields
// equal match (see MatchFields). A writer that sent a create and never learnt its outcome
// (timeout, crash) uses it to tell "it landed" from "it never arrived" before it creates
// again.
func (c *Client) FindCreatedSince(ctx context.Context, sobject string, match map[string]string, since time.Time) ([]string, error) {
	const op = "find created records"
	if err := checkSObject(sobject); err != nil {
		return nil, withOp(err, op)
	}
	matchable, err := c.matchableFields(ctx, sobject)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(match))
	for name := range match {
		if err := checkFieldNames([]string{name}); err != nil {
			return nil, withOp(err, op)
		}
		if matchable[strings.ToLower(name)] {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, ErrNoMatchableFields
	}
	sort.Strings(names)
	if len(names) > maxMatchFields {
		names = names[:maxMatchFields]
	}
	conds := make([]string, len(names))
	for i, name := range names {
		conds[i] = fmt.Sprintf("%s = %s", name, QuoteSOQL(match[name]))
	}
	// CreatedDate is compared here rather than in SOQL so the query stays within the
	// simplest filter syntax every org accepts; LIMIT keeps a common value cheap.
	soql := fmt.Sprintf("SELECT Id, CreatedDate FROM %s WHERE %s ORDER BY CreatedDate DESC LIMIT 50", sobject, strings.Join(conds, " AND "))
	records, err := c.Query(ctx, soql)
	if err != nil {
		return nil, withOp(err, op)
	}
	var ids []string
	for _, r := range records {
		created, err := parseDatetime(r.String("CreatedDate"))
		if err != nil || created.Before(since) {
			continue
		}
		ids = append(ids, r.ID())
	}
	return ids, nil
}

// parseDatetime reads Salesforce's datetime form, 2026-11-29T10:00:00.000+0000.
func parseDatetime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a Salesforce datetime: %q", s)
}

// matchableFields names, in lower case, the fields of sobject a record can be found again by,
// from the object's describe: text and id fields SOQL can filter on. Long text areas cannot be
// filtered; dates, numbers and booleans can, but only as bare literals, and the values kept for
// matching are strings sent in the create.
func (c *Client) matchableFields(ctx context.Context, sobject string) (map[string]bool, error) {
	fields, err := c.DescribeFields(ctx, sobject, false)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(fields))
	for key, f := range fields {
		known[key] = quotedInSOQL[f.Type] && f.Filterable
	}
	return known, nil
}

// quotedInSOQL are the describe field types whose SOQL literals are quoted strings.
var quotedInSOQL = map[string]bool{
	"string": true, "email": true, "phone": true, "url": true, "picklist": true, "combobox": true,
	"textarea": true, "id": true, "reference": true,
}
