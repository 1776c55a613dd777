package controllers

import (
	"context"
	"strings"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// checkPlan refuses, before any write, the bodies the org is bound to refuse (mapping.CheckPlan):
// fields the object lacks and text values longer than their field. The object's describe is
// read once per client, and again when a field seems missing, since it may have been added.
func (s *identitySync) checkPlan(ctx context.Context, plan mapping.Plan) error {
	useContact := s.dest.Spec.UseContactIDForConvertedLeads
	return mapping.CheckPlan(plan, useContact, func(object string, fresh bool) (mapping.Describe, error) {
		fields, err := s.conn.client.DescribeFields(ctx, object, fresh)
		if err != nil {
			return nil, err
		}
		return mappingDescribe(fields), nil
	})
}

// mappingDescribe keeps what the check needs: the names, and the lengths of text fields (the
// describe gives other types a length the check must not apply, 18 for an id).
func mappingDescribe(fields map[string]salesforce.DescribedField) mapping.Describe {
	d := make(mapping.Describe, len(fields))
	for key, f := range fields {
		spec := mapping.FieldSpec{Name: f.Name}
		if f.Textual() {
			spec.Length = f.Length
		}
		d[key] = spec
	}
	return d
}

// withPlanNotes tells, in an in-sync message, which traits the mapping left out and why, so a
// user whose trait never shows up in Salesforce learns the reason where they look.
func withPlanNotes(o outcome, plan mapping.Plan) outcome {
	if plan.Lead == nil || len(plan.Lead.Unwritten) == 0 {
		return o
	}
	notes := make([]string, len(plan.Lead.Unwritten))
	for i, u := range plan.Lead.Unwritten {
		notes[i] = u.String()
	}
	o.message += "; " + strings.Join(notes, "; ")
	return o
}
