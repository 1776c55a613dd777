package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// An identity's status is computed here, by pure functions of what the reconcile learnt, and
// written once, by patchIdentityStatus, when the reconcile returns.

// recordsStatus mirrors the state into status.records, one entry per record the plan writes.
// A record this reconcile wrote says so; with confirmed, the others are stamped Unchanged as
// of now; otherwise each keeps what status (or, when the view lags behind, the state) says of
// its last sync, so an unchanged resync writes nothing.
func recordsStatus(writes []plannedWrite, st syncState, previous []sfv1.RecordStatus, done map[string]sfv1.RecordOperation,
	confirmed bool, now time.Time) []sfv1.RecordStatus {
	prev := make(map[string]sfv1.RecordStatus, len(previous))
	for _, r := range previous {
		prev[r.ObjectType+"/"+r.ID] = r
	}
	var out []sfv1.RecordStatus
	for _, w := range writes {
		rec := st.find(w.key)
		if rec == nil {
			continue
		}
		rs := sfv1.RecordStatus{ObjectType: rec.Type, ID: rec.ID, Operation: rec.Operation, LastSyncTime: rec.SyncedAt}
		switch op, wrote := done[w.key]; {
		case wrote:
			rs.Operation, rs.LastSyncTime = op, &metav1.Time{Time: now}
		case confirmed:
			rs.Operation, rs.LastSyncTime = sfv1.RecordUnchanged, &metav1.Time{Time: now}
		default:
			if p, ok := prev[rec.Type+"/"+rec.ID]; ok {
				rs.Operation, rs.LastSyncTime = p.Operation, p.LastSyncTime
			}
		}
		if rs.Operation == "" {
			rs.Operation = sfv1.RecordUnchanged
		}
		out = append(out, rs)
	}
	return out
}

// syncedOutcome is Ready, naming the records.
func syncedOutcome(st syncState) outcome {
	parts := make([]string, 0, len(st.Records))
	for _, rec := range st.Records {
		parts = append(parts, rec.Type+" "+rec.ID)
	}
	return outcome{ready: true, reason: sfv1.ReasonSynced, message: "In sync: " + strings.Join(parts, ", ")}
}

// finishStatus records the outcome for the generation the reconcile acted on. The observed
// generation moves unless the work for it is still under way.
func finishStatus(status *sfv1.SalesforceIdentityStatus, generation int64, o outcome, err error) {
	if err == nil || !o.progressing {
		status.ObservedGeneration = generation
	}
	applyConditions(&status.Conditions, generation, o)
}

// failedEvent is the Warning event's message when the identity enters a failing state; ok is
// false while it stays in the same one, so retries do not repeat it.
func failedEvent(conds []metav1.Condition, o outcome) (message string, ok bool) {
	if o.ready {
		return "", false
	}
	prev := meta.FindStatusCondition(conds, sfv1.ConditionReady)
	if prev != nil && prev.Reason == o.reason && prev.Status == metav1.ConditionFalse {
		return "", false
	}
	return fmt.Sprintf("%s: %s", o.reason, truncate(o.message, 900)), true
}

// driftMessage says which fields of a record were changed in Salesforce and re-applied.
func driftMessage(sobject, id string, fields []string) string {
	return fmt.Sprintf("%s %s: fields changed in Salesforce were re-applied: %s", sobject, id, strings.Join(fields, ", "))
}

// patchIdentityStatus writes the status the reconcile computed, if it changed, in one patch.
// The status was computed from the loaded object; the optimistic lock refuses it if that view
// was stale (e.g. a reconcile woken by our own annotation write while the view lags), instead
// of overwriting a newer status; the fresh view comes next.
func patchIdentityStatus(ctx context.Context, c client.StatusClient, base, obj *sfv1.SalesforceIdentity, res ctrl.Result, reterr error) (ctrl.Result, error) {
	if equality.Semantic.DeepEqual(base.Status, obj.Status) {
		return res, reterr
	}
	err := c.Status().Patch(ctx, obj, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
	switch {
	case err == nil, apierrors.IsNotFound(err):
		return res, reterr
	case apierrors.IsConflict(err):
		return ctrl.Result{RequeueAfter: time.Second}, nil
	}
	return res, errors.Join(reterr, err)
}
