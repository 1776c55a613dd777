package batch

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/destinations/salesforce-controller/salesforce"
)

type retrieval struct {
	sobject, id string
	fields      []string
}

// Retrieve reads fields of one record; it returns nil, nil when the record is
// missing or deleted, or the ID is malformed (as the client does). Retrieves of one sObject type in a batch share a call
// that asks for the union of their fields; each caller gets only the fields
// it asked for (and Id).
func (b *Coalescer) Retrieve(ctx context.Context, sobject, id string, fields []string) (salesforce.Record, error) {
	if err := checkRetrieval(sobject, fields); err != nil {
		return nil, err
	}
	// Salesforce refuses a whole retrieve collection for one malformed ID,
	// so such an ID is answered here instead of failing its neighbours.
	full, err := salesforce.To18(id)
	if err != nil {
		return nil, nil
	}
	return b.retrieves.submit(ctx, retrieval{sobject: sobject, id: full, fields: fields})
}

// checkRetrieval refuses malformed names before they join a batch, where the
// client would refuse the whole shared call for them.
func checkRetrieval(sobject string, fields []string) error {
	op := "retrieve " + sobject
	if !salesforce.ValidAPIName(sobject) {
		return &salesforce.Error{Code: salesforce.CodeInvalidType, Operation: op, Message: "malformed sObject name"}
	}
	for _, f := range fields {
		if !salesforce.ValidAPIName(f) {
			return &salesforce.Error{Code: salesforce.CodeInvalidField, Operation: op, Message: "malformed field name", Fields: []string{f}}
		}
	}
	return nil
}

func (b *Coalescer) flushRetrieves(ctx context.Context, reqs []retrieval) []outcome[salesforce.Record] {
	out := make([]outcome[salesforce.Record], len(reqs))
	groups := map[string][]int{}
	var order []string
	for i, r := range reqs {
		key := strings.ToLower(r.sobject)
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
	}
	// Types go one after another, so a flush never holds more than one call
	// open and MaxInFlight stays a true bound on concurrent calls.
	for _, key := range order {
		b.retrieveGroup(ctx, reqs, groups[key], out)
	}
	return out
}

// retrieveGroup answers members, all of one sObject type, with one call. If
// Salesforce refuses a field, no caller can be answered from the shared call,
// so each distinct field list is asked again on its own: only the caller who
// named the bad field gets the error, and only failures cost the extra calls.
func (b *Coalescer) retrieveGroup(ctx context.Context, reqs []retrieval, members []int, out []outcome[salesforce.Record]) {
	var (
		ids    []string
		rowOf  = map[string]int{}
		fields = []string{"Id"}
		sets   = map[string][]int{}
	)
	for _, m := range members {
		r := reqs[m]
		key := idKey(r.id)
		if _, ok := rowOf[key]; !ok {
			rowOf[key] = len(ids)
			ids = append(ids, r.id)
		}
		for _, f := range r.fields {
			if !slices.ContainsFunc(fields, func(have string) bool { return strings.EqualFold(have, f) }) {
				fields = append(fields, f)
			}
		}
		set := fieldSetKey(r.fields)
		sets[set] = append(sets[set], m)
	}
	records, err := b.client.RetrieveMany(ctx, reqs[members[0]].sobject, ids, fields)
	if err != nil && len(sets) > 1 && isInvalidField(err) {
		for _, set := range sets {
			b.retrieveGroup(ctx, reqs, set, out)
		}
		return
	}
	for _, m := range members {
		if err != nil {
			out[m].err = err
			continue
		}
		out[m].val = project(records[rowOf[idKey(reqs[m].id)]], reqs[m].fields)
	}
}

func fieldSetKey(fields []string) string {
	lower := make([]string, len(fields))
	for i, f := range fields {
		lower[i] = strings.ToLower(f)
	}
	slices.Sort(lower)
	return strings.Join(slices.Compact(lower), ",")
}

func isInvalidField(err error) bool {
	var e *salesforce.Error
	return errors.As(err, &e) && e.Code == salesforce.CodeInvalidField
}

// project copies the fields one caller asked for, plus Id and attributes, so
// callers neither see each other's fields nor share a map.
func project(rec salesforce.Record, fields []string) salesforce.Record {
	if rec == nil {
		return nil
	}
	out := salesforce.Record{}
	for k, v := range rec {
		keep := k == "attributes" || strings.EqualFold(k, "Id") ||
			slices.ContainsFunc(fields, func(f string) bool { return strings.EqualFold(f, k) })
		if keep {
			out[k] = v
		}
	}
	return out
}
