package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// IdentityReconciler keeps each SalesforceIdentity's records true in Salesforce.
type IdentityReconciler struct {
	client.Client
	// APIReader reads the stored object when the cached one proved stale.
	APIReader client.Reader
	Recorder  events.EventRecorder
	Options   Options
	registry  *registry
	metrics   *metrics
	now       func() time.Time
	// leads guards Lead creates across restarts and lost answers; it also knows when this
	// process started reconciling, which bounds how long an earlier process's requests may
	// still land.
	leads *leadCreates
	// drift reads records back for drift checks without holding a worker.
	drift *driftReads
	// ownWrites keeps the watch events of this process's own state writes from waking the
	// identity again.
	ownWrites *ownStateWrites
	// identities holds identities with work ahead whole, and of those in sync only what
	// tells whether they still are.
	identities *identityIndex
}

// +kubebuilder:rbac:groups=salesforce.destinations.dev,resources=salesforceidentities,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=salesforce.destinations.dev,resources=salesforceidentities/status,verbs=get;patch
// +kubebuilder:rbac:groups=salesforce.destinations.dev,resources=salesforcedestinations,verbs=get;list;watch;patch

// Reconcile brings the identity's Salesforce records in line with its spec. An identity whose
// spec, destination and drift schedule are unchanged costs no Salesforce call.
func (r *IdentityReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, reterr error) {
	started := r.now()
	r.leads.started()
	obj, res, err := r.load(ctx, req.NamespacedName)
	if obj == nil {
		r.metrics.observeSync(r.now().Sub(started))
		return res, err
	}
	base := obj.DeepCopy()
	defer func() {
		r.metrics.observeSync(r.now().Sub(started))
		if equality.Semantic.DeepEqual(base.Status, obj.Status) {
			return
		}
		// The status was computed from the cached object. The optimistic lock refuses it if
		// that view was stale (e.g. a reconcile woken by our own annotation write while the
		// cache lags), instead of overwriting a newer status; the fresh view comes next.
		err := r.Status().Patch(ctx, obj, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
		switch {
		case err == nil, apierrors.IsNotFound(err):
		case apierrors.IsConflict(err):
			res, reterr = ctrl.Result{RequeueAfter: time.Second}, nil
		default:
			reterr = errors.Join(reterr, err)
		}
	}()

	st, err := loadState(obj)
	if err != nil {
		r.setOutcome(obj, outcome{reason: sfv1.ReasonInvalidTraits, stalled: true, message: err.Error()})
		return ctrl.Result{}, nil
	}
	if !obj.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, obj, st)
	}
	if o, tooLarge := traitsTooLarge(obj); tooLarge {
		r.setOutcome(obj, o)
		return ctrl.Result{}, nil
	}
	// Only deletionPolicy Delete has work to do on deletion. Its finalizer comes first, so no
	// record can be created that a deletion would not see; Orphan identities carry none and
	// save a write each.
	wantFinalizer := obj.Spec.DeletionPolicy == sfv1.DeletionPolicyDelete
	if wantFinalizer != controllerutil.ContainsFinalizer(obj, sfv1.FinalizerIdentity) {
		patchBase := obj.DeepCopy()
		if wantFinalizer {
			controllerutil.AddFinalizer(obj, sfv1.FinalizerIdentity)
		} else {
			controllerutil.RemoveFinalizer(obj, sfv1.FinalizerIdentity)
		}
		if err := r.Patch(ctx, obj, client.MergeFrom(patchBase)); err != nil {
			return ctrl.Result{}, err
		}
		// The answer is the stored object: the status patch below diffs against it.
		base = obj.DeepCopy()
	}

	s := &identitySync{r: r, obj: obj, base: base, state: st, now: r.now(), generation: obj.Generation}
	o, res, err := s.run(ctx)
	if s.quiet {
		return res, err
	}
	if apierrors.IsConflict(err) {
		// Our view of the object was stale; the newer version is already queued. Nothing for
		// the user to see.
		return ctrl.Result{RequeueAfter: time.Second}, nil
	}
	r.recordTransition(obj, o)
	s.finish(o, err)
	return res, err
}

// load returns the identity to reconcile, or nil when there is nothing to do: it is gone, or
// it is in sync and has no work until the returned requeue. An identity with work ahead is
// the index's copy; one in sync that has work again is read from the API server.
func (r *IdentityReconciler) load(ctx context.Context, key client.ObjectKey) (*sfv1.SalesforceIdentity, ctrl.Result, error) {
	view, ok := r.identities.get(key)
	if !ok {
		r.drift.forget(key)
		return nil, ctrl.Result{}, nil
	}
	if view.object != nil {
		return view.object.DeepCopy(), ctrl.Result{}, nil
	}
	if res, still := r.stillInSync(ctx, key.Namespace, view); still {
		return nil, res, nil
	}
	obj := &sfv1.SalesforceIdentity{}
	if err := r.APIReader.Get(ctx, key, obj); err != nil {
		if apierrors.IsNotFound(err) {
			r.drift.forget(key)
		}
		return nil, ctrl.Result{}, client.IgnoreNotFound(err)
	}
	return obj, ctrl.Result{}, nil
}

// stillInSync decides from the index alone that an identity in sync has nothing to do: its
// destination is Ready with the settings it was written with, and its drift check is not due.
// It then returns when the drift check is. The full reconcile would reach the same answer
// with the same requeue, after reading the identity.
func (r *IdentityReconciler) stillInSync(ctx context.Context, namespace string, view identityView) (ctrl.Result, bool) {
	dest := &sfv1.SalesforceDestination{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: view.destination.Value()}, dest); err != nil {
		return ctrl.Result{}, false
	}
	ready := meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue || settingsDigest(dest) != view.settings.Value() {
		return ctrl.Result{}, false
	}
	interval := driftInterval(dest)
	var checked *metav1.Time
	if view.checked != 0 {
		checked = &metav1.Time{Time: time.Unix(0, view.checked)}
	}
	now := r.now()
	if driftCheckDue(checked, interval, now) {
		return ctrl.Result{}, false
	}
	return ctrl.Result{RequeueAfter: untilNextCheck(checked, interval, nil, now)}, true
}

func (r *IdentityReconciler) setOutcome(obj *sfv1.SalesforceIdentity, o outcome) {
	applyConditions(&obj.Status.Conditions, obj.Generation, o)
}

// recordTransition emits a Warning event when the identity enters a failing state, once, not
// on every retry.
func (r *IdentityReconciler) recordTransition(obj *sfv1.SalesforceIdentity, o outcome) {
	if o.ready {
		return
	}
	prev := meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReady)
	if prev != nil && prev.Reason == o.reason && prev.Status == metav1.ConditionFalse {
		return
	}
	r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, "Failed", "Sync", "%s: %s", o.reason, truncate(o.message, 900))
}

// reconcileDelete removes the records this identity created when its policy says so; records
// it only adopted (found by email or named by an externalId id) are never deleted.
func (r *IdentityReconciler) reconcileDelete(ctx context.Context, obj *sfv1.SalesforceIdentity, st syncState) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, sfv1.FinalizerIdentity) {
		return ctrl.Result{}, nil
	}
	if obj.Spec.DeletionPolicy == sfv1.DeletionPolicyDelete {
		var created []managedRecord
		for _, rec := range st.Records {
			if rec.Created {
				created = append(created, rec)
			}
		}
		if len(created) > 0 {
			if err := r.deleteRecords(ctx, obj, created); err != nil {
				o, res, err := classify(err)
				if o.progressing {
					// Still deleting: the records stay until Salesforce confirms.
					o.reason, o.message = sfv1.ReasonDeleting, "Deleting the records this identity created failed, retrying: "+o.message
				}
				r.setOutcome(obj, o)
				return res, err
			}
		}
	}
	patchBase := obj.DeepCopy()
	controllerutil.RemoveFinalizer(obj, sfv1.FinalizerIdentity)
	if err := r.Patch(ctx, obj, client.MergeFrom(patchBase)); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	return ctrl.Result{}, nil
}

func (r *IdentityReconciler) deleteRecords(ctx context.Context, obj *sfv1.SalesforceIdentity, records []managedRecord) error {
	dest := &sfv1.SalesforceDestination{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: obj.Namespace, Name: obj.Spec.DestinationRef.Name}, dest); err != nil {
		if apierrors.IsNotFound(err) {
			// The destination holds its finalizer while identities exist, so this only happens
			// when someone removed it by hand; there is no org left to delete from.
			return nil
		}
		return err
	}
	conn := r.registry.get(client.ObjectKeyFromObject(dest))
	if conn == nil {
		return &syncFailure{outcome: outcome{reason: sfv1.ReasonDestinationNotReady, progressing: true,
			message: fmt.Sprintf("Waiting for SalesforceDestination %q to log in before deleting records", dest.Name)},
			requeueAfter: 5 * time.Second}
	}
	for _, rec := range records {
		if err := conn.api.Delete(ctx, rec.Type, rec.ID); err != nil {
			return err
		}
		r.Recorder.Eventf(obj, nil, corev1.EventTypeNormal, "Deleted", "Delete", "Deleted %s %s", rec.Type, rec.ID)
	}
	return nil
}

// settings maps the destination's spec to the mapping package's settings.
func settings(dest *sfv1.SalesforceDestination) mapping.Settings {
	return mapping.Settings{
		MapRudderProperties:           dest.MapsProperties(),
		UseContactIDForConvertedLeads: dest.Spec.UseContactIDForConvertedLeads,
	}
}

// pendingGrace is how long after an unanswered create any request still in flight must have
// ended: the HTTP timeout, twice, for a request queued behind a batch.
func (r *IdentityReconciler) pendingGrace() time.Duration {
	return 2 * r.Options.SalesforceTimeout
}
