package controllers

import (
	"context"
	"hash/fnv"
	"maps"
	"slices"
	"sync"
	"unique"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// identityIndex is the manager's view of every SalesforceIdentity, in place of an informer's
// cache of whole objects. An identity with work ahead of it (new, edited, failing, mid-create,
// being deleted) is kept whole, so its reconcile reads it as it would from a cache. One that is
// in sync is kept as the few facts that decide whether it still is: its generation, its
// destination, the destination settings and time of its last sync. That is a tenth of an
// object, and an identity in sync is the common case: ten thousand of them cost about as much
// memory as a thousand cached objects. When such an identity has work again (a drift check,
// new destination settings) its reconcile reads it from the API server.
type identityIndex struct {
	mu      sync.RWMutex
	entries map[types.NamespacedName]identityView
	// users counts identities per destination, for the destination's status and its
	// deletion guard.
	users     map[types.NamespacedName]int
	listeners []identityListener
	synced    chan struct{}
	syncOnce  sync.Once

	lw   toolscache.ListerWatcher
	trim toolscache.TransformFunc
}

// identityView is what the index keeps of one identity. Strings shared by many identities are
// interned.
type identityView struct {
	destination unique.Handle[string]
	generation  int64
	ready       unique.Handle[identityCondition]
	// annotations and state are digests of the annotations other than the state, and of the
	// state: enough to tell which of them an update changed.
	annotations uint64
	state       uint64
	deleting    bool
	// inSync: the identity was in sync with its spec and destination settings when last
	// written. Then settings and checked are set and object is nil.
	inSync   bool
	settings unique.Handle[string]
	// checked is when the records were last confirmed, in Unix nanoseconds; 0 for never.
	checked int64
	// object is the identity itself while it is not in sync.
	object *sfv1.SalesforceIdentity
}

// identityListener hears every change of the index. old is nil for a new identity, now is nil
// for a deleted one; obj is the object the change brought, nil when replayed or deleted.
type identityListener func(key types.NamespacedName, old, now *identityView, obj *sfv1.SalesforceIdentity)

func newIdentityIndex(lw toolscache.ListerWatcher) *identityIndex {
	return &identityIndex{
		entries: map[types.NamespacedName]identityView{},
		users:   map[types.NamespacedName]int{},
		synced:  make(chan struct{}),
		lw:      lw,
		trim:    CacheTransform(),
	}
}

// identityListWatch lists and watches identities with a client of the manager's config. It
// says it does not support watch-list streaming, so the reflector lists in pages and the
// list's objects are let go page by page.
func identityListWatch(c client.WithWatch) toolscache.ListerWatcher {
	return plainListWatch{&toolscache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			list := &sfv1.SalesforceIdentityList{}
			return list, c.List(ctx, list, &client.ListOptions{Raw: &opts})
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.AllowWatchBookmarks = true
			return c.Watch(ctx, &sfv1.SalesforceIdentityList{}, &client.ListOptions{Raw: &opts})
		},
	}}
}

type plainListWatch struct{ *toolscache.ListWatch }

func (plainListWatch) IsWatchListSemanticsUnSupported() bool { return true }

// Start runs the index's list and watch until ctx ends.
func (x *identityIndex) Start(ctx context.Context) error {
	r := toolscache.NewReflectorWithOptions(x.lw, &sfv1.SalesforceIdentity{}, x, toolscache.ReflectorOptions{Name: "salesforce-identities"})
	r.RunWithContext(ctx)
	return nil
}

// NeedLeaderElection: a standby keeps its index warm, as it would keep a cache.
func (x *identityIndex) NeedLeaderElection() bool { return false }

func (x *identityIndex) waitForSync(ctx context.Context) error {
	select {
	case <-x.synced:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listen registers l and tells it of every identity already known, as new ones.
func (x *identityIndex) listen(l identityListener) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.listeners = append(x.listeners, l)
	for key, v := range x.entries {
		l(key, nil, &v, nil)
	}
}

// get returns what the index holds of an identity.
func (x *identityIndex) get(key types.NamespacedName) (identityView, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	v, ok := x.entries[key]
	return v, ok
}

// usersOf counts the identities that name a destination.
func (x *identityIndex) usersOf(dest types.NamespacedName) int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.users[dest]
}

// keysOf lists the identities that name a destination.
func (x *identityIndex) keysOf(dest types.NamespacedName) []types.NamespacedName {
	name := unique.Make(dest.Name)
	x.mu.RLock()
	defer x.mu.RUnlock()
	var keys []types.NamespacedName
	for key, v := range x.entries {
		if key.Namespace == dest.Namespace && v.destination == name {
			keys = append(keys, key)
		}
	}
	return keys
}

// Add, Update, Delete, Replace and Resync are what the reflector calls.

func (x *identityIndex) Add(obj any) error { return x.Update(obj) }
func (x *identityIndex) Resync() error     { return nil }

func (x *identityIndex) Update(obj any) error {
	id, ok := obj.(*sfv1.SalesforceIdentity)
	if !ok {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.store(id)
	return nil
}

func (x *identityIndex) Delete(obj any) error {
	id, ok := obj.(*sfv1.SalesforceIdentity)
	if !ok {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.drop(indexKey(id))
	return nil
}

// Replace takes a full list: what it lacks was deleted while the watch was down.
func (x *identityIndex) Replace(list []any, _ string) error {
	x.mu.Lock()
	seen := make(map[types.NamespacedName]bool, len(list))
	for _, obj := range list {
		if id, ok := obj.(*sfv1.SalesforceIdentity); ok {
			seen[x.store(id)] = true
		}
	}
	for _, key := range slices.Collect(maps.Keys(x.entries)) {
		if !seen[key] {
			x.drop(key)
		}
	}
	x.mu.Unlock()
	x.syncOnce.Do(func() { close(x.synced) })
	return nil
}

// store files an identity as it now is and tells the listeners. The caller holds the lock.
func (x *identityIndex) store(id *sfv1.SalesforceIdentity) types.NamespacedName {
	trimmed, _ := x.trim(id)
	id = trimmed.(*sfv1.SalesforceIdentity)
	key := indexKey(id)
	now := viewOf(id)
	old, had := x.entries[key]
	x.entries[key] = now
	if !had || old.destination != now.destination {
		if had {
			x.uncount(key.Namespace, old)
		}
		x.users[types.NamespacedName{Namespace: key.Namespace, Name: now.destination.Value()}]++
	}
	var prev *identityView
	if had {
		prev = &old
	}
	for _, l := range x.listeners {
		l(key, prev, &now, id)
	}
	return key
}

func (x *identityIndex) drop(key types.NamespacedName) {
	old, had := x.entries[key]
	if !had {
		return
	}
	delete(x.entries, key)
	x.uncount(key.Namespace, old)
	for _, l := range x.listeners {
		l(key, &old, nil, nil)
	}
}

func (x *identityIndex) uncount(namespace string, v identityView) {
	dest := types.NamespacedName{Namespace: namespace, Name: v.destination.Value()}
	if x.users[dest]--; x.users[dest] <= 0 {
		delete(x.users, dest)
	}
}

// indexKey interns the namespace: every identity of a namespace shares it.
func indexKey(id *sfv1.SalesforceIdentity) types.NamespacedName {
	return types.NamespacedName{Namespace: unique.Make(id.Namespace).Value(), Name: id.Name}
}

// viewOf is what the index keeps of an identity.
func viewOf(id *sfv1.SalesforceIdentity) identityView {
	v := identityView{
		destination: unique.Make(id.Spec.DestinationRef.Name),
		generation:  id.Generation,
		ready:       unique.Make(readyBucket(id)),
		annotations: otherAnnotationsDigest(id.Annotations),
		state:       digest(id.Annotations[sfv1.AnnotationState]),
		deleting:    !id.DeletionTimestamp.IsZero(),
	}
	st, inSync := inSyncState(id)
	if !inSync {
		v.object = id
		return v
	}
	v.inSync = true
	v.settings = unique.Make(st.Settings)
	if checked := lastChecked(st, id.Status); checked != nil {
		v.checked = checked.UnixNano()
	}
	return v
}

// inSyncState reports whether the identity's last reconcile left it in sync with the spec it
// has now, with nothing outstanding: no deletion, no finalizer to add or remove, Ready for
// this generation, and a state written for this generation that names the destination
// settings it was written with and holds no unanswered create or write. The state decides,
// not status alone: status is what a person or a restore may rewrite.
func inSyncState(id *sfv1.SalesforceIdentity) (syncState, bool) {
	if !id.DeletionTimestamp.IsZero() || id.Status.ObservedGeneration != id.Generation {
		return syncState{}, false
	}
	wantFinalizer := id.Spec.DeletionPolicy == sfv1.DeletionPolicyDelete
	if wantFinalizer != controllerutil.ContainsFinalizer(id, sfv1.FinalizerIdentity) {
		return syncState{}, false
	}
	ready := meta.FindStatusCondition(id.Status.Conditions, sfv1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue || ready.ObservedGeneration != id.Generation {
		return syncState{}, false
	}
	st, err := loadState(id)
	if err != nil || st.Hash == "" || st.Generation != id.Generation || st.Settings == "" || st.Pending != nil || st.VerifyAfter != nil {
		return syncState{}, false
	}
	return st, true
}

func readyBucket(id *sfv1.SalesforceIdentity) identityCondition {
	if c := meta.FindStatusCondition(id.Status.Conditions, sfv1.ConditionReady); c != nil {
		return identityCondition{status: string(c.Status), reason: c.Reason}
	}
	return identityCondition{status: string(metav1.ConditionUnknown)}
}

func otherAnnotationsDigest(annotations map[string]string) uint64 {
	h := fnv.New64a()
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		if k == sfv1.AnnotationState || k == lastAppliedAnnotation {
			continue
		}
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(annotations[k]))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func digest(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// identityEvents feeds a controller's queue from the index. The controller starts its
// workers only once the index has listed every identity, as it would wait for a cache.
type identityEvents struct {
	index *identityIndex
	wake  func(key types.NamespacedName, old, now *identityView, obj *sfv1.SalesforceIdentity) []reconcile.Request
}

func (s identityEvents) Start(_ context.Context, q workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
	s.index.listen(func(key types.NamespacedName, old, now *identityView, obj *sfv1.SalesforceIdentity) {
		for _, req := range s.wake(key, old, now, obj) {
			q.Add(req)
		}
	})
	return nil
}

func (s identityEvents) WaitForSync(ctx context.Context) error { return s.index.waitForSync(ctx) }

func (s identityEvents) String() string { return "salesforce identity index" }
