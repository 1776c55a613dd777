package controllers

import (
	"encoding/json"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// planValueMax bounds each value shown in status.plan: Salesforce text fields hold up to
// 131,072 characters, and a status holding a hundred of them would no longer fit in etcd.
const planValueMax = 256

// planStatus is status.plan: per record, Create with every field it would send, or the fields
// whose values differ (got is what Salesforce holds) and those a clear would null.
func planStatus(targets []observedTarget, got []salesforce.Record, cleared [][]string) []sfv1.PlannedRecord {
	out := make([]sfv1.PlannedRecord, 0, len(targets))
	for i, t := range targets {
		pr := sfv1.PlannedRecord{Action: sfv1.PlanCreate, ObjectType: t.sobject, ID: t.id}
		if t.id == "" {
			for _, f := range fieldNames(t.desired) {
				pr.Changes = append(pr.Changes, sfv1.FieldChange{Field: f, Desired: planValue(t.desired[f])})
			}
			out = append(out, pr)
			continue
		}
		current := make(map[string]any, len(got[i]))
		for k, v := range got[i] {
			current[strings.ToLower(k)] = v
		}
		for _, f := range driftedFields(t.desired, got[i]) {
			pr.Changes = append(pr.Changes, sfv1.FieldChange{Field: f,
				Current: planValue(current[strings.ToLower(f)]), Desired: planValue(t.desired[f])})
		}
		for _, f := range cleared[i] {
			if v := current[strings.ToLower(f)]; v != nil {
				pr.Changes = append(pr.Changes, sfv1.FieldChange{Field: f, Current: planValue(v)})
			}
		}
		sort.Slice(pr.Changes, func(a, b int) bool { return pr.Changes[a].Field < pr.Changes[b].Field })
		pr.Action = sfv1.PlanNone
		if len(pr.Changes) > 0 {
			pr.Action = sfv1.PlanUpdate
		}
		out = append(out, pr)
	}
	return out
}

// planValue renders a value for status.plan; null is absent. A value too long to show is cut
// (as a string), as much as its escaping needs.
func planValue(v any) *apiextensionsv1.JSON {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err == nil && len(raw) <= planValueMax+2 {
		return &apiextensionsv1.JSON{Raw: raw}
	}
	src, ok := v.(string)
	if !ok {
		src = string(raw)
	}
	for n := planValueMax; ; n /= 2 {
		if raw, _ = json.Marshal(truncate(src, n)); len(raw) <= planValueMax+2 {
			return &apiextensionsv1.JSON{Raw: raw}
		}
	}
}

// observedPlanOf is what the state keeps of a plan: for each record found, the fields to send.
func observedPlanOf(hash string, targets []observedTarget, plan []sfv1.PlannedRecord) *observedPlan {
	p := &observedPlan{Hash: hash}
	for i, t := range targets {
		if t.id == "" {
			continue
		}
		rec := observedRecord{Key: t.key, Type: t.sobject, ID: t.id}
		for _, c := range plan[i].Changes {
			rec.Changes = append(rec.Changes, c.Field)
		}
		p.Records = append(p.Records, rec)
	}
	return p
}

func hasChanges(plan []sfv1.PlannedRecord) bool {
	for _, pr := range plan {
		if pr.Action != sfv1.PlanNone {
			return true
		}
	}
	return false
}

// plannedOutcome is Ready with reason Planned and a message that says what Apply would do.
func plannedOutcome(plan []sfv1.PlannedRecord) outcome {
	parts := make([]string, 0, len(plan))
	for _, pr := range plan {
		switch pr.Action {
		case sfv1.PlanCreate:
			parts = append(parts, "would create a "+pr.ObjectType)
		case sfv1.PlanUpdate:
			fields := make([]string, len(pr.Changes))
			for i, c := range pr.Changes {
				fields[i] = c.Field
			}
			parts = append(parts, "would update "+strings.Join(fields, ", ")+" of "+pr.ObjectType+" "+pr.ID)
		default:
			parts = append(parts, pr.ObjectType+" "+pr.ID+" unchanged")
		}
	}
	return outcome{ready: true, reason: sfv1.ReasonPlanned,
		message: "Observe only, nothing written: " + strings.Join(parts, "; ")}
}
