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
const maxMatchFields = 5

// MatchFields picks the fields a record can be found again by: short string values (long text
// areas cannot be filtered in SOQL, and numbers or dates may come back reformatted), at most
// a handful, chosen in name order so the choice is stable.
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
	if len(names) > maxMatchFields {
		names = names[:maxMatchFields]
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
	names := make([]string, 0, len(match))
	for name := range match {
		if err := checkFieldNames([]string{name}); err != nil {
			return nil, withOp(err, op)
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, ErrNoMatchableFields
	}
	sort.Strings(names)
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
