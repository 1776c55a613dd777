package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/identityindex"
)

// summarizeIdentity tells the identity index which identities are in sync, and for those the
// facts the fast path of a reconcile decides on (see stillInSync).
func summarizeIdentity(id *sfv1.SalesforceIdentity) identityindex.Summary {
	st, inSync := inSyncState(id)
	if !inSync {
		return identityindex.Summary{}
	}
	s := identityindex.Summary{InSync: true, Settings: st.Settings}
	if checked := lastChecked(st, id.Status); checked != nil {
		s.Checked = checked.Time
	}
	return s
}

// newIdentityIndex is the identity index as the manager runs it: trimmed like the cache.
func newIdentityIndex(lw toolscache.ListerWatcher) *identityindex.Index {
	return identityindex.New(lw, CacheTransform(), summarizeIdentity)
}

// inSyncState reports whether the identity's last reconcile left it in sync with the spec it
// has now, with nothing outstanding: no deletion, no finalizer to add or remove, Ready for
// this generation, and a state written for this generation that names the destination
// settings it was written with and holds no unanswered create or write. The state decides,
// not status alone: status is what a person or a restore may rewrite.
func inSyncState(id *sfv1.SalesforceIdentity) (syncState, bool) {
	// A suspended identity, or one whose suspension is still recorded, must go the full way:
	// that is where suspension is honoured and, once lifted, cleared.
	if !id.DeletionTimestamp.IsZero() || id.Status.ObservedGeneration != id.Generation || id.Spec.Suspend ||
		meta.FindStatusCondition(id.Status.Conditions, sfv1.ConditionSuspended) != nil {
		return syncState{}, false
	}
	wantFinalizer := id.Spec.DeletionPolicy == sfv1.DeletionPolicyDelete
	if wantFinalizer != controllerutil.ContainsFinalizer(id, sfv1.FinalizerIdentity) {
		return syncState{}, false
	}
	ready := meta.FindStatusCondition(id.Status.Conditions, sfv1.ConditionReady)
	// Only an applied identity is in sync: Ready for an Observe identity (reason Planned)
	// says the plan is current, not that it was written.
	if ready == nil || ready.Status != metav1.ConditionTrue || ready.Reason != sfv1.ReasonSynced ||
		ready.ObservedGeneration != id.Generation || id.Spec.ManagementPolicy == sfv1.ManagementObserve {
		return syncState{}, false
	}
	st, err := loadState(id)
	if err != nil || st.Hash == "" || st.Generation != id.Generation || st.Settings == "" || st.Pending != nil || st.VerifyAfter != nil {
		return syncState{}, false
	}
	return st, true
}
