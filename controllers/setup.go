package controllers

import (
	"context"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/identityindex"
	"github.com/destinations/salesforce-controller/controllers/internal/ownwrites"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/batch"
)

// indexDestinationSecret is the field index of which destinations use a Secret. Which
// identities use a destination, the identity index knows.
const indexDestinationSecret = "spec.credentialsSecretRef.name"

// SetupWithManager registers the indexes and both reconcilers, sharing one set of
// logged-in Salesforce clients.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	opts = opts.withDefaults()
	hosts, err := salesforce.ParseHostPolicy(opts.AllowedLoginHosts)
	if err != nil {
		return err
	}
	signer.install(opts.StateKey)
	ctx := context.Background()
	idx := mgr.GetFieldIndexer()
	if err := idx.IndexField(ctx, &sfv1.SalesforceDestination{}, indexDestinationSecret, func(o client.Object) []string {
		return []string{o.(*sfv1.SalesforceDestination).Spec.CredentialsSecretRef.Name}
	}); err != nil {
		return err
	}

	watcher, err := client.NewWithWatch(mgr.GetConfig(), client.Options{
		Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper(), HTTPClient: mgr.GetHTTPClient()})
	if err != nil {
		return err
	}
	identities := newIdentityIndex(identityindex.ListWatch(watcher))
	var indexFeed manager.Runnable = identities
	if namespaces := ParseNamespaces(opts.WatchNamespaces); len(namespaces) > 0 {
		indexFeed = identities.Namespaced(watcher, namespaces)
	}
	if err := mgr.Add(indexFeed); err != nil {
		return err
	}
	conns := newConnections()
	m := newMetrics()
	m.countIdentities(identities)
	dr := newDestinationReconciler(mgr, opts, conns, m, identities, hosts)
	ir := newIdentityReconciler(mgr, opts, conns, m, identities)
	if err := mgr.Add(ir.leads); err != nil {
		return err
	}

	if err := ctrl.NewControllerManagedBy(mgr).
		Named("salesforcedestination").
		For(&sfv1.SalesforceDestination{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(dr.destinationsForSecret),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		// Identities coming and going change the count in status and may unblock a deletion.
		WatchesRawSource(identities.Events(destinationOfIdentity)).
		WatchesRawSource(source.Channel(conns.relogins, &handler.EnqueueRequestForObject{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: 4, RateLimiter: rateLimiter(), SkipNameValidation: &opts.skipNameValidation}).
		Complete(dr); err != nil {
		return err
	}

	return ctrl.NewControllerManagedBy(mgr).
		Named("salesforceidentity").
		WatchesRawSource(identities.Events(wakes(ir.ownWrites))).
		Watches(&sfv1.SalesforceDestination{}, handler.EnqueueRequestsFromMapFunc(ir.identitiesForDestination),
			builder.WithPredicates(destinationReadyOrSpecChanged())).
		WatchesRawSource(source.Channel(ir.drift.Wakes(), &handler.EnqueueRequestForObject{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: opts.MaxConcurrentReconciles, RateLimiter: rateLimiter(), SkipNameValidation: &opts.skipNameValidation}).
		Complete(ir)
}

// rateLimiter backs off per item from 1s to 5 minutes. controller-runtime's default starts
// at 5ms, which would hammer Salesforce during an outage. There is no overall bucket: the
// Salesforce budget guard and batching bound the calls, and a bucket would cap how fast ten
// thousand new identities are taken up.
func rateLimiter() workqueue.TypedRateLimiter[reconcile.Request] {
	return workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](time.Second, 5*time.Minute)
}

// wakes says which changes of an identity reconcile it: its creation and deletion, a new
// generation, the start of its deletion, and annotation changes other than the controller's
// own state writes. Those are the pre-create marker (the reconcile that wrote it is still
// running and records the outcome itself) and any state write whose event carries the
// resourceVersion the write produced (the reconcile that made it already acted on it; waking
// it again would only recompute the same status from a view that may not have seen it yet).
// Every other change of the state annotation, such as a person adopting a record, wakes the
// identity. Status updates do not.
func wakes(own *ownwrites.Filter) identityindex.WakeFunc {
	return func(key types.NamespacedName, old, now *identityindex.View, obj *sfv1.SalesforceIdentity) []reconcile.Request {
		wake := []reconcile.Request{{NamespacedName: key}}
		switch {
		case old == nil || now == nil, now.Generation != old.Generation, now.Deleting, now.Annotations != old.Annotations:
			return wake
		case now.State == old.State || obj == nil:
			return nil
		case own.Made(obj), strings.Contains(obj.Annotations[sfv1.AnnotationState], `"pending"`):
			return nil
		}
		return wake
	}
}

// destinationReadyOrSpecChanged passes destination updates identities care about: a new
// spec (settings change the plan) or Ready flipping. Status churn such as API usage does not
// fan out to every identity.
func destinationReadyOrSpecChanged() predicate.Funcs {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			if e.ObjectOld.GetGeneration() != e.ObjectNew.GetGeneration() {
				return true
			}
			return readyStatus(e.ObjectOld) != readyStatus(e.ObjectNew)
		},
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
}

func readyStatus(o client.Object) metav1.ConditionStatus {
	d, ok := o.(*sfv1.SalesforceDestination)
	if !ok {
		return metav1.ConditionUnknown
	}
	if c := meta.FindStatusCondition(d.Status.Conditions, sfv1.ConditionReady); c != nil {
		return c.Status
	}
	return metav1.ConditionUnknown
}

func (r *DestinationReconciler) destinationsForSecret(ctx context.Context, o client.Object) []reconcile.Request {
	var list sfv1.SalesforceDestinationList
	if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()),
		client.MatchingFields{indexDestinationSecret: o.GetName()}); err != nil {
		return nil
	}
	reqs := make([]reconcile.Request, len(list.Items))
	for i, d := range list.Items {
		reqs[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&d)}
	}
	return reqs
}

// destinationOfIdentity wakes the destination when one of its identities comes, goes or
// starts going: its count in status changes and its deletion may be unblocked.
func destinationOfIdentity(key types.NamespacedName, old, now *identityindex.View, _ *sfv1.SalesforceIdentity) []reconcile.Request {
	var v *identityindex.View
	switch {
	case old == nil:
		v = now
	case now == nil, now.Deleting && !old.Deleting:
		v = old
	default:
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: key.Namespace, Name: v.Destination()}}}
}

func (r *IdentityReconciler) identitiesForDestination(_ context.Context, o client.Object) []reconcile.Request {
	keys := r.identities.KeysOf(client.ObjectKeyFromObject(o))
	reqs := make([]reconcile.Request, len(keys))
	for i, key := range keys {
		reqs[i] = reconcile.Request{NamespacedName: key}
	}
	return reqs
}

// newBatchAPI coalesces one destination's calls. The identity workers are the callers that
// can wait on it: when all of them have joined a batch, no one else can, and it leaves.
func newBatchAPI(sf *salesforce.Client, o Options, m *metrics) *batch.Coalescer {
	return batch.New(sf, batch.Options{Window: o.BatchWindow, Callers: o.MaxConcurrentReconciles, Observe: m.observeBatch})
}
