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
		fields, err := s.ext.ObserveSchema(ctx, object, fresh)
		if err != nil {
			return nil, err
		}
		return mappingDescribe(fields), nil
	})
}

// mappingDescribe keeps what the check needs: names and lengths (0 for numbers, dates and
// booleans, which have none).
func mappingDescribe(fields map[string]salesforce.DescribedField) mapping.Describe {
	d := make(mapping.Describe, len(fields))
	for key, f := range fields {
		d[key] = mapping.FieldSpec{Name: f.Name, Length: f.Length}
	}
	return d
}

// withPlanNotes tells, in an in-sync message, which traits the mapping left out of the record
// written (the Lead, or the Contact a converted Lead is routed to) and why, so a user whose
// trait never shows up in Salesforce learns the reason where they look.
func (s *identitySync) withPlanNotes(o outcome, plan mapping.Plan) outcome {
	if plan.Lead == nil {
		return o
	}
	object := "Lead"
	if rec := s.state.find(leadKey); rec != nil {
		object = rec.Type
	}
	var notes []string
	for _, u := range plan.Lead.Unwritten {
		if u.Object == object {
			notes = append(notes, u.String())
		}
	}
	if len(notes) > 0 {
		o.message += "; " + strings.Join(notes, "; ")
	}
	return o
}
