package controllers

import (
	"context"
	"maps"
	"slices"
	"strings"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// requiredFields are the fields Salesforce refuses to set to null on the standard objects the
// emulator models (salesforce-rest.md: REQUIRED_FIELD_MISSING on update). Custom objects'
// Name is required too.
var requiredFields = map[string][]string{
	"Lead":        {"LastName", "Company"},
	"Contact":     {"LastName"},
	"Account":     {"Name"},
	"Opportunity": {"Name", "StageName", "CloseDate"},
}

// neverCleared reports fields a removal must leave alone: a required field cannot be null,
// and clearing one would fail the whole write.
func neverCleared(sobject, field string) bool {
	if strings.EqualFold(field, "Name") {
		return true
	}
	return slices.ContainsFunc(requiredFields[sobject], func(f string) bool { return strings.EqualFold(f, field) })
}

func removedFieldsPolicy(dest *sfv1.SalesforceDestination) sfv1.RemovedFieldsPolicy {
	if dest.Spec.RemovedFields == "" {
		return sfv1.RemovedFieldsKeep
	}
	return dest.Spec.RemovedFields
}

// removedFields lists, sorted, the fields the record was last written with that the planned
// body no longer sends and that may be cleared. Only the record the fields were recorded for
// counts: a Lead turned Contact, or a record named anew, starts over.
func removedFields(policy sfv1.RemovedFieldsPolicy, rec *managedRecord, sobject, id string, body map[string]any) []string {
	if policy != sfv1.RemovedFieldsClear || rec == nil || rec.Type != sobject || rec.ID != id {
		return nil
	}
	planned := make(map[string]bool, len(body))
	for f := range body {
		planned[strings.ToLower(f)] = true
	}
	var out []string
	for _, f := range rec.Fields {
		if !planned[strings.ToLower(f)] && !neverCleared(sobject, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// withCleared is the body with each cleared field set to null, leaving the plan's map alone.
func withCleared(body map[string]any, cleared []string) map[string]any {
	if len(cleared) == 0 {
		return body
	}
	out := maps.Clone(body)
	for _, f := range cleared {
		out[f] = nil
	}
	return out
}

// updateBody is what an update of a managed record sends: the planned fields, and null for
// those that left the plan when the destination clears them.
func (s *identitySync) updateBody(key, sobject, id string, fields map[string]any) map[string]any {
	return withCleared(fields, removedFields(removedFieldsPolicy(s.dest), s.state.find(key), sobject, id, fields))
}

// send updates a managed record: with the changes of the plan an Observe pass recorded for
// exactly this spec and record, when there is one (nothing at all when it found none);
// otherwise with updateBody.
func (s *identitySync) send(ctx context.Context, key, sobject, id string, fields map[string]any) (sfv1.RecordOperation, error) {
	body := s.updateBody(key, sobject, id, fields)
	if changes, ok := s.state.Planned.changesFor(s.hash, key, sobject, id); ok {
		body = onlyFields(body, changes)
		if len(body) == 0 {
			return sfv1.RecordUnchanged, nil
		}
	}
	if err := s.ext.Update(ctx, sobject, id, body); err != nil {
		return "", err
	}
	return sfv1.RecordUpdated, nil
}

// recordManagedFields notes on each record this reconcile wrote the fields the plan sends it,
// the ones it manages from now on.
func (s *identitySync) recordManagedFields(plan mapping.Plan) {
	for _, w := range s.plannedWrites(plan) {
		if _, wrote := s.done[w.key]; !wrote {
			continue
		}
		if rec := s.state.find(w.key); rec != nil {
			rec.Fields = fieldNames(w.target.Fields)
		}
	}
}
