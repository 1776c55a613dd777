package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// Suspension follows Flux: while spec.suspend is true the object is left as it is, with no
// Salesforce call, no write and no requeue; a spec change (clearing suspend is one) wakes it
// and the reconcile that follows compares the spec with the state as always, so whatever
// changed meanwhile (traits, drift) is caught up.
//
// Ready keeps what the last sync found and a Suspended condition says why nothing moves;
// Reconciling and Stalled are dropped, because nothing is under way. kstatus therefore reads a
// suspended object as Current (or Failed) as it last was, not as InProgress forever, which
// would hold every Flux or Argo CD health check that includes it.

// suspension says whether an identity's work is suspended, by its own spec or by its
// destination's, and why. A destination that cannot be read is not a suspension: the normal
// path reports it.
func (r *IdentityReconciler) suspension(ctx context.Context, obj *sfv1.SalesforceIdentity) (reason, message string, suspended bool) {
	if obj.Spec.Suspend {
		return sfv1.ReasonSuspended, "Suspended by spec.suspend: no Salesforce call and no write until it is cleared", true
	}
	dest := &sfv1.SalesforceDestination{}
	key := client.ObjectKey{Namespace: obj.Namespace, Name: obj.Spec.DestinationRef.Name}
	if err := r.Get(ctx, key, dest); err != nil || !dest.Spec.Suspend {
		return "", "", false
	}
	return sfv1.ReasonDestinationSuspended, fmt.Sprintf(
		"SalesforceDestination %q is suspended: no Salesforce call and no write until its spec.suspend is cleared", dest.Name), true
}

// markSuspended records a suspension in the conditions; the generation counts as observed,
// since there is nothing more to do for it while suspended.
func markSuspended(conds *[]metav1.Condition, observed *int64, generation int64, reason, message string) {
	*observed = generation
	meta.SetStatusCondition(conds, metav1.Condition{Type: sfv1.ConditionSuspended, Status: metav1.ConditionTrue,
		Reason: reason, Message: message, ObservedGeneration: generation})
	meta.RemoveStatusCondition(conds, sfv1.ConditionReconciling)
	meta.RemoveStatusCondition(conds, sfv1.ConditionStalled)
}

// clearSuspended removes the Suspended condition once work resumes.
func clearSuspended(conds *[]metav1.Condition) {
	meta.RemoveStatusCondition(conds, sfv1.ConditionSuspended)
}

// orphanSuspended lets a suspended (or observing) identity go without calling Salesforce, as
// Flux prunes nothing for a suspended object: the records it created stay, and an event says so.
func (r *IdentityReconciler) orphanSuspended(obj *sfv1.SalesforceIdentity, st syncState) {
	for _, rec := range st.Records {
		if rec.Created {
			r.Recorder.Eventf(obj, nil, corev1.EventTypeNormal, "Orphaned", "Delete",
				"Left %s %s in Salesforce: the identity was deleted while suspended or observing", rec.Type, rec.ID)
		}
	}
}
