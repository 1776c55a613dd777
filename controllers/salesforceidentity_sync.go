package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// defaultDriftInterval applies when a destination does not say.
const defaultDriftInterval = time.Hour

// identitySync is one reconcile of one identity: the plan, the state it started from, and what
// it did.
type identitySync struct {
	r   *IdentityReconciler
	obj *sfv1.SalesforceIdentity
	// base is what the status patch is computed against: the cached object, refreshed with
	// the stored one whenever this reconcile writes metadata.
	base  *sfv1.SalesforceIdentity
	state syncState
	now   time.Time
	// generation is that of the spec this reconcile acts on. obj may be refreshed with a
	// newer one on the way (a state write that met a concurrent edit is retried on the
	// stored object); that spec is not in sync until a reconcile of its own says so.
	generation int64

	dest *sfv1.SalesforceDestination
	conn *connection
	// done records what this reconcile did to each record key.
	done map[string]sfv1.RecordOperation
	// driftOnly: the spec was already in sync; this reconcile checks for drift.
	driftOnly bool
	// quiet: the reconcile only waits for the destination's client to be rebuilt after a
	// restart; the identity's conditions are left as they are.
	quiet bool
}

// plannedWrite is one record the plan keeps in sync.
type plannedWrite struct {
	key    string
	target mapping.Target
}

func (s *identitySync) run(ctx context.Context) (outcome, ctrl.Result, error) {
	s.done = map[string]sfv1.RecordOperation{}
	if o, res, ok := s.connect(ctx); !ok {
		return o, res, nil
	}
	plan, err := mapping.Build(traitsJSON(s.obj), externalIDs(s.obj), settings(s.dest))
	if err != nil {
		return classify(err)
	}
	hash, destSettings := s.planHash(plan), settingsDigest(s.dest)
	s.state.keep(planKeys(plan))
	interval := driftInterval(s.dest)
	checked := s.lastChecked()
	driftDue := driftCheckDue(checked, interval, s.now) ||
		(s.state.VerifyAfter != nil && !s.now.Before(s.state.VerifyAfter.Time))
	upToDate := s.state.Hash == hash && s.complete(plan) && s.state.Pending == nil

	if upToDate && !driftDue {
		// A spec edit that leaves the plan as it was, or a state from before the state named
		// its generation and settings: recorded, so the identity counts as in sync.
		if s.state.Generation != s.generation || s.state.Settings != destSettings {
			s.state.Generation, s.state.Settings = s.generation, destSettings
			if err := s.persist(ctx); err != nil {
				return outcome{}, ctrl.Result{}, err
			}
		}
		s.writeRecords(plan, false)
		s.obj.Status.LastDriftCheckTime = checked
		return s.synced(), ctrl.Result{RequeueAfter: s.untilDriftCheck(interval)}, nil
	}
	budget := apiBudget{percent: budgetPercent(s.dest)}
	if exhausted, used, max := budget.exhausted(s.conn.client); exhausted {
		retry := s.now.Add(retryAfterBudget).UTC().Format(time.RFC3339)
		return outcome{reason: sfv1.ReasonAPIBudgetExhausted, progressing: true,
			message: fmt.Sprintf("Destination %q used its API budget (%d%% of the org's daily allowance: %d of %d calls used); retrying at %s",
				s.dest.Name, budget.percent, used, max, retry)}, ctrl.Result{RequeueAfter: retryAfterBudget}, nil
	}

	if upToDate {
		s.driftOnly = true
		err = s.checkDrift(ctx, plan)
	} else {
		err = s.apply(ctx, plan)
	}
	if used, max, ok := s.conn.client.APIUsage(); ok {
		s.r.metrics.setAPIUsage(client.ObjectKeyFromObject(s.dest), used, max)
	}
	// Whatever happened, the IDs learnt so far are recorded before the reconcile returns.
	s.stampWrites()
	switch {
	case err == nil:
		s.state.Hash, s.state.Generation, s.state.Settings = hash, s.generation, destSettings
		if !s.driftOnly || len(s.done) > 0 {
			// A read-back that found nothing to fix is recorded in status only, which saves
			// a write per identity per drift round.
			s.state.CheckedAt = &metav1.Time{Time: s.now}
		}
		if s.state.VerifyAfter != nil && !s.now.Before(s.state.VerifyAfter.Time) {
			s.state.VerifyAfter = nil // this reconcile wrote or read everything after the grace
		}
	case outcomeUnknown(err):
		s.state.VerifyAfter = verifyAfter(s.state.VerifyAfter, s.r.now(), s.r.pendingGrace())
	}
	if perr := s.persist(ctx); perr != nil {
		return outcome{}, ctrl.Result{}, errors.Join(err, perr)
	}
	if err != nil {
		if apierrors.IsConflict(err) {
			return outcome{}, ctrl.Result{}, err
		}
		if salesforce.IsAuth(err) {
			// The client already tried one fresh login; let the destination find out why.
			s.r.registry.invalidate(client.ObjectKeyFromObject(s.dest), s.conn)
		}
		s.writeRecords(plan, false)
		return classify(err)
	}
	s.writeRecords(plan, true)
	s.recordWrites()
	s.obj.Status.LastDriftCheckTime = &metav1.Time{Time: s.now}
	return s.synced(), ctrl.Result{RequeueAfter: s.untilDriftCheck(interval)}, nil
}

// connect finds the destination and its logged-in client. ok=false means the identity waits.
func (s *identitySync) connect(ctx context.Context) (outcome, ctrl.Result, bool) {
	dest := &sfv1.SalesforceDestination{}
	key := client.ObjectKey{Namespace: s.obj.Namespace, Name: s.obj.Spec.DestinationRef.Name}
	if err := s.r.Get(ctx, key, dest); err != nil {
		if apierrors.IsNotFound(err) {
			return outcome{reason: sfv1.ReasonDestinationNotFound,
				message: fmt.Sprintf("SalesforceDestination %q not found in namespace %q", key.Name, key.Namespace)}, ctrl.Result{}, false
		}
		return outcome{reason: sfv1.ReasonDestinationNotReady, progressing: true, message: err.Error()}, ctrl.Result{RequeueAfter: 5 * time.Second}, false
	}
	s.dest = dest
	conn := s.r.registry.get(key)
	if conn != nil && conn.uid == dest.UID && conn.login == loginKey(dest) {
		s.conn = conn
		return outcome{}, ctrl.Result{}, true
	}
	ready := meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionReady)
	if ready != nil && ready.Status == metav1.ConditionTrue {
		// The destination is logging in: it was Ready before this process started, or its
		// login settings just changed. Wait quietly instead of flapping every identity's
		// condition; if the login fails, Ready flips and the destination watch wakes us.
		s.quiet = true
		return outcome{}, ctrl.Result{RequeueAfter: time.Second}, false
	}
	msg := fmt.Sprintf("SalesforceDestination %q is not ready", dest.Name)
	if ready != nil && ready.Status == metav1.ConditionFalse {
		msg = fmt.Sprintf("SalesforceDestination %q is not ready: %s", dest.Name, ready.Message)
	}
	// The destination watch wakes the identity when the destination becomes Ready.
	return outcome{reason: sfv1.ReasonDestinationNotReady, message: msg}, ctrl.Result{RequeueAfter: time.Minute}, false
}

func (s *identitySync) apply(ctx context.Context, plan mapping.Plan) error {
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
	useContact := s.dest.Spec.UseContactIDForConvertedLeads
	if rec := s.state.find(leadKey); rec != nil && (rec.Type == "Lead" || useContact) {
		fields := lp.LeadFields
		if rec.Type == "Contact" {
			if lp.ContactError != nil {
				return lp.ContactError
			}
			fields = lp.ContactFields
		}
		_, err := s.conn.api.Save(ctx, salesforce.RecordWrite{SObject: rec.Type, ID: rec.ID, Fields: fields})
		switch {
		case err == nil:
			s.done[leadKey] = sfv1.RecordUpdated
			return nil
		case salesforce.IsNotFound(err), salesforce.IsConvertedLead(err):
			// Deleted or converted since we last wrote it: find out what it is now.
		default:
			return err
		}
	}
	s.state.remove(leadKey)
	if p := s.state.Pending; p != nil && p.Key == leadKey {
		// A create of this Lead got no answer. Once it can no longer land, the lookup below
		// finds it if it did.
		if wait := s.pendingWait(p); wait > 0 {
			return &syncFailure{outcome: outcome{reason: sfv1.ReasonSalesforceUnavailable, progressing: true,
				message: "A create of the Lead got no answer; looking it up by email once requests in flight have ended"},
				requeueAfter: wait}
		}
		s.state.Pending = nil
	}
	if wait := s.r.leads.waitForLost(s.obj.UID); wait > 0 {
		// The same, for a lost answer whose marker could not be written.
		return &syncFailure{outcome: outcome{reason: sfv1.ReasonSalesforceUnavailable, progressing: true,
			message: "A create of the Lead got no answer; looking it up by email once requests in flight have ended"},
			requeueAfter: wait}
	}

	matches, err := s.conn.api.FindLeadsByEmail(ctx, lp.Email)
	if err != nil {
		return err
	}
	var live []salesforce.LeadMatch
	for _, m := range matches {
		if !m.IsDeleted {
			live = append(live, m)
		}
	}
	switch len(live) {
	case 0:
		if wait := s.r.leads.holdUntil(s.dest).Sub(s.now); wait > 0 {
			// An earlier controller process may have sent this very create just before it
			// stopped; wait until that can no longer land, then look again. Nothing for the
			// user to see: it lasts seconds, once per restart.
			s.quiet = true
			return &syncFailure{requeueAfter: wait}
		}
		id, err := s.create(ctx, leadKey, salesforce.RecordWrite{SObject: "Lead", Fields: lp.LeadFields})
		if err != nil {
			return err
		}
		s.state.set(managedRecord{Key: leadKey, Type: "Lead", ID: id, Created: true})
		s.done[leadKey] = sfv1.RecordCreated
		return nil
	case 1:
		return s.writeFoundLead(ctx, lp, live[0], useContact)
	default:
		ids := make([]string, len(live))
		for i, m := range live {
			ids[i] = m.ID
		}
		return &syncFailure{outcome: outcome{reason: sfv1.ReasonMultipleLeadsFound, stalled: true,
			message: fmt.Sprintf("%d Leads have email %q (%s); nothing was written. Merge them in Salesforce or name the record with an externalId",
				len(live), lp.Email, strings.Join(ids, ", "))}, requeueAfter: 10 * time.Minute}
	}
}

func (s *identitySync) writeFoundLead(ctx context.Context, lp *mapping.LeadPlan, m salesforce.LeadMatch, useContact bool) error {
	if !m.IsConverted {
		if _, err := s.conn.api.Save(ctx, salesforce.RecordWrite{SObject: "Lead", ID: m.ID, Fields: lp.LeadFields}); err != nil {
			return err
		}
		s.state.set(managedRecord{Key: leadKey, Type: "Lead", ID: m.ID})
		s.done[leadKey] = sfv1.RecordUpdated
		return nil
	}
	if !useContact {
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
	if _, err := s.conn.api.Save(ctx, salesforce.RecordWrite{SObject: "Contact", ID: m.ConvertedContactID, Fields: lp.ContactFields}); err != nil {
		return err
	}
	s.state.set(managedRecord{Key: leadKey, Type: "Contact", ID: m.ConvertedContactID})
	s.done[leadKey] = sfv1.RecordUpdated
	return nil
}

// syncTarget writes one Salesforce-X externalId entry: PATCH the named or remembered record,
// or create one and remember its ID before the reconcile returns.
func (s *identitySync) syncTarget(ctx context.Context, i int, t mapping.Target) error {
	key := externalIDKey(i)
	if t.ID != "" {
		if _, err := s.conn.api.Save(ctx, salesforce.RecordWrite{SObject: t.SObject, ID: t.ID, Fields: t.Fields}); err != nil {
			return err
		}
		s.state.set(managedRecord{Key: key, Type: t.SObject, ID: t.ID})
		s.done[key] = sfv1.RecordUpdated
		return nil
	}
	if rec := s.state.find(key); rec != nil && rec.Type == t.SObject {
		_, err := s.conn.api.Save(ctx, salesforce.RecordWrite{SObject: t.SObject, ID: rec.ID, Fields: t.Fields})
		if err == nil {
			s.done[key] = sfv1.RecordUpdated
			return nil
		}
		if !salesforce.IsNotFound(err) {
			return err
		}
		// The record was deleted in Salesforce: the spec still wants it, so create it again.
	}
	s.state.remove(key)
	if p := s.state.Pending; p != nil && p.Key == key {
		landed, err := s.resolvePending(ctx, i, t, p)
		if err != nil {
			return err
		}
		s.state.Pending = nil
		if landed != "" {
			// The lost create did reach Salesforce: adopt it as ours and bring it up to date.
			// The adoption is stored first: the update may change the very values the record
			// was found by, and a marker left behind would not find it again.
			s.state.set(managedRecord{Key: key, Type: t.SObject, ID: landed, Created: true})
			if err := s.persist(ctx); err != nil {
				return err
			}
			if _, err := s.conn.api.Save(ctx, salesforce.RecordWrite{SObject: t.SObject, ID: landed, Fields: t.Fields}); err != nil {
				return err
			}
			s.done[key] = sfv1.RecordCreated
			return nil
		}
	}

	id, err := s.create(ctx, key, salesforce.RecordWrite{SObject: t.SObject, Fields: t.Fields})
	if err != nil {
		return err
	}
	s.state.set(managedRecord{Key: key, Type: t.SObject, ID: id, Created: true})
	s.done[key] = sfv1.RecordCreated
	return s.persist(ctx)
}

// create sends a create behind crossplane's pending-create guard: the marker is stored, with
// an optimistic lock so a stale view of the object cannot send a second create, before the
// request goes out, and cleared once Salesforce has answered either way. A Lead, found again
// by email, relies on the destination-wide mark instead, and gets a marker only when its
// answer is lost.
func (s *identitySync) create(ctx context.Context, key string, w salesforce.RecordWrite) (string, error) {
	pending := &pendingCreate{Key: key, Type: w.SObject, Since: metav1.Time{Time: s.now}}
	lead := key == leadKey
	if lead {
		// A Lead is found again by email: the destination-wide mark replaces the marker.
		if err := s.r.leads.beforeCreate(ctx, s.dest); err != nil {
			return "", err
		}
	} else {
		pending.Match = salesforce.MatchFields(w.Fields)
		s.state.Pending = pending
		if err := s.persist(ctx); err != nil {
			s.state.Pending = nil
			return "", err
		}
	}
	id, err := s.conn.api.Save(ctx, w)
	answered := err == nil || answeredWithoutCreating(err)
	if lead {
		s.r.leads.sent(s.dest, answered)
	}
	if answered {
		s.state.Pending = nil
		if err != nil {
			return "", err
		}
		return id, nil
	}
	// Remembered in memory as well: if the marker's Unanswered time cannot be written, the
	// marker alone would count the wait from before the create waited for its batch.
	s.r.leads.lostAnswer(s.obj.UID)
	pending.Unanswered = &metav1.Time{Time: s.r.now()}
	s.state.Pending = pending
	return "", err
}

// outcomeUnknown reports failures after which a write may still land: no answer came back
// (timeout, dropped connection) or something other than Salesforce answered (a gateway's
// HTML page).
func outcomeUnknown(err error) bool {
	var failure *syncFailure
	var invalid *mapping.ValidationError
	if errors.As(err, &failure) || errors.As(err, &invalid) || apierrors.IsConflict(err) {
		return false
	}
	if _, isAPIError := err.(apierrors.APIStatus); isAPIError {
		return false
	}
	return !answeredWithoutCreating(err)
}

// answeredWithoutCreating reports failures after which the record certainly does not exist:
// Salesforce itself answered with an error code (for a batch, the row's own code).
func answeredWithoutCreating(err error) bool {
	var sfErr *salesforce.Error
	return errors.As(err, &sfErr) && sfErr.Code != "" && sfErr.Code != salesforce.CodeUnexpectedResponse
}

// checkDrift reads the managed fields back and re-applies those someone changed in Salesforce.
// The read happens outside this reconcile (see driftReads): the first pass starts it and
// returns quietly, the pass its answer wakes compares and corrects.
func (s *identitySync) checkDrift(ctx context.Context, plan mapping.Plan) error {
	var writes []plannedWrite
	var targets []driftTarget
	for _, w := range s.writes(plan) {
		fields := fieldNames(w.target.Fields)
		if len(fields) == 0 {
			continue
		}
		rec := s.state.find(w.key)
		writes = append(writes, w)
		targets = append(targets, driftTarget{sobject: rec.Type, id: rec.ID, fields: fields})
	}
	if len(targets) == 0 {
		return nil
	}
	// A read sent before a lost write could no longer land proves nothing about it.
	var since time.Time
	if s.state.VerifyAfter != nil {
		since = s.state.VerifyAfter.Time
	}
	records, err, answered := s.r.drift.result(s.obj, s.conn.api, targets, since)
	if !answered {
		s.quiet = true
		// The answer queues the identity again; this requeue only covers a lost wake-up.
		return &syncFailure{requeueAfter: s.r.drift.timeout + time.Minute}
	}
	if err != nil {
		return err
	}
	for i, w := range writes {
		rec := s.state.find(w.key)
		got := records[i]
		if got == nil {
			// Gone from Salesforce: the normal path recreates or finds it again.
			s.state.Hash = ""
			return s.apply(ctx, plan)
		}
		drifted := driftedFields(w.target.Fields, got)
		if len(drifted) == 0 {
			continue
		}
		patch := make(map[string]any, len(drifted))
		for _, f := range drifted {
			patch[f] = w.target.Fields[f]
		}
		if _, err := s.conn.api.Save(ctx, salesforce.RecordWrite{SObject: rec.Type, ID: rec.ID, Fields: patch}); err != nil {
			return err
		}
		s.done[w.key] = sfv1.RecordUpdated
		s.r.Recorder.Eventf(s.obj, nil, corev1.EventTypeNormal, "DriftCorrected", "Sync",
			"%s %s: fields changed in Salesforce were re-applied: %s", rec.Type, rec.ID, strings.Join(drifted, ", "))
	}
	return nil
}

// writes lists the records the plan keeps in sync, with the fields sent to each. For the Lead
// flow the body depends on whether the record is the Lead or its converted Contact.
func (s *identitySync) writes(plan mapping.Plan) []plannedWrite {
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
	for _, w := range s.writes(plan) {
		rec := s.state.find(w.key)
		if rec == nil || (w.target.ID != "" && rec.ID != w.target.ID) {
			return false
		}
	}
	return true
}

func (s *identitySync) synced() outcome {
	parts := make([]string, 0, len(s.state.Records))
	for _, rec := range s.state.Records {
		parts = append(parts, rec.Type+" "+rec.ID)
	}
	return outcome{ready: true, reason: sfv1.ReasonSynced, message: "In sync: " + strings.Join(parts, ", ")}
}

// writeRecords mirrors the state into status.records. A reconcile that made no call keeps what
// status (or, when the cache lags behind, the annotation) says of the last sync, so an
// unchanged resync writes nothing.
func (s *identitySync) writeRecords(plan mapping.Plan, confirmed bool) {
	previous := map[string]sfv1.RecordStatus{}
	for _, r := range s.obj.Status.Records {
		previous[r.ObjectType+"/"+r.ID] = r
	}
	var out []sfv1.RecordStatus
	for _, w := range s.writes(plan) {
		rec := s.state.find(w.key)
		if rec == nil {
			continue
		}
		rs := sfv1.RecordStatus{ObjectType: rec.Type, ID: rec.ID, Operation: rec.Operation, LastSyncTime: rec.SyncedAt}
		switch op, wrote := s.done[w.key]; {
		case wrote:
			rs.Operation, rs.LastSyncTime = op, &metav1.Time{Time: s.now}
		case confirmed:
			rs.Operation, rs.LastSyncTime = sfv1.RecordUnchanged, &metav1.Time{Time: s.now}
		default:
			if prev, ok := previous[rec.Type+"/"+rec.ID]; ok {
				rs.Operation, rs.LastSyncTime = prev.Operation, prev.LastSyncTime
			}
		}
		if rs.Operation == "" {
			rs.Operation = sfv1.RecordUnchanged
		}
		out = append(out, rs)
	}
	s.obj.Status.Records = out
}

// stampWrites notes in the state what this reconcile wrote to each record.
func (s *identitySync) stampWrites() {
	for i := range s.state.Records {
		rec := &s.state.Records[i]
		if op, ok := s.done[rec.Key]; ok {
			rec.Operation, rec.SyncedAt = op, &metav1.Time{Time: s.now}
		}
	}
}

// persist writes the state annotation, always with an optimistic lock: a reconcile that
// started from a stale view of the object must never overwrite a newer state (it could drop
// the ID of a record created meanwhile and so cause a second create). When the lock fails
// only because something else about the object changed (a spec edit), the state this
// reconcile started from is still the stored one, and the write is retried on the fresh
// object.
func (s *identitySync) persist(ctx context.Context) error {
	if _, ok := s.obj.Annotations[sfv1.AnnotationState]; !ok && s.state.empty() {
		// Nothing learnt yet: an empty annotation would only wake the identity again and
		// skip its backoff.
		return nil
	}
	started := s.obj.Annotations[sfv1.AnnotationState]
	patchBase := s.obj.DeepCopy()
	storeState(s.obj, s.state)
	if started == s.obj.Annotations[sfv1.AnnotationState] {
		return nil
	}
	status := s.obj.Status.DeepCopy()
	defer func() { s.obj.Status = *status }() // keep the status this reconcile computed
	err := s.r.Patch(ctx, s.obj, client.MergeFromWithOptions(patchBase, client.MergeFromWithOptimisticLock{}))
	if apierrors.IsConflict(err) {
		fresh := &sfv1.SalesforceIdentity{}
		if getErr := s.r.APIReader.Get(ctx, client.ObjectKeyFromObject(s.obj), fresh); getErr != nil {
			return errors.Join(err, getErr)
		}
		if fresh.Annotations[sfv1.AnnotationState] != started {
			return err // another reconcile's state is newer than ours
		}
		patchBase = fresh.DeepCopy()
		fresh.DeepCopyInto(s.obj)
		storeState(s.obj, s.state) // the stored object may have no annotations at all yet
		err = s.r.Patch(ctx, s.obj, client.MergeFromWithOptions(patchBase, client.MergeFromWithOptimisticLock{}))
	}
	if err == nil {
		s.r.ownWrites.wrote(s.obj)
		// The answer is the stored object, status included: the status patch diffs against
		// it (and locks on its resourceVersion).
		s.obj.DeepCopyInto(s.base)
	}
	return err
}

// finish records the outcome in status for the generation this reconcile acted on.
func (s *identitySync) finish(o outcome, err error) {
	if err == nil || !o.progressing {
		s.obj.Status.ObservedGeneration = s.generation
	}
	applyConditions(&s.obj.Status.Conditions, s.generation, o)
}

// verifyAfter is when a write whose answer was lost at lostAt can no longer land: a grace
// after the answer was lost, not after the reconcile began, since the request may have waited
// for its batch and its turn before it was sent. An earlier loss's later deadline stands.
func verifyAfter(current *metav1.Time, lostAt time.Time, grace time.Duration) *metav1.Time {
	due := lostAt.Add(grace)
	if current != nil && current.After(due) {
		return current
	}
	return &metav1.Time{Time: due}
}

// settingsDigest fingerprints the destination settings that planHash covers.
func settingsDigest(dest *sfv1.SalesforceDestination) string {
	h := sha256.Sum256([]byte(writeSettings(dest)))
	return hex.EncodeToString(h[:8])
}

// writeSettings are the destination settings that change what is written: a new drift
// interval or budget must not rewrite every record.
func writeSettings(dest *sfv1.SalesforceDestination) string {
	return fmt.Sprintf("%s\x00%t\x00%t", dest.UID, dest.MapsProperties(), dest.Spec.UseContactIDForConvertedLeads)
}

func (s *identitySync) planHash(plan mapping.Plan) string {
	h := sha256.Sum256([]byte(plan.Hash() + "\x00" + writeSettings(s.dest)))
	return hex.EncodeToString(h[:])
}

func (s *identitySync) untilDriftCheck(interval time.Duration) time.Duration {
	return untilNextCheck(s.lastChecked(), interval, s.state.VerifyAfter, s.now)
}

// untilNextCheck is when an identity whose records were last confirmed at checked is next due
// a read-back: its drift check, or sooner the verification of a write whose answer was lost.
// Zero means never; otherwise at least a second.
func untilNextCheck(checked *metav1.Time, interval time.Duration, verifyAfter *metav1.Time, now time.Time) time.Duration {
	wait := untilDriftCheck(checked, interval, now)
	if verifyAfter != nil && (wait == 0 || verifyAfter.Sub(now) < wait) {
		wait = verifyAfter.Sub(now)
	}
	if wait != 0 && wait < time.Second {
		wait = time.Second
	}
	return wait
}

// lastChecked is when the records were last confirmed: written (recorded in the state) or
// read back without finding drift (recorded in status only).
func (s *identitySync) lastChecked() *metav1.Time {
	return lastChecked(s.state, s.obj.Status)
}

func lastChecked(st syncState, status sfv1.SalesforceIdentityStatus) *metav1.Time {
	a, b := st.CheckedAt, status.LastDriftCheckTime
	if a == nil || (b != nil && b.After(a.Time)) {
		return b
	}
	return a
}

// driftCheckDue reports whether records last confirmed at checked are due a read-back.
func driftCheckDue(checked *metav1.Time, interval time.Duration, now time.Time) bool {
	return interval > 0 && (checked == nil || !now.Before(driftSlot(checked.Add(interval), interval)))
}

// untilDriftCheck is how long until records last confirmed at checked are due a read-back;
// zero when drift checks are off.
func untilDriftCheck(checked *metav1.Time, interval time.Duration, now time.Time) time.Duration {
	if interval <= 0 {
		return 0
	}
	last := now
	if checked != nil {
		last = checked.Time
	}
	return driftSlot(last.Add(interval), interval).Sub(now)
}

// driftSlot rounds a due time up to a grid of a tenth of the interval (at least 5 s), so the
// drift checks of identities synced within that tenth fall due together and are read back in
// one call; a check runs at most a tenth of the interval late.
func driftSlot(due time.Time, interval time.Duration) time.Time {
	slot := max(interval/10, 5*time.Second)
	rounded := due.Truncate(slot)
	if rounded.Before(due) {
		rounded = rounded.Add(slot)
	}
	return rounded
}

func driftInterval(dest *sfv1.SalesforceDestination) time.Duration {
	if dest.Spec.DriftCheckInterval == nil {
		return defaultDriftInterval
	}
	return dest.Spec.DriftCheckInterval.Duration
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

func traitsJSON(obj *sfv1.SalesforceIdentity) []byte {
	if obj.Spec.Traits == nil || len(obj.Spec.Traits.Raw) == 0 {
		return []byte("{}")
	}
	return obj.Spec.Traits.Raw
}

func externalIDs(obj *sfv1.SalesforceIdentity) []mapping.ExternalID {
	out := make([]mapping.ExternalID, len(obj.Spec.ExternalID))
	for i, e := range obj.Spec.ExternalID {
		out[i] = mapping.ExternalID{Type: e.Type, ID: e.ID}
	}
	return out
}

// recordWrites emits one event per record created or updated by this reconcile, when the
// manager was asked to. Drift corrections have their own event naming the fields.
func (s *identitySync) recordWrites() {
	if !s.r.Options.SyncEvents {
		return
	}
	for _, rec := range s.state.Records {
		switch s.done[rec.Key] {
		case sfv1.RecordCreated:
			s.r.Recorder.Eventf(s.obj, nil, corev1.EventTypeNormal, "Created", "Sync", "Created %s %s", rec.Type, rec.ID)
		case sfv1.RecordUpdated:
			if !s.driftOnly {
				s.r.Recorder.Eventf(s.obj, nil, corev1.EventTypeNormal, "Updated", "Sync", "Updated %s %s", rec.Type, rec.ID)
			}
		}
	}
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
	// A minute of margin for the difference between our clock and Salesforce's.
	match := p.Match
	if len(match) == 0 {
		match = salesforce.MatchFields(t.Fields)
	}
	ids, err := s.conn.client.FindCreatedSince(ctx, t.SObject, match, p.Since.Add(-time.Minute))
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
	if started := s.r.leads.startTime(); p.Unanswered == nil && started.After(from) {
		from = started
	}
	return max(from.Add(s.r.pendingGrace()).Sub(s.now), s.r.leads.waitForLost(s.obj.UID))
}
