package emulator

import (
	"strconv"
	"strings"
	"unicode"
)

const maxSearchRows = 2000

// parameterizedSearch implements GET /parameterizedSearch: token matching over text fields, on
// the values the (lagging) search index holds.
func (e *Emulator) parameterizedSearch(c *call) result {
	q := strings.TrimSpace(c.query.Get("q"))
	terms := tokenize(strings.TrimSuffix(q, "*"))
	if len([]rune(q)) < 2 || len(terms) == 0 {
		return errResult(&apiError{Status: 400, Code: "INVALID_SEARCH",
			Message: "search term must be longer than one character"})
	}
	prefix := strings.HasSuffix(q, "*")
	scope := strings.ToUpper(c.query.Get("in"))
	if scope == "" {
		scope = "ALL"
	}
	var tables []*table
	if names := c.query["sobject"]; len(names) > 0 {
		for _, n := range names {
			t := e.table(n)
			if t == nil {
				return errResult(&apiError{Status: 400, Code: "INVALID_TYPE",
					Message: "sObject type '" + n + "' is not supported."})
			}
			tables = append(tables, t)
		}
	} else {
		tables = e.sortedTables()
	}
	overall := limitParam(c.query.Get("overallLimit"), maxSearchRows)
	defaultLimit := limitParam(c.query.Get("defaultLimit"), maxSearchRows)
	records := []any{}
	for _, t := range tables {
		fields, apiErr := fieldList(t, "Id,"+c.query.Get(t.def.Name+".fields"))
		if apiErr != nil {
			return errResult(apiErr)
		}
		fields = dedupeFields(fields)
		limit := limitParam(c.query.Get(t.def.Name+".limit"), defaultLimit)
		found := 0
		for _, id := range t.order {
			if len(records) >= overall || found >= limit {
				break
			}
			r := t.rows[id]
			if r.deleted {
				continue
			}
			indexed := e.indexedValues(r)
			if indexed == nil || !searchMatch(t, indexed, scope, terms, prefix) {
				continue
			}
			view := &record{id: r.id, fields: indexed}
			records = append(records, e.render(c, t, view, fields))
			found++
		}
	}
	return result{status: 200, body: orderedMap{keys: []string{"searchRecords"}, vals: []any{records}}}
}

func dedupeFields(fs []*fieldDef) []*fieldDef {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		if !seen[f.Name] {
			seen[f.Name] = true
			out = append(out, f)
		}
	}
	return out
}

func limitParam(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return def
	}
	return min(n, maxSearchRows)
}

// indexedValues returns the field values the search index holds for r, or nil if none yet.
func (e *Emulator) indexedValues(r *record) map[string]any {
	if e.opts.SearchIndexLag <= 0 || e.now().Sub(r.written) >= e.opts.SearchIndexLag {
		return r.fields
	}
	return r.searchable
}

func tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func inScope(f *fieldDef, scope string) bool {
	switch scope {
	case "EMAIL":
		return f.Type == tEmail
	case "PHONE":
		return f.Type == tPhone
	case "NAME":
		return f.Name == "Name" || f.Name == "FirstName" || f.Name == "LastName" || f.Name == "Company"
	}
	return f.textual()
}

// searchMatch requires every term to appear as a token of some in-scope field.
func searchMatch(t *table, fields map[string]any, scope string, terms []string, prefix bool) bool {
	tokens := map[string]bool{}
	var all []string
	for _, f := range t.def.fields {
		if !inScope(f, scope) {
			continue
		}
		if s, ok := fields[f.Name].(string); ok {
			for _, tok := range tokenize(s) {
				tokens[tok] = true
				all = append(all, tok)
			}
		}
	}
	for i, term := range terms {
		if tokens[term] {
			continue
		}
		if prefix && i == len(terms)-1 && anyHasPrefix(all, term) {
			continue
		}
		return false
	}
	return true
}

func anyHasPrefix(tokens []string, p string) bool {
	for _, t := range tokens {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
