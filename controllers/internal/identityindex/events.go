package identityindex

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// WakeFunc says which reconciles a change of the index calls for; its arguments are a
// Listener's.
type WakeFunc func(key types.NamespacedName, old, now *View, obj *sfv1.SalesforceIdentity) []reconcile.Request

// Events feeds a controller's queue from the index through wake. The controller starts its
// workers only once the index has listed every identity, as it would wait for a cache.
func (x *Index) Events(wake WakeFunc) source.TypedSource[reconcile.Request] {
	return events{index: x, wake: wake}
}

type events struct {
	index *Index
	wake  WakeFunc
}

func (s events) Start(_ context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
	s.index.Listen(func(key types.NamespacedName, old, now *View, obj *sfv1.SalesforceIdentity) {
		for _, req := range s.wake(key, old, now, obj) {
			q.Add(req)
		}
	})
	return nil
}

func (s events) WaitForSync(ctx context.Context) error { return s.index.WaitForSync(ctx) }

func (s events) String() string { return "salesforce identity index" }
