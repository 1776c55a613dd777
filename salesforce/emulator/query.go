package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	maxQueryLength = 100000
	maxBatchSize   = 2000
	minBatchSize   = 200
	maxCursors     = 500
)

type cursor struct {
	rows  []any
	batch int
}

func (e *Emulator) query(c *call, all bool, rest []string) result {
	resource := "query"
	if all {
		resource = "queryAll"
	}
	if len(rest) == 1 && rest[0] != "" {
		return e.queryPage(c, resource, rest[0])
	}
	q := c.query.Get("q")
	if strings.TrimSpace(q) == "" {
		return errResult(errMalformedQuery("A query string has to be specified"))
	}
	if len(q) > maxQueryLength {
		return errResult(errMalformedQuery("SOQL statements can not be longer than 100000 characters"))
	}
	sq, serr := parseSOQL(q)
	if serr == nil {
		serr = e.bindQuery(sq)
	}
	if serr != nil {
		return errResult(&apiError{Status: 400, Code: serr.code, Message: caretMessage(q, serr.pos, serr.msg)})
	}
	t := e.table(sq.object)
	matched := e.execute(t, sq, all)
	if sq.count {
		return result{status: 200, body: orderedMap{keys: []string{"totalSize", "done", "records"},
			vals: []any{len(matched), true, []any{}}}}
	}
	fields := make([]*fieldDef, len(sq.fields))
	for i, f := range sq.fields {
		fields[i] = f.def
	}
	rows := make([]any, len(matched))
	for i, r := range matched {
		rows[i] = e.render(c, t, r, fields)
	}
	batch := batchSize(c.header)
	if len(rows) <= batch {
		return result{status: 200, body: orderedMap{keys: []string{"totalSize", "done", "records"},
			vals: []any{len(rows), true, rows}}}
	}
	id := e.saveCursor(&cursor{rows: rows, batch: batch})
	return result{status: 200, body: orderedMap{keys: []string{"totalSize", "done", "nextRecordsUrl", "records"},
		vals: []any{len(rows), false, fmt.Sprintf("%s/%s/%s-%d", c.base(), resource, id, batch), rows[:batch]}}}
}

// batchSize honours Sforce-Query-Options: batchSize=N within Salesforce's 200–2000 range.
func batchSize(h http.Header) int {
	for _, part := range strings.Split(h.Get("Sforce-Query-Options"), ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "batchSize") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return min(max(n, minBatchSize), maxBatchSize)
			}
		}
	}
	return maxBatchSize
}

func (e *Emulator) saveCursor(cur *cursor) string {
	e.cursorMu.Lock()
	defer e.cursorMu.Unlock()
	e.cursorSeq++
	id := newID("01g", e.cursorSeq)
	e.cursors[id] = cur
	e.cursorOrder = append(e.cursorOrder, id)
	if len(e.cursorOrder) > maxCursors {
		delete(e.cursors, e.cursorOrder[0])
		e.cursorOrder = e.cursorOrder[1:]
	}
	return id
}

func (e *Emulator) queryPage(c *call, resource, locator string) result {
	invalid := errResult(&apiError{Status: 400, Code: "INVALID_QUERY_LOCATOR", Message: "invalid query locator"})
	dash := strings.LastIndexByte(locator, '-')
	if dash < 0 {
		return invalid
	}
	offset, err := strconv.Atoi(locator[dash+1:])
	e.cursorMu.Lock()
	cur := e.cursors[locator[:dash]]
	e.cursorMu.Unlock()
	if err != nil || cur == nil || offset < 0 || offset >= len(cur.rows) {
		return invalid
	}
	end := min(offset+cur.batch, len(cur.rows))
	m := orderedMap{}
	m.set("totalSize", len(cur.rows))
	m.set("done", end == len(cur.rows))
	if end < len(cur.rows) {
		m.set("nextRecordsUrl", fmt.Sprintf("%s/%s/%s-%d", c.base(), resource, locator[:dash], end))
	}
	m.set("records", cur.rows[offset:end])
	return result{status: 200, body: m}
}

// bindQuery resolves the object and every field reference, reporting the first unknown one.
func (e *Emulator) bindQuery(sq *soqlQuery) *soqlError {
	t := e.table(sq.object)
	if t == nil {
		return &soqlError{"INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.", sq.object), sq.objPos}
	}
	bind := func(f *fieldRef) *soqlError {
		f.def = t.def.field(f.name)
		if f.def == nil {
			return &soqlError{"INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", f.name, t.def.Name), f.pos}
		}
		return nil
	}
	seen := map[string]bool{}
	for i := range sq.fields {
		if err := bind(&sq.fields[i]); err != nil {
			return err
		}
		if seen[sq.fields[i].def.Name] {
			return &soqlError{"MALFORMED_QUERY", "duplicate field selected: " + sq.fields[i].def.Name, sq.fields[i].pos}
		}
		seen[sq.fields[i].def.Name] = true
	}
	for i := range sq.orderBy {
		if err := bind(&sq.orderBy[i].field); err != nil {
			return err
		}
	}
	return bindCond(sq.where, func(f *fieldRef) *soqlError {
		if err := bind(f); err != nil {
			return err
		}
		if !f.def.filterable() {
			return &soqlError{"INVALID_QUERY_FILTER_OPERATOR", fmt.Sprintf("field '%s' can not be filtered in a query call", f.def.Name), f.pos}
		}
		return nil
	})
}

func bindCond(c cond, bind func(*fieldRef) *soqlError) *soqlError {
	switch x := c.(type) {
	case *cmpCond:
		if err := bind(&x.field); err != nil {
			return err
		}
		if err := checkLiteral(x.field.def, x.lit); err != nil {
			return err
		}
		x.lit = normalizeLiteral(x.field.def, x.lit)
	case *inCond:
		if err := bind(&x.field); err != nil {
			return err
		}
		for i := range x.lits {
			if err := checkLiteral(x.field.def, x.lits[i]); err != nil {
				return err
			}
			x.lits[i] = normalizeLiteral(x.field.def, x.lits[i])
		}
	case *likeCond:
		return bind(&x.field)
	case *notCond:
		return bindCond(x.inner, bind)
	case *boolCond:
		for _, p := range x.parts {
			if err := bindCond(p, bind); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkLiteral refuses a value whose quoting does not fit the field: Salesforce wants text and
// ids quoted, and booleans, numbers, dates and datetimes bare. Without this, a quoted date or
// number would be compared as text here and match, while a real org refuses the whole query.
func checkLiteral(f *fieldDef, l literal) *soqlError {
	if l.kind == tkIdent && l.val == nil {
		return nil // null fits every field
	}
	quoted := l.kind == tkString
	var typ string
	switch f.Type {
	case tBoolean:
		typ = "boolean"
	case tInt:
		typ = "int"
	case tDouble, tCurrency, tPercent:
		typ = "double"
	case tDate:
		typ = "date"
	case tDatetime:
		typ = "dateTime"
	case tID, tReference:
		if !quoted {
			return filterValueError(f, l, "id", true)
		}
		return nil
	default:
		if !quoted {
			return filterValueError(f, l, "string", true)
		}
		return nil
	}
	if quoted {
		return filterValueError(f, l, typ, false)
	}
	return nil
}

func filterValueError(f *fieldDef, l literal, typ string, wantQuotes bool) *soqlError {
	quoting := "should not be enclosed in quotes"
	if wantQuotes {
		quoting = "should be enclosed in quotes"
	}
	return &soqlError{"INVALID_FIELD", fmt.Sprintf("value of filter criterion for field '%s' must be of type %s and %s",
		f.Name, typ, quoting), l.pos}
}

// normalizeLiteral turns 15-character ids into the 18-character form stored on records.
func normalizeLiteral(f *fieldDef, l literal) literal {
	if s, ok := l.val.(string); ok && (f.Type == tID || f.Type == tReference) {
		if id15, valid := canonicalID(s); valid {
			l.val = To18(id15)
		}
	}
	return l
}

// execute returns the matching rows in insertion (or ORDER BY) order, after OFFSET and LIMIT.
func (e *Emulator) execute(t *table, sq *soqlQuery, all bool) []*record {
	var out []*record
	keep := func(r *record) {
		if (all || !r.deleted) && (sq.where == nil || sq.where.eval(r)) {
			out = append(out, r)
		}
	}
	if candidates, ok := indexedCandidates(t, sq.where, all); ok {
		for _, r := range candidates {
			keep(r)
		}
	} else {
		for _, id := range t.order {
			keep(t.rows[id])
		}
	}
	if len(sq.orderBy) > 0 {
		sort.SliceStable(out, func(i, j int) bool { return orderLess(sq.orderBy, out[i], out[j]) })
	}
	if sq.offset > 0 {
		out = out[min(sq.offset, len(out)):]
	}
	if sq.limit >= 0 && len(out) > sq.limit {
		out = out[:sq.limit]
	}
	return out
}

// indexedCandidates narrows a scan using an equality on Id or an indexed field.
func indexedCandidates(t *table, c cond, all bool) ([]*record, bool) {
	switch x := c.(type) {
	case *cmpCond:
		s, isString := x.lit.val.(string)
		if x.op != "=" || !isString {
			return nil, false
		}
		if x.field.def.Name == "Id" {
			r, valid := t.findByID(s)
			if !valid || r == nil {
				return nil, true
			}
			return []*record{r}, true
		}
		if x.field.def.indexed() {
			return t.lookup(x.field.def.Name, s, all), true
		}
	case *boolCond:
		if x.and {
			for _, p := range x.parts {
				if rs, ok := indexedCandidates(t, p, all); ok {
					return rs, true
				}
			}
		}
	}
	return nil, false
}

func orderLess(items []orderItem, a, b *record) bool {
	for _, it := range items {
		va, vb := a.fields[it.field.def.Name], b.fields[it.field.def.Name]
		if va == nil || vb == nil {
			if va == nil && vb == nil {
				continue
			}
			return (va == nil) == it.nullsFirst
		}
		c := compareValues(va, vb)
		if c == 0 {
			continue
		}
		return (c < 0) != it.desc
	}
	return false
}

// compareValues orders two non-nil values of one field: numbers numerically, text case-insensitively.
func compareValues(a, b any) int {
	if na, ok := a.(json.Number); ok {
		if nb, ok := toNumber(b); ok {
			fa, _ := strconv.ParseFloat(string(na), 64)
			fb, _ := strconv.ParseFloat(string(nb), 64)
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	}
	if ba, ok := a.(bool); ok {
		bb, _ := b.(bool)
		switch {
		case ba == bb:
			return 0
		case !ba:
			return -1
		}
		return 1
	}
	return strings.Compare(strings.ToLower(fmt.Sprint(a)), strings.ToLower(fmt.Sprint(b)))
}

func (c *cmpCond) eval(r *record) bool {
	v := r.fields[c.field.def.Name]
	switch c.op {
	case "=":
		return valuesEqual(v, c.lit.val)
	case "!=", "<>":
		return !valuesEqual(v, c.lit.val)
	}
	if v == nil || c.lit.val == nil {
		return false
	}
	n := compareValues(v, c.lit.val)
	switch c.op {
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	}
	return n >= 0
}

func (c *inCond) eval(r *record) bool {
	v := r.fields[c.field.def.Name]
	for _, l := range c.lits {
		if valuesEqual(v, l.val) {
			return !c.not
		}
	}
	return c.not
}

func (c *likeCond) eval(r *record) bool {
	s, ok := r.fields[c.field.def.Name].(string)
	return ok && likeMatch(strings.ToLower(c.pattern), strings.ToLower(s))
}

func (c *notCond) eval(r *record) bool { return !c.inner.eval(r) }

func (c *boolCond) eval(r *record) bool {
	for _, p := range c.parts {
		if p.eval(r) != c.and {
			return !c.and
		}
	}
	return c.and
}

// likeMatch implements LIKE: % is any run, _ any one character, \% and \_ are literal.
func likeMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '_':
		if s == "" {
			return false
		}
		_, size := utf8.DecodeRuneInString(s)
		return likeMatch(pattern[1:], s[size:])
	case '\\':
		if len(pattern) > 1 {
			return s != "" && s[0] == pattern[1] && likeMatch(pattern[2:], s[1:])
		}
	}
	return s != "" && s[0] == pattern[0] && likeMatch(pattern[1:], s[1:])
}
