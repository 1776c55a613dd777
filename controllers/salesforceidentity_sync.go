package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

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

// identitySync is one reconcile of one identity that is not being deleted: the state it
// started from, the destination and external client it works with, and what it did.
type identitySync struct {
	r   *IdentityReconciler
	obj *sfv1.SalesforceIdentity
	// base is what the status patch is computed against: the loaded object, refreshed with
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
	ext  externalClient
	// done records what this reconcile did to each record key.
	done map[string]sfv1.RecordOperation
	// driftOnly: the spec was already in sync; this reconcile checks for drift.
	driftOnly bool
	// hash identifies the plan and the destination settings this reconcile works from.
	hash string
}

// run plans the identity's records, decides the next step and takes it.
func (s *identitySync) run(ctx context.Context) verdict {
	s.done = map[string]sfv1.RecordOperation{}
	if err := s.connect(ctx); err != nil {
		return classify(err)
	}
	plan, err := mapping.Build(traitsJSON(s.obj), externalIDs(s.obj), settings(s.dest))
	if err != nil {
		return classify(err)
	}
	s.state.keep(planKeys(plan))
	hash := s.planHash(plan)
	s.hash = hash
	if managementPolicy(s.obj, s.dest) == sfv1.ManagementObserve {
		return s.observe(ctx, plan)
	}
	s.obj.Status.Plan = nil
	next := decide(s.facts(s.state.Hash == hash && s.complete(plan) && s.state.Pending == nil), s.now)
	if next.step != stepApply {
		// An observed plan is for the one write that follows it, never for a later one.
		s.state.Planned = nil
	}
	if next.step == stepNone {
		return s.confirmInSync(ctx, plan, next)
	}
	if err := s.checkBudget(); err != nil {
		return classify(err)
	}
	if next.step == stepVerify {
		s.driftOnly = true
		err = s.checkDrift(ctx, plan)
	} else {
		err = s.apply(ctx, plan)
	}
	if used, max, ok := s.ext.Usage(); ok {
		s.r.metrics.setAPIUsage(client.ObjectKeyFromObject(s.dest), used, max)
	}
	return s.conclude(ctx, plan, hash, err)
}

// facts are what decide needs of this identity, given whether its state says the plan was
// written.
func (s *identitySync) facts(written bool) syncFacts {
	return syncFacts{written: written, checked: lastChecked(s.state, s.obj.Status),
		verifyAfter: s.state.VerifyAfter, interval: driftInterval(s.dest)}
}

// connect finds the destination and its logged-in external client; an error means the
// identity waits.
func (s *identitySync) connect(ctx context.Context) error {
	dest := &sfv1.SalesforceDestination{}
	key := client.ObjectKey{Namespace: s.obj.Namespace, Name: s.obj.Spec.DestinationRef.Name}
	if err := s.r.Get(ctx, key, dest); err != nil {
		if apierrors.IsNotFound(err) {
			return &syncFailure{outcome: outcome{reason: sfv1.ReasonDestinationNotFound,
				message: fmt.Sprintf("SalesforceDestination %q not found in namespace %q", key.Name, key.Namespace)}}
		}
		return &syncFailure{outcome: outcome{reason: sfv1.ReasonDestinationNotReady, progressing: true, message: err.Error()},
			requeueAfter: 5 * time.Second}
	}
	s.dest = dest
	conn := s.r.connections.get(key)
	if conn != nil && conn.uid == dest.UID && conn.login == loginKey(dest) {
		s.conn, s.ext = conn, conn.external
		return nil
	}
	ready := meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionReady)
	if ready != nil && ready.Status == metav1.ConditionTrue {
		// The destination is logging in: it was Ready before this process started, or its
		// login settings just changed. Wait quietly instead of flapping every identity's
		// condition; if the login fails, Ready flips and the destination watch wakes us.
		return waitQuietly(time.Second)
	}
	msg := fmt.Sprintf("SalesforceDestination %q is not ready", dest.Name)
	if ready != nil && ready.Status == metav1.ConditionFalse {
		msg = fmt.Sprintf("SalesforceDestination %q is not ready: %s", dest.Name, ready.Message)
	}
	// The destination watch wakes the identity when the destination becomes Ready.
	return &syncFailure{outcome: outcome{reason: sfv1.ReasonDestinationNotReady, message: msg}, requeueAfter: time.Minute}
}

// confirmInSync ends a reconcile that found nothing to send. A spec edit that leaves the plan
// as it was, or a state from before the state named its generation and settings, is
// recorded, so the identity counts as in sync.
func (s *identitySync) confirmInSync(ctx context.Context, plan mapping.Plan, next decision) verdict {
	if settings := settingsDigest(s.dest); s.state.Generation != s.generation || s.state.Settings != settings {
		s.state.Generation, s.state.Settings = s.generation, settings
		if err := s.saveState(ctx); err != nil {
			return classify(err)
		}
	}
	s.obj.Status.Records = recordsStatus(s.plannedWrites(plan), s.state, s.obj.Status.Records, nil, false, s.now)
	s.obj.Status.LastDriftCheckTime = lastChecked(s.state, s.obj.Status)
	return verdict{outcome: s.withPlanNotes(syncedOutcome(s.state), plan), result: ctrl.Result{RequeueAfter: next.requeueAfter}}
}

// checkBudget stops a reconcile that would spend beyond the destination's API budget.
func (s *identitySync) checkBudget() error {
	budget := apiBudget{percent: budgetPercent(s.dest)}
	exhausted, used, max := budget.exhausted(s.ext.Usage)
	if !exhausted {
		return nil
	}
	retry := s.now.Add(retryAfterBudget).UTC().Format(time.RFC3339)
	return &syncFailure{outcome: outcome{reason: sfv1.ReasonAPIBudgetExhausted, progressing: true,
		message: fmt.Sprintf("Destination %q used its API budget (%d%% of the org's daily allowance: %d of %d calls used); retrying at %s",
			s.dest.Name, budget.percent, used, max, retry)}, requeueAfter: retryAfterBudget}
}

// conclude records what a write or read-back achieved, whatever happened: the IDs learnt so
// far are stored before the reconcile returns.
func (s *identitySync) conclude(ctx context.Context, plan mapping.Plan, hash string, err error) verdict {
	s.recordManagedFields(plan)
	s.state.stamp(s.done, s.now)
	switch {
	case err == nil:
		s.state.Hash, s.state.Generation, s.state.Settings = hash, s.generation, settingsDigest(s.dest)
		s.state.Planned = nil // applied
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
	if perr := s.saveState(ctx); perr != nil {
		v := classify(perr)
		v.err = errors.Join(err, perr)
		return v
	}
	if err != nil {
		if salesforce.IsAuth(err) || salesforce.IsLoginRetired(err) {
			// The client already tried one fresh login; let the destination find out why.
			s.r.connections.invalidate(client.ObjectKeyFromObject(s.dest), s.conn)
		}
		s.obj.Status.Records = recordsStatus(s.plannedWrites(plan), s.state, s.obj.Status.Records, s.done, false, s.now)
		return classify(err)
	}
	s.obj.Status.Records = recordsStatus(s.plannedWrites(plan), s.state, s.obj.Status.Records, s.done, true, s.now)
	s.r.emitSyncEvents(s.obj, s.state, s.done, s.driftOnly)
	s.obj.Status.LastDriftCheckTime = &metav1.Time{Time: s.now}
	return verdict{outcome: s.withPlanNotes(syncedOutcome(s.state), plan), result: ctrl.Result{RequeueAfter: decide(s.facts(true), s.now).requeueAfter}}
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
	return !answeredWithoutCreating(err)
}

// saveState writes the state annotation, always with an optimistic lock: a reconcile that
// started from a stale view of the object must never overwrite a newer state (it could drop
// the ID of a record created meanwhile and so cause a second create). When the lock fails
// only because something else about the object changed (a spec edit), the state this
// reconcile started from is still the stored one, and the write is retried on the fresh
// object.
func (s *identitySync) saveState(ctx context.Context) error {
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
		s.r.ownWrites.Wrote(s.obj)
		// The answer is the stored object, status included: the status patch diffs against
		// it (and locks on its resourceVersion).
		s.obj.DeepCopyInto(s.base)
	}
	return err
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

func driftInterval(dest *sfv1.SalesforceDestination) time.Duration {
	if dest.Spec.DriftCheckInterval == nil {
		return defaultDriftInterval
	}
	return dest.Spec.DriftCheckInterval.Duration
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
