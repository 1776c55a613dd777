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
	r, err := b.calls.submit(ctx, request{kind: kindRetrieve, retrieval: retrieval{sobject: sobject, id: full, fields: fields}}, false)
	return r.record, err
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

func (b *Coalescer) planRetrieves(reqs []request, members []int, out []outcome[reply]) planned {
	groups := map[string][]int{}
	var order []string
	for _, m := range members {
		key := strings.ToLower(reqs[m].retrieval.sobject)
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], m)
	}
	var p planned
	var answers []func(context.Context)
	for _, key := range order {
		job, answer := b.retrieveGroup(reqs, groups[key], out)
		p.jobs = append(p.jobs, job)
		answers = append(answers, answer)
	}
	p.answer = func(ctx context.Context, _ error) {
		for _, answer := range answers {
			answer(ctx)
		}
	}
	return p
}

// retrieveGroup plans one read of members, all of one sObject type, asking
// for the union of their fields. If Salesforce refuses a field, no caller can
// be answered from the shared read, so each distinct field list is asked
// again on its own: only the caller who named the bad field gets the error,
// and only failures cost the extra calls.
func (b *Coalescer) retrieveGroup(reqs []request, members []int, out []outcome[reply]) (salesforce.Job, func(context.Context)) {
	var (
		ids    []string
		rowOf  = map[string]int{}
		fields = []string{"Id"}
		sets   = map[string][]int{}
	)
	for _, m := range members {
		r := reqs[m].retrieval
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
	job := b.client.NewRetrieveJob(reqs[members[0]].retrieval.sobject, ids, fields)
	return job, func(ctx context.Context) {
		if job.Err != nil && len(sets) > 1 && isInvalidField(job.Err) {
			for _, set := range sets {
				again, answer := b.retrieveGroup(reqs, set, out)
				// A failed send leaves its error in the job.
				_ = b.client.Send(ctx, again)
				answer(ctx)
			}
			return
		}
		for _, m := range members {
			if job.Err != nil {
				out[m].err = job.Err
				continue
			}
			r := reqs[m].retrieval
			out[m].val.record = project(job.Records[rowOf[idKey(r.id)]], r.fields)
		}
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
