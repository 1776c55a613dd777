package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// plannedWrite is one record the plan keeps in sync.
type plannedWrite struct {
	key    string
	target mapping.Target
}

func (s *identitySync) apply(ctx context.Context, plan mapping.Plan) error {
	if err := s.checkPlan(ctx, plan); err != nil {
		return err
	}
	if plan.Lead != nil {
		return s.syncLead(ctx, plan.Lead)
	}
	for i, t := range plan.Targets {
		if err := s.syncTarget(ctx, i, t); err != nil {
			return fmt.Errorf("externalId[%d] %s: %w", i, t.SObject, err)
		}
	}
	return nil
}

// syncLead is the Lead flow (rudder-semantics Part A §3–§5): PATCH the known record; look the
// Lead up by email only when no ID is known or the known record is gone.
func (s *identitySync) syncLead(ctx context.Context, lp *mapping.LeadPlan) error {
	if done, err := s.updateKnownLead(ctx, lp); done || err != nil {
		return err
	}
	s.state.remove(leadKey)
	if err := s.awaitLostLead(); err != nil {
		return err
	}
	live, err := s.ext.ObserveLeads(ctx, lp.Email)
	if err != nil {
		return err
	}
	switch len(live) {
	case 0:
		return s.createLead(ctx, lp)
	case 1:
		return s.updateFoundLead(ctx, lp, live[0])
	}
	return multipleLeads(lp, live)
}

// multipleLeads is the failure of a lookup that found several Leads: Apply and Observe both
// stop there.
func multipleLeads(lp *mapping.LeadPlan, live []salesforce.LeadMatch) error {
	ids := make([]string, len(live))
	for i, m := range live {
		ids[i] = m.ID
	}
	return &syncFailure{outcome: outcome{reason: sfv1.ReasonMultipleLeadsFound, stalled: true,
		message: fmt.Sprintf("%d Leads have email %q (%s); nothing was written. Merge them in Salesforce or name the record with an externalId",
			len(live), lp.Email, strings.Join(ids, ", "))}, requeueAfter: 10 * time.Minute}
}

// updateKnownLead PATCHes the Lead (or converted Contact) the state names. done=false means
// there is none, or it was deleted or converted since: the caller finds out what it is now.
func (s *identitySync) updateKnownLead(ctx context.Context, lp *mapping.LeadPlan) (bool, error) {
	rec := s.state.find(leadKey)
	if rec == nil || (rec.Type != "Lead" && !s.dest.Spec.UseContactIDForConvertedLeads) {
		return false, nil
	}
	fields := lp.LeadFields
	if rec.Type == "Contact" {
		if lp.ContactError != nil {
			return true, lp.ContactError
		}
		fields = lp.ContactFields
	}
	op, err := s.send(ctx, leadKey, rec.Type, rec.ID, fields)
	switch {
	case err == nil:
		s.done[leadKey] = op
		return true, nil
	case salesforce.IsNotFound(err), salesforce.IsConvertedLead(err):
		return false, nil
	}
	return true, err
}

// awaitLostLead holds the lookup while a create of this Lead whose answer was lost may still
// land; once it cannot, the lookup finds it if it did.
func (s *identitySync) awaitLostLead() error {
	wait := s.r.leads.WaitForLost(s.obj.UID) // a lost answer whose marker could not be written
	if p := s.state.Pending; p != nil && p.Key == leadKey {
		wait = max(wait, s.pendingWait(p))
		if wait <= 0 {
			s.state.Pending = nil
		}
	}
	if wait <= 0 {
		return nil
	}
	return &syncFailure{outcome: outcome{reason: sfv1.ReasonSalesforceUnavailable, progressing: true,
		message: "A create of the Lead got no answer; looking it up by email once requests in flight have ended"},
		requeueAfter: wait}
}

// createLead creates the Lead no lookup found. An earlier controller process may have sent
// this very create just before it stopped; until that can no longer land the create waits,
// quietly: it lasts seconds, once per restart.
func (s *identitySync) createLead(ctx context.Context, lp *mapping.LeadPlan) error {
	if wait := s.r.leads.HoldUntil(s.dest).Sub(s.now); wait > 0 {
		return waitQuietly(wait)
	}
	id, err := s.create(ctx, leadKey, "Lead", lp.LeadFields)
	if err != nil {
		return err
	}
	s.state.set(managedRecord{Key: leadKey, Type: "Lead", ID: id, Created: true})
	s.done[leadKey] = sfv1.RecordCreated
	return nil
}

func (s *identitySync) updateFoundLead(ctx context.Context, lp *mapping.LeadPlan, m salesforce.LeadMatch) error {
	if !m.IsConverted {
		if err := s.ext.Update(ctx, "Lead", m.ID, lp.LeadFields); err != nil {
			return err
		}
		s.state.set(managedRecord{Key: leadKey, Type: "Lead", ID: m.ID})
		s.done[leadKey] = sfv1.RecordUpdated
		return nil
	}
	if err := s.convertedContact(lp, m); err != nil {
		return err
	}
	if err := s.ext.Update(ctx, "Contact", m.ConvertedContactID, lp.ContactFields); err != nil {
		return err
	}
	s.state.set(managedRecord{Key: leadKey, Type: "Contact", ID: m.ConvertedContactID})
	s.done[leadKey] = sfv1.RecordUpdated
	return nil
}

// convertedContact says why the Contact of a converted Lead cannot be written, if it cannot:
// Apply and Observe both stop there.
func (s *identitySync) convertedContact(lp *mapping.LeadPlan, m salesforce.LeadMatch) error {
	if !s.dest.Spec.UseContactIDForConvertedLeads {
		return &syncFailure{outcome: outcome{reason: sfv1.ReasonLeadConverted, stalled: true,
			message: fmt.Sprintf("Lead %s with email %q was converted, and Salesforce refuses updates to converted leads; set useContactIdForConvertedLeads on SalesforceDestination %q to write its Contact instead",
				m.ID, lp.Email, s.dest.Name)}}
	}
	if m.ConvertedContactID == "" {
		return &syncFailure{outcome: outcome{reason: sfv1.ReasonConvertedContactMissing, stalled: true,
			message: fmt.Sprintf("Lead %s with email %q is converted but has no ConvertedContactId; nothing was written", m.ID, lp.Email)},
			requeueAfter: 10 * time.Minute}
	}
	if lp.ContactError != nil {
		return lp.ContactError
	}
	return nil
}

// syncTarget writes one Salesforce-X externalId entry: PATCH the named or remembered record,
// or create one and remember its ID before the reconcile returns.
func (s *identitySync) syncTarget(ctx context.Context, i int, t mapping.Target) error {
	key := externalIDKey(i)
	if t.ID != "" {
		op, err := s.send(ctx, key, t.SObject, t.ID, t.Fields)
		if err != nil {
			return err
		}
		s.state.set(managedRecord{Key: key, Type: t.SObject, ID: t.ID})
		// A record the spec names is the user's, even one this identity once created: no
		// deletion policy ever deletes it.
		s.state.find(key).Created = false
		s.done[key] = op
		return nil
	}
	if rec := s.state.find(key); rec != nil && rec.Type == t.SObject {
		op, err := s.send(ctx, key, t.SObject, rec.ID, t.Fields)
		if err == nil {
			s.done[key] = op
			return nil
		}
		if !salesforce.IsNotFound(err) {
			return err
		}
		// The record was deleted in Salesforce: the spec still wants it, so create it again.
	}
	s.state.remove(key)
	if p := s.state.Pending; p != nil && p.Key == key {
		adopted, err := s.adoptLostCreate(ctx, i, t, p)
		if adopted || err != nil {
			return err
		}
	}
	id, err := s.create(ctx, key, t.SObject, t.Fields)
	if err != nil {
		return err
	}
	s.state.set(managedRecord{Key: key, Type: t.SObject, ID: id, Created: true})
	s.done[key] = sfv1.RecordCreated
	return s.saveState(ctx)
}

// adoptLostCreate settles a create of the target whose outcome was never recorded. When it
// did reach Salesforce, the record is adopted as the identity's and brought up to date.
func (s *identitySync) adoptLostCreate(ctx context.Context, i int, t mapping.Target, p *pendingCreate) (bool, error) {
	landed, err := s.resolvePending(ctx, i, t, p)
	if err != nil {
		return false, err
	}
	s.state.Pending = nil
	if landed == "" {
		return false, nil
	}
	// The adoption is stored first: the update may change the very values the record was
	// found by, and a marker left behind would not find it again.
	key := externalIDKey(i)
	s.state.set(managedRecord{Key: key, Type: t.SObject, ID: landed, Created: true})
	if err := s.saveState(ctx); err != nil {
		return true, err
	}
	if err := s.ext.Update(ctx, t.SObject, landed, t.Fields); err != nil {
		return true, err
	}
	s.done[key] = sfv1.RecordCreated
	return true, nil
}

// create sends a create behind crossplane's pending-create guard: the marker is stored, with
// an optimistic lock so a stale view of the object cannot send a second create, before the
// request goes out, and cleared once Salesforce has answered either way. A Lead, found again
// by email, relies on the destination-wide mark instead, and gets a marker only when its
// answer is lost.
func (s *identitySync) create(ctx context.Context, key, sobject string, fields map[string]any) (string, error) {
	pending := &pendingCreate{Key: key, Type: sobject, Since: metav1.Time{Time: s.now}}
	lead := key == leadKey
	if lead {
		if err := s.r.leads.BeforeCreate(ctx, s.dest); err != nil {
			return "", err
		}
	} else {
		pending.Match = salesforce.MatchFields(fields)
		s.state.Pending = pending
		if err := s.saveState(ctx); err != nil {
			s.state.Pending = nil
			return "", err
		}
	}
	id, lost, err := s.ext.Create(ctx, sobject, fields)
	if lead {
		s.r.leads.Sent(s.dest, !lost)
	}
	if !lost {
		s.state.Pending = nil
		if err != nil {
			return "", err
		}
		return id, nil
	}
	// Remembered in memory as well: if the marker's Unanswered time cannot be written, the
	// marker alone would count the wait from before the create waited for its batch.
	s.r.leads.LostAnswer(s.obj.UID)
	pending.Unanswered = &metav1.Time{Time: s.r.now()}
	s.state.Pending = pending
	return "", err
}

// resolvePending finds out whether a create whose outcome was never recorded reached
// Salesforce, so the controller neither duplicates it nor gives up: crossplane stops at this
// point and asks a human. It waits until any request still in flight must have finished, then
// looks for a record of the type with the planned field values created since the marker.
// One match is the lost record; none means it never arrived; several, or no field to match
// by, leave the decision to a person.
func (s *identitySync) resolvePending(ctx context.Context, i int, t mapping.Target, p *pendingCreate) (string, error) {
	if wait := s.pendingWait(p); wait > 0 {
		return "", &syncFailure{outcome: outcome{reason: sfv1.ReasonSalesforceUnavailable, progressing: true,
			message: fmt.Sprintf("A create of %s for externalId[%d] got no answer; checking whether it reached Salesforce once requests in flight have ended", p.Type, i)},
			requeueAfter: wait}
	}
	incomplete := func(detail string) error {
		return &syncFailure{outcome: outcome{reason: sfv1.ReasonCreateIncomplete, stalled: true,
			message: fmt.Sprintf("A create of %s for externalId[%d] was sent at %s but its outcome was never recorded, and %s. "+
				"Check Salesforce: to adopt a record set its ID as spec.externalId[%d].id (the annotation does not accept IDs); to create it anew remove the \"pending\" entry from the %s annotation",
				p.Type, i, p.Since.UTC().Format(time.RFC3339), detail, i, sfv1.AnnotationState)}}
	}
	match := p.Match
	if len(match) == 0 {
		match = salesforce.MatchFields(t.Fields)
	}
	// A minute of margin for the difference between our clock and Salesforce's.
	ids, err := s.ext.ObserveLostCreate(ctx, t.SObject, match, p.Since.Add(-time.Minute))
	switch {
	case errors.Is(err, salesforce.ErrNoMatchableFields):
		return "", incomplete("its fields give nothing to look it up by")
	case err != nil && salesforce.IsPermanent(err):
		return "", incomplete(fmt.Sprintf("looking it up failed: %v", err))
	case err != nil:
		return "", err
	case len(ids) > 1:
		return "", incomplete(fmt.Sprintf("%d records match it (%s)", len(ids), strings.Join(ids, ", ")))
	case len(ids) == 1:
		return ids[0], nil
	}
	return "", nil
}

// pendingWait is how long a lost create may still land. Counted from when it came back
// unanswered or, for a create another process sent before it stopped, from when this
// process started: that process's requests ended with it.
func (s *identitySync) pendingWait(p *pendingCreate) time.Duration {
	from := p.Since.Time
	if p.Unanswered != nil && p.Unanswered.After(from) {
		from = p.Unanswered.Time
	}
	if started := s.r.leads.StartTime(); p.Unanswered == nil && started.After(from) {
		from = started
	}
	return max(from.Add(s.r.pendingGrace()).Sub(s.now), s.r.leads.WaitForLost(s.obj.UID))
}

// checkDrift reads the managed fields back and re-applies those someone changed in Salesforce.
// The read happens outside this reconcile (see internal/driftreads): the first pass starts it and
// returns quietly, the pass its answer wakes compares and corrects.
func (s *identitySync) checkDrift(ctx context.Context, plan mapping.Plan) error {
	var writes []plannedWrite
	var reads []recordFields
	for _, w := range s.plannedWrites(plan) {
		if len(w.target.Fields) == 0 {
			continue
		}
		rec := s.state.find(w.key)
		writes = append(writes, w)
		reads = append(reads, recordFields{sobject: rec.Type, id: rec.ID, fields: fieldNames(w.target.Fields)})
	}
	if len(reads) == 0 {
		return nil
	}
	// A read sent before a lost write could no longer land proves nothing about it.
	var since time.Time
	if s.state.VerifyAfter != nil {
		since = s.state.VerifyAfter.Time
	}
	ext := s.ext
	records, err, answered := s.r.drift.Result(client.ObjectKeyFromObject(s.obj), s.obj.UID, describeReads(reads), since,
		func(ctx context.Context) ([]salesforce.Record, error) { return ext.ObserveFields(ctx, reads) })
	if !answered {
		// The answer queues the identity again; this requeue only covers a lost wake-up.
		return waitQuietly(s.r.drift.Timeout() + time.Minute)
	}
	if err != nil {
		return err
	}
	for i, w := range writes {
		if records[i] == nil {
			// Gone from Salesforce: the normal path recreates or finds it again.
			s.state.Hash = ""
			return s.apply(ctx, plan)
		}
		if err := s.correctDrift(ctx, w, records[i]); err != nil {
			return err
		}
	}
	return nil
}

// correctDrift re-applies the fields of one record that differ from the plan.
func (s *identitySync) correctDrift(ctx context.Context, w plannedWrite, got salesforce.Record) error {
	drifted := driftedFields(w.target.Fields, got)
	if len(drifted) == 0 {
		return nil
	}
	rec := s.state.find(w.key)
	patch := make(map[string]any, len(drifted))
	for _, f := range drifted {
		patch[f] = w.target.Fields[f]
	}
	if err := s.ext.Update(ctx, rec.Type, rec.ID, patch); err != nil {
		return err
	}
	s.done[w.key] = sfv1.RecordUpdated
	s.r.metrics.observeDriftCorrection(client.ObjectKeyFromObject(s.dest))
	s.r.Recorder.Eventf(s.obj, nil, corev1.EventTypeNormal, "DriftCorrected", "Sync", "%s", driftMessage(rec.Type, rec.ID, drifted))
	return nil
}

// writes lists the records the plan keeps in sync, with the fields sent to each. For the Lead
// flow the body depends on whether the record is the Lead or its converted Contact.
func (s *identitySync) plannedWrites(plan mapping.Plan) []plannedWrite {
	if plan.Lead != nil {
		t := mapping.Target{SObject: "Lead", Fields: plan.Lead.LeadFields}
		if rec := s.state.find(leadKey); rec != nil && rec.Type == "Contact" {
			t = mapping.Target{SObject: "Contact", Fields: plan.Lead.ContactFields}
		}
		return []plannedWrite{{key: leadKey, target: t}}
	}
	out := make([]plannedWrite, len(plan.Targets))
	for i, t := range plan.Targets {
		out[i] = plannedWrite{key: externalIDKey(i), target: t}
	}
	return out
}

// complete reports whether the state knows a record for every write of the plan.
func (s *identitySync) complete(plan mapping.Plan) bool {
	for _, w := range s.plannedWrites(plan) {
		rec := s.state.find(w.key)
		if rec == nil || (w.target.ID != "" && rec.ID != w.target.ID) {
			return false
		}
	}
	return true
}

func planKeys(plan mapping.Plan) map[string]bool {
	keys := map[string]bool{}
	if plan.Lead != nil {
		keys[leadKey] = true
	}
	for i := range plan.Targets {
		keys[externalIDKey(i)] = true
	}
	return keys
}

func describeReads(reads []recordFields) string {
	var b strings.Builder
	for _, r := range reads {
		b.WriteString(r.sobject)
		b.WriteByte('/')
		b.WriteString(r.id)
		b.WriteByte(':')
		b.WriteString(strings.Join(r.fields, ","))
		b.WriteByte(';')
	}
	return b.String()
}
