package emulator

import (
	"sort"
	"strings"
	"time"
)

type record struct {
	id      string // 18 characters
	seq     int64  // insertion order
	fields  map[string]any
	deleted bool
	written time.Time
	// searchable holds the values the search index knew before the latest, still-lagging write.
	searchable map[string]any
}

func (r *record) clone() *record {
	c := *r
	c.fields = make(map[string]any, len(r.fields))
	for k, v := range r.fields {
		c.fields[k] = v
	}
	return &c
}

func (r *record) isConverted() bool {
	b, _ := r.fields["IsConverted"].(bool)
	return b
}

type table struct {
	def   *objectDef
	rows  map[string]*record // by 15-character id
	order []string           // 15-character ids in insertion order
	// index maps an indexed field to lower-cased value to the ids holding it.
	index map[string]map[string]map[string]struct{}
}

func newTable(def *objectDef) *table {
	return &table{def: def, rows: map[string]*record{}, index: map[string]map[string]map[string]struct{}{}}
}

func indexKey(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || s == "" {
		return "", false
	}
	return strings.ToLower(s), true
}

func (t *table) addToIndex(r *record) {
	for _, f := range t.def.fields {
		if !f.indexed() || f.Name == "Id" {
			continue
		}
		k, ok := indexKey(r.fields[f.Name])
		if !ok {
			continue
		}
		byValue := t.index[f.Name]
		if byValue == nil {
			byValue = map[string]map[string]struct{}{}
			t.index[f.Name] = byValue
		}
		ids := byValue[k]
		if ids == nil {
			ids = map[string]struct{}{}
			byValue[k] = ids
		}
		ids[r.id[:15]] = struct{}{}
	}
}

func (t *table) removeFromIndex(r *record) {
	for _, f := range t.def.fields {
		if !f.indexed() || f.Name == "Id" {
			continue
		}
		if k, ok := indexKey(r.fields[f.Name]); ok {
			delete(t.index[f.Name][k], r.id[:15])
		}
	}
}

// lookup returns the rows whose indexed field equals value case-insensitively, in insertion order.
func (t *table) lookup(field, value string, includeDeleted bool) []*record {
	ids := t.index[field][strings.ToLower(value)]
	out := make([]*record, 0, len(ids))
	for id := range ids {
		r := t.rows[id]
		if r != nil && (includeDeleted || !r.deleted) {
			out = append(out, r)
		}
	}
	sortBySeq(out)
	return out
}

func sortBySeq(rs []*record) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].seq < rs[j].seq })
}

func (t *table) put(r *record) {
	t.rows[r.id[:15]] = r
	t.order = append(t.order, r.id[:15])
	t.addToIndex(r)
}

// tx is an undo log; a nil *tx records nothing.
type tx struct {
	undo []undoEntry
}

type undoEntry struct {
	t    *table
	id15 string
	prev *record // nil when the row was created inside the transaction
}

func (x *tx) created(t *table, r *record) {
	if x != nil {
		x.undo = append(x.undo, undoEntry{t: t, id15: r.id[:15]})
	}
}

func (x *tx) changing(t *table, r *record) {
	if x != nil {
		x.undo = append(x.undo, undoEntry{t: t, id15: r.id[:15], prev: r.clone()})
	}
}

func (x *tx) rollback() {
	if x == nil {
		return
	}
	for i := len(x.undo) - 1; i >= 0; i-- {
		u := x.undo[i]
		cur := u.t.rows[u.id15]
		if cur != nil {
			u.t.removeFromIndex(cur)
		}
		if u.prev == nil {
			delete(u.t.rows, u.id15)
			for j := len(u.t.order) - 1; j >= 0; j-- {
				if u.t.order[j] == u.id15 {
					u.t.order = append(u.t.order[:j], u.t.order[j+1:]...)
					break
				}
			}
			continue
		}
		*cur = *u.prev
		u.t.addToIndex(cur)
	}
	x.undo = nil
}

// adopt appends the surviving writes of a nested transaction, so an enclosing composite can undo them.
func (x *tx) adopt(inner *tx) {
	if x != nil {
		x.undo = append(x.undo, inner.undo...)
	}
}
