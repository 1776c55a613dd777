package controllers

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// managementPolicy Observe runs the first half of Apply: the same lookups (the email lookup,
// the externalId and remembered IDs) and a read of the planned fields through the drift reads'
// batches, then reports in status.plan what Apply would send instead of sending it.

// observedPlan is what an Observe pass found, kept in the state so that the Apply after it
// sends exactly the changes shown, and nothing when it showed none.
type observedPlan struct {
	// Hash is the plan (spec and destination settings) the changes were computed for.
	Hash string `json:"hash"`
	// Records are the records found and the fields that differ (clears included).
	Records []observedRecord `json:"records,omitempty"`
}

type observedRecord struct {
	Key     string   `json:"key"`
	Type    string   `json:"type"`
	ID      string   `json:"id"`
	Changes []string `json:"changes,omitempty"`
}

// changesFor returns the fields the observed plan would change on the record, if that plan
// was computed for hash and found this very record.
func (p *observedPlan) changesFor(hash, key, sobject, id string) ([]string, bool) {
	if p == nil || p.Hash != hash {
		return nil, false
	}
	for _, r := range p.Records {
		if r.Key == key && r.Type == sobject && r.ID == id {
			return r.Changes, true
		}
	}
	return nil, false
}

// onlyFields keeps the named fields of a body.
func onlyFields(body map[string]any, names []string) map[string]any {
	out := make(map[string]any, len(names))
	for _, n := range names {
		if v, ok := body[n]; ok {
			out[n] = v
		}
	}
	return out
}

// managementPolicy is the identity's own policy, else its destination's default, else Apply.
func managementPolicy(obj *sfv1.SalesforceIdentity, dest *sfv1.SalesforceDestination) sfv1.ManagementPolicy {
	switch {
	case obj.Spec.ManagementPolicy != "":
		return obj.Spec.ManagementPolicy
	case dest != nil && dest.Spec.DefaultManagementPolicy != "":
		return dest.Spec.DefaultManagementPolicy
	}
	return sfv1.ManagementApply
}

// observes reports whether the identity only observes, for a deletion, which must not write
// either. A destination that cannot be read leaves the identity's own policy.
func (r *IdentityReconciler) observes(ctx context.Context, obj *sfv1.SalesforceIdentity) bool {
	dest := &sfv1.SalesforceDestination{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: obj.Namespace, Name: obj.Spec.DestinationRef.Name}, dest); err != nil {
		dest = nil
	}
	return managementPolicy(obj, dest) == sfv1.ManagementObserve
}

// observedTarget is one record of the plan as found: id is empty when Apply would create it.
type observedTarget struct {
	key, sobject, id string
	desired          map[string]any
}

// observe is one Observe reconcile: the plan is refreshed when the spec or the destination
// settings changed since it was computed, and at the drift interval; otherwise the status
// stands.
func (s *identitySync) observe(ctx context.Context, plan mapping.Plan) verdict {
	fresh := s.state.Planned != nil && s.state.Planned.Hash == s.hash && s.obj.Status.ObservedGeneration == s.generation &&
		readyReason(s.obj.Status.Conditions) == sfv1.ReasonPlanned
	if next := decide(s.facts(fresh), s.now); next.step == stepNone {
		return verdict{outcome: plannedOutcome(s.obj.Status.Plan), result: ctrl.Result{RequeueAfter: next.requeueAfter}}
	}
	if err := s.checkBudget(); err != nil {
		return classify(err)
	}
	targets, err := s.findRecords(ctx, plan)
	if err == nil {
		err = s.readPlan(ctx, targets)
	}
	if perr := s.saveState(ctx); err == nil {
		err = perr
	}
	if err != nil {
		return classify(err)
	}
	s.obj.Status.LastDriftCheckTime = &metav1.Time{Time: s.now}
	return verdict{outcome: plannedOutcome(s.obj.Status.Plan), result: ctrl.Result{RequeueAfter: decide(s.facts(true), s.now).requeueAfter}}
}

// findRecords finds each record of the plan as Apply would, remembering those found (never as
// created): the Apply that follows updates them without looking again.
func (s *identitySync) findRecords(ctx context.Context, plan mapping.Plan) ([]observedTarget, error) {
	if plan.Lead != nil {
		t, err := s.findLead(ctx, plan.Lead)
		return []observedTarget{t}, err
	}
	out := make([]observedTarget, len(plan.Targets))
	for i, t := range plan.Targets {
		key := externalIDKey(i)
		out[i] = observedTarget{key: key, sobject: t.SObject, id: t.ID, desired: t.Fields}
		if rec := s.state.find(key); t.ID == "" && rec != nil && rec.Type == t.SObject {
			out[i].id = rec.ID
		}
	}
	return out, nil
}

// findLead is Apply's Lead flow without its writes: the remembered Lead (or converted
// Contact), else the one Lead with the email, else a Lead to create.
func (s *identitySync) findLead(ctx context.Context, lp *mapping.LeadPlan) (observedTarget, error) {
	lead := observedTarget{key: leadKey, sobject: "Lead", desired: lp.LeadFields}
	if rec := s.state.find(leadKey); rec != nil && (rec.Type == "Lead" || s.dest.Spec.UseContactIDForConvertedLeads) {
		if rec.Type == "Contact" {
			if lp.ContactError != nil {
				return lead, lp.ContactError
			}
			return observedTarget{key: leadKey, sobject: "Contact", id: rec.ID, desired: lp.ContactFields}, nil
		}
		lead.id = rec.ID
		return lead, nil
	}
	live, err := s.ext.ObserveLeads(ctx, lp.Email)
	switch {
	case err != nil:
		return lead, err
	case len(live) == 0:
		return lead, nil
	case len(live) > 1:
		return lead, multipleLeads(lp, live)
	case !live[0].IsConverted:
		s.state.set(managedRecord{Key: leadKey, Type: "Lead", ID: live[0].ID})
		lead.id = live[0].ID
		return lead, nil
	}
	if err := s.convertedContact(lp, live[0]); err != nil {
		return lead, err
	}
	s.state.set(managedRecord{Key: leadKey, Type: "Contact", ID: live[0].ConvertedContactID})
	return observedTarget{key: leadKey, sobject: "Contact", id: live[0].ConvertedContactID, desired: lp.ContactFields}, nil
}

// readPlan reads what Salesforce holds in the fields each found record would be sent, and in
// those a clear would null, through the drift reads' batches; the first pass starts the read
// and returns quietly, the pass its answer wakes writes the plan.
func (s *identitySync) readPlan(ctx context.Context, targets []observedTarget) error {
	policy := removedFieldsPolicy(s.dest)
	cleared := make([][]string, len(targets))
	var reads []recordFields
	var readOf []int
	for i, t := range targets {
		if t.id == "" {
			continue
		}
		cleared[i] = removedFields(policy, s.state.find(t.key), t.sobject, t.id, t.desired)
		if names := append(fieldNames(t.desired), cleared[i]...); len(names) > 0 {
			reads = append(reads, recordFields{sobject: t.sobject, id: t.id, fields: names})
			readOf = append(readOf, i)
		}
	}
	got := make([]salesforce.Record, len(targets))
	if len(reads) > 0 {
		ext := s.ext
		records, err, answered := s.r.drift.Result(client.ObjectKeyFromObject(s.obj), s.obj.UID, "plan "+describeReads(reads), time.Time{},
			func(ctx context.Context) ([]salesforce.Record, error) { return ext.ObserveFields(ctx, reads) })
		if !answered {
			return waitQuietly(s.r.drift.Timeout() + time.Minute)
		}
		if err != nil {
			return err
		}
		for j, i := range readOf {
			if records[j] == nil {
				return s.recordGone(targets[i])
			}
			got[i] = records[j]
		}
	}
	s.obj.Status.Plan = planStatus(targets, got, cleared)
	s.state.Planned = observedPlanOf(s.hash, targets, s.obj.Status.Plan)
	if hasChanges(s.obj.Status.Plan) {
		// Apply must send the plan even if an earlier Apply wrote this very spec.
		s.state.Hash = ""
	}
	return nil
}

// recordGone handles a found record that is no longer in Salesforce: a remembered one is
// forgotten and looked for again, as Apply would; one the spec names cannot be planned.
func (s *identitySync) recordGone(t observedTarget) error {
	if rec := s.state.find(t.key); rec != nil && rec.ID == t.id {
		s.state.remove(t.key)
		return waitQuietly(time.Second)
	}
	return &syncFailure{outcome: outcome{reason: sfv1.ReasonSalesforceRejected, stalled: true,
		message: fmt.Sprintf("%s %s, named by the spec, does not exist in Salesforce; nothing can be planned for it", t.sobject, t.id)}}
}
