// Package ownwrites tells the watch events of this process's own state writes from other
// changes. It exists so that a reconcile's own write does not wake the identity again: the
// reconcile that made it already acted on it, and waking it would only recompute the same
// status from a view that may not have seen the write yet.
package ownwrites

import (
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Filter remembers, from a write until its watch event, the resourceVersion the write
// produced. An entry lives milliseconds; one whose event never comes (the watch was restarted
// meanwhile) is replaced by the object's next write. The zero Filter is ready to use.
type Filter struct{ versions sync.Map }

// Wrote records obj as this process wrote it, resourceVersion included.
func (f *Filter) Wrote(obj client.Object) {
	f.versions.Store(client.ObjectKeyFromObject(obj), obj.GetResourceVersion())
}

// Made reports whether obj is the version a write of this process produced. It says so once:
// a second event with the same version is not ours any more. A nil Filter made nothing.
func (f *Filter) Made(obj client.Object) bool {
	if f == nil {
		return false
	}
	key := client.ObjectKeyFromObject(obj)
	return f.versions.CompareAndDelete(key, obj.GetResourceVersion())
}
