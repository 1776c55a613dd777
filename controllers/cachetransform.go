package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// lastAppliedAnnotation is where client-side `kubectl apply` (and Argo CD, which uses it)
// keeps a full copy of the applied manifest: for an identity, its traits a second time.
const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// CacheTransform trims what the manager's informers keep of each object to what the
// controllers read: managed fields and the last-applied copy go, which for an identity applied
// with `kubectl apply` is most of its metadata. Writes are patches computed against the
// trimmed copy, so what is trimmed is never sent back or removed.
func CacheTransform() toolscache.TransformFunc {
	stripManagedFields := cache.TransformStripManagedFields()
	return func(in any) (any, error) {
		out, err := stripManagedFields(in)
		if err != nil {
			return out, err
		}
		if obj, err := meta.Accessor(out); err == nil {
			if a := obj.GetAnnotations(); a != nil {
				if _, ok := a[lastAppliedAnnotation]; ok {
					delete(a, lastAppliedAnnotation)
					if len(a) == 0 {
						obj.SetAnnotations(nil)
					}
				}
			}
		}
		return out, nil
	}
}
