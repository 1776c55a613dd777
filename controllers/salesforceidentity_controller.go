package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/driftreads"
	"github.com/destinations/salesforce-controller/controllers/internal/identityindex"
	"github.com/destinations/salesforce-controller/controllers/internal/leadguard"
	"github.com/destinations/salesforce-controller/controllers/internal/ownwrites"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// IdentityReconciler keeps each SalesforceIdentity's records true in Salesforce.
type IdentityReconciler struct {
	client.Client
	// APIReader reads the stored object when the loaded one proved stale, and identities in
	// sync, which the index keeps only in summary.
	APIReader   client.Reader
	Recorder    events.EventRecorder
	Options     Options
	connections *connections
	metrics     *metrics
	now         func() time.Time
	// leads guards Lead creates across restarts and lost answers; it also knows when this
	// process started reconciling, which bounds how long an earlier process's requests may
	// still land.
	leads *leadguard.Guard
	// drift reads records back for drift checks without holding a worker.
	drift *driftreads.Reads
	// ownWrites keeps the watch events of this process's own state writes from waking the
	// identity again.
	ownWrites *ownwrites.Filter
	// identities holds identities with work ahead whole, and of those in sync only what
	// tells whether they still are.
	identities *identityindex.Index
}

// newIdentityReconciler wires the reconciler and its helpers. The destination reconciler
// shares the logged-in connections, the metrics and the identity index.
func newIdentityReconciler(mgr ctrl.Manager, opts Options, conns *connections, m *metrics, identities *identityindex.Index) *IdentityReconciler {
	r := &IdentityReconciler{
		Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorder("salesforce-identity"),
		Options: opts, connections: conns, metrics: m, now: time.Now, identities: identities,
		ownWrites: &ownwrites.Filter{},
		// A read waits for its batch, a login and the call itself.
		drift: driftreads.New(2*opts.SalesforceTimeout+time.Minute, time.Now),
	}
	r.drift.LimitTo(opts.MaxDriftReads)
	r.leads = leadguard.New(mgr.GetClient(), r.pendingGrace(), time.Now)
	return r
}

// +kubebuilder:rbac:groups=salesforce.destinations.dev,resources=salesforceidentities,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=salesforce.destinations.dev,resources=salesforceidentities/status,verbs=get;patch
// +kubebuilder:rbac:groups=salesforce.destinations.dev,resources=salesforcedestinations,verbs=get;list;watch;patch

// Reconcile brings the identity's Salesforce records in line with its spec. An identity whose
// spec, destination and drift schedule are unchanged costs no Salesforce call.
func (r *IdentityReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, reterr error) {
	started := r.now()
	defer func() { r.metrics.observeSync(r.now().Sub(started)) }()
	r.leads.Started()
	obj, res, err := r.load(ctx, req.NamespacedName)
	if obj == nil {
		return res, err
	}
	base := obj.DeepCopy()
	defer func() { res, reterr = patchIdentityStatus(ctx, r, base, obj, res, reterr) }()

	st, err := loadState(obj)
	if err != nil {
		applyConditions(&obj.Status.Conditions, obj.Generation, outcome{reason: sfv1.ReasonInvalidTraits, stalled: true, message: err.Error()})
		return ctrl.Result{}, nil
	}
	if !obj.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, obj, st)
	}
	if reason, message, suspended := r.suspension(ctx, obj); suspended {
		// Nothing requeues a suspended identity: the spec change that resumes it wakes it.
		markSuspended(&obj.Status.Conditions, &obj.Status.ObservedGeneration, obj.Generation, reason, message)
		return ctrl.Result{}, nil
	}
	clearSuspended(&obj.Status.Conditions)
	if o, tooLarge := traitsTooLarge(obj); tooLarge {
		applyConditions(&obj.Status.Conditions, obj.Generation, o)
		return ctrl.Result{}, nil
	}
	if err := r.ensureFinalizer(ctx, obj, base); err != nil {
		return ctrl.Result{}, err
	}
	s := &identitySync{r: r, obj: obj, base: base, state: st, now: r.now(), generation: obj.Generation}
	v := s.run(ctx)
	if v.quiet {
		return v.result, v.err
	}
	r.recordTransition(obj, v.outcome)
	finishStatus(&obj.Status, s.generation, v.outcome, v.err)
	return v.result, v.err
}

// load returns the identity to reconcile, or nil when there is nothing to do: it is gone, or
// it is in sync and has no work until the returned requeue. An identity with work ahead is
// the index's copy; one in sync that has work again is read from the API server.
func (r *IdentityReconciler) load(ctx context.Context, key client.ObjectKey) (*sfv1.SalesforceIdentity, ctrl.Result, error) {
	view, ok := r.identities.Get(key)
	if !ok {
		r.drift.Forget(key)
		return nil, ctrl.Result{}, nil
	}
	if view.Object != nil {
		return view.Object.DeepCopy(), ctrl.Result{}, nil
	}
	if res, still := r.stillInSync(ctx, key.Namespace, view); still {
		return nil, res, nil
	}
	obj := &sfv1.SalesforceIdentity{}
	if err := r.APIReader.Get(ctx, key, obj); err != nil {
		if apierrors.IsNotFound(err) {
			r.drift.Forget(key)
		}
		return nil, ctrl.Result{}, client.IgnoreNotFound(err)
	}
	return obj, ctrl.Result{}, nil
}

// stillInSync decides from the index alone that an identity in sync has nothing to do: its
// destination is Ready with the settings it was written with, and decide finds no step. The
// full reconcile would reach the same answer with the same requeue, after reading the
// identity.
func (r *IdentityReconciler) stillInSync(ctx context.Context, namespace string, view identityindex.View) (ctrl.Result, bool) {
	dest := &sfv1.SalesforceDestination{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: view.Destination()}, dest); err != nil {
		return ctrl.Result{}, false
	}
	ready := meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue || dest.Spec.Suspend || dest.Spec.DefaultManagementPolicy == sfv1.ManagementObserve {
		// A suspended destination's identities go the full way, which records the suspension;
		// so do those that may observe by the destination's default, which plan instead.
		return ctrl.Result{}, false
	}
	var checked *metav1.Time
	if c := view.Checked(); !c.IsZero() {
		checked = &metav1.Time{Time: c}
	}
	next := decide(syncFacts{written: view.InSync && settingsDigest(dest) == view.Settings(),
		checked: checked, interval: driftInterval(dest)}, r.now())
	return ctrl.Result{RequeueAfter: next.requeueAfter}, next.step == stepNone
}

// ensureFinalizer adds or removes the identity's finalizer. Only deletionPolicy Delete has
// work to do on deletion. Its finalizer comes first, so no record can be created that a
// deletion would not see; Orphan identities carry none and save a write each.
func (r *IdentityReconciler) ensureFinalizer(ctx context.Context, obj, base *sfv1.SalesforceIdentity) error {
	want := obj.Spec.DeletionPolicy == sfv1.DeletionPolicyDelete
	if want == controllerutil.ContainsFinalizer(obj, sfv1.FinalizerIdentity) {
		return nil
	}
	patchBase := obj.DeepCopy()
	if want {
		controllerutil.AddFinalizer(obj, sfv1.FinalizerIdentity)
	} else {
		controllerutil.RemoveFinalizer(obj, sfv1.FinalizerIdentity)
	}
	if err := r.Patch(ctx, obj, client.MergeFrom(patchBase)); err != nil {
		return err
	}
	// The answer is the stored object: the status patch diffs against it.
	obj.DeepCopyInto(base)
	return nil
}

// recordTransition emits a Warning event when the identity enters a failing state, once, not
// on every retry.
func (r *IdentityReconciler) recordTransition(obj *sfv1.SalesforceIdentity, o outcome) {
	if msg, ok := failedEvent(obj.Status.Conditions, o); ok {
		r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, "Failed", "Sync", "%s", msg)
	}
}

// emitSyncEvents emits one event per record created or updated by a reconcile, when the
// manager was asked to. Drift corrections have their own event naming the fields.
func (r *IdentityReconciler) emitSyncEvents(obj *sfv1.SalesforceIdentity, st syncState, done map[string]sfv1.RecordOperation, driftOnly bool) {
	if !r.Options.SyncEvents {
		return
	}
	for _, rec := range st.Records {
		switch done[rec.Key] {
		case sfv1.RecordCreated:
			r.Recorder.Eventf(obj, nil, corev1.EventTypeNormal, "Created", "Sync", "Created %s %s", rec.Type, rec.ID)
		case sfv1.RecordUpdated:
			if !driftOnly {
				r.Recorder.Eventf(obj, nil, corev1.EventTypeNormal, "Updated", "Sync", "Updated %s %s", rec.Type, rec.ID)
			}
		}
	}
}

// reconcileDelete removes the records this identity created when its policy says so; records
// it only adopted (found by email or named by an externalId id) are never deleted.
func (r *IdentityReconciler) reconcileDelete(ctx context.Context, obj *sfv1.SalesforceIdentity, st syncState) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, sfv1.FinalizerIdentity) {
		return ctrl.Result{}, nil
	}
	// Neither a suspended nor an observing identity writes to Salesforce, deletions included.
	_, _, leaveAlone := r.suspension(ctx, obj)
	leaveAlone = leaveAlone || r.observes(ctx, obj)
	if leaveAlone && obj.Spec.DeletionPolicy == sfv1.DeletionPolicyDelete {
		r.orphanSuspended(obj, st)
	}
	if !leaveAlone && obj.Spec.DeletionPolicy == sfv1.DeletionPolicyDelete {
		if err := r.deleteCreated(ctx, obj, st); err != nil {
			v := classify(err)
			if v.quiet {
				return v.result, v.err
			}
			if v.progressing {
				// Still deleting: the records stay until Salesforce confirms.
				v.reason, v.message = sfv1.ReasonDeleting, "Deleting the records this identity created failed, retrying: "+v.message
			}
			applyConditions(&obj.Status.Conditions, obj.Generation, v.outcome)
			return v.result, v.err
		}
	}
	patchBase := obj.DeepCopy()
	controllerutil.RemoveFinalizer(obj, sfv1.FinalizerIdentity)
	if err := r.Patch(ctx, obj, client.MergeFrom(patchBase)); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	return ctrl.Result{}, nil
}

// deleteCreated deletes the records the identity created, through its destination's client.
func (r *IdentityReconciler) deleteCreated(ctx context.Context, obj *sfv1.SalesforceIdentity, st syncState) error {
	var created []managedRecord
	for _, rec := range st.Records {
		if rec.Created {
			created = append(created, rec)
		}
	}
	if len(created) == 0 {
		return nil
	}
	dest := &sfv1.SalesforceDestination{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: obj.Namespace, Name: obj.Spec.DestinationRef.Name}, dest); err != nil {
		if apierrors.IsNotFound(err) {
			// The destination holds its finalizer while identities exist, so this only happens
			// when someone removed it by hand; there is no org left to delete from.
			return nil
		}
		return err
	}
	conn := r.connections.get(client.ObjectKeyFromObject(dest))
	if conn == nil {
		return &syncFailure{outcome: outcome{reason: sfv1.ReasonDestinationNotReady, progressing: true,
			message: fmt.Sprintf("Waiting for SalesforceDestination %q to log in before deleting records", dest.Name)},
			requeueAfter: 5 * time.Second}
	}
	for _, rec := range created {
		if err := conn.external.Delete(ctx, rec.Type, rec.ID); err != nil {
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
