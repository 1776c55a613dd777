// Package identityindex keeps the manager's view of every SalesforceIdentity in place of an
// informer's cache of whole objects. It exists for memory: an identity in sync, the common
// case, is kept as the few facts that decide whether it still is, about a tenth of an object,
// so ten thousand of them cost about as much as a thousand cached objects. An identity with
// work ahead of it is kept whole, so its reconcile reads it as it would from a cache.
//
// What "in sync" means is not this package's business: the controller supplies a summarize
// function that reads its own state and says so.
package identityindex

import (
	"context"
	"hash/fnv"
	"maps"
	"slices"
	"sync"
	"time"
	"unique"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// Summary is what the controller's summarize function says of an identity.
type Summary struct {
	// InSync: the identity was in sync with its spec and destination settings when last
	// written. Only then is it kept as a View without its object.
	InSync bool
	// Settings names the destination settings it was written with.
	Settings string
	// Checked is when its records were last confirmed; zero for never.
	Checked time.Time
}

// Index holds every SalesforceIdentity as a View. It is filled by a reflector (Start) and
// tells each change to its listeners.
type Index struct {
	mu      sync.RWMutex
	entries map[types.NamespacedName]View
	// users counts identities per destination, for the destination's status and its
	// deletion guard.
	users     map[types.NamespacedName]int
	listeners []Listener
	synced    chan struct{}
	syncOnce  sync.Once

	lw        toolscache.ListerWatcher
	trim      toolscache.TransformFunc
	summarize func(*sfv1.SalesforceIdentity) Summary
}

// Listener hears every change of the index. old is nil for a new identity, now is nil for a
// deleted one; obj is the object the change brought, nil when replayed or deleted.
type Listener func(key types.NamespacedName, old, now *View, obj *sfv1.SalesforceIdentity)

// New returns an index fed by lw. trim reduces each identity before it is kept (the manager's
// cache transform, so a whole identity here is what a cache would hold); summarize decides
// which identities are in sync.
func New(lw toolscache.ListerWatcher, trim toolscache.TransformFunc, summarize func(*sfv1.SalesforceIdentity) Summary) *Index {
	return &Index{
		entries:   map[types.NamespacedName]View{},
		users:     map[types.NamespacedName]int{},
		synced:    make(chan struct{}),
		lw:        lw,
		trim:      trim,
		summarize: summarize,
	}
}

// Start runs the index's list and watch until ctx ends.
func (x *Index) Start(ctx context.Context) error {
	r := toolscache.NewReflectorWithOptions(x.lw, &sfv1.SalesforceIdentity{}, x, toolscache.ReflectorOptions{Name: "salesforce-identities"})
	r.RunWithContext(ctx)
	return nil
}

// NeedLeaderElection: a standby keeps its index warm, as it would keep a cache.
func (x *Index) NeedLeaderElection() bool { return false }

// WaitForSync returns once the index has listed every identity.
func (x *Index) WaitForSync(ctx context.Context) error {
	select {
	case <-x.synced:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Listen registers l and tells it of every identity already known, as new ones.
func (x *Index) Listen(l Listener) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.listeners = append(x.listeners, l)
	for key, v := range x.entries {
		l(key, nil, &v, nil)
	}
}

// Get returns what the index holds of an identity.
func (x *Index) Get(key types.NamespacedName) (View, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	v, ok := x.entries[key]
	return v, ok
}

// UsersOf counts the identities that name a destination.
func (x *Index) UsersOf(dest types.NamespacedName) int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.users[dest]
}

// KeysOf lists the identities that name a destination.
func (x *Index) KeysOf(dest types.NamespacedName) []types.NamespacedName {
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

func (x *Index) Add(obj any) error { return x.Update(obj) }
func (x *Index) Resync() error     { return nil }

func (x *Index) Update(obj any) error {
	id, ok := obj.(*sfv1.SalesforceIdentity)
	if !ok {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.store(id)
	return nil
}

func (x *Index) Delete(obj any) error {
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
func (x *Index) Replace(list []any, _ string) error {
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
func (x *Index) store(id *sfv1.SalesforceIdentity) types.NamespacedName {
	trimmed, _ := x.trim(id)
	id = trimmed.(*sfv1.SalesforceIdentity)
	key := indexKey(id)
	now := x.viewOf(id)
	old, had := x.entries[key]
	x.entries[key] = now
	if !had || old.destination != now.destination {
		if had {
			x.uncount(key.Namespace, old)
		}
		x.users[types.NamespacedName{Namespace: key.Namespace, Name: now.destination.Value()}]++
	}
	var prev *View
	if had {
		prev = &old
	}
	for _, l := range x.listeners {
		l(key, prev, &now, id)
	}
	return key
}

func (x *Index) drop(key types.NamespacedName) {
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

func (x *Index) uncount(namespace string, v View) {
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
func (x *Index) viewOf(id *sfv1.SalesforceIdentity) View {
	v := View{
		destination: unique.Make(id.Spec.DestinationRef.Name),
		Generation:  id.Generation,
		ready:       unique.Make(readyOf(id)),
		Annotations: otherAnnotationsDigest(id.Annotations),
		State:       digest(id.Annotations[sfv1.AnnotationState]),
		Deleting:    !id.DeletionTimestamp.IsZero(),
	}
	s := x.summarize(id)
	if !s.InSync {
		v.Object = id
		return v
	}
	v.InSync = true
	v.settings = unique.Make(s.Settings)
	if !s.Checked.IsZero() {
		v.checked = s.Checked.UnixNano()
	}
	return v
}

func readyOf(id *sfv1.SalesforceIdentity) Ready {
	if c := meta.FindStatusCondition(id.Status.Conditions, sfv1.ConditionReady); c != nil {
		return Ready{Status: string(c.Status), Reason: c.Reason}
	}
	return Ready{Status: string(metav1.ConditionUnknown)}
}

// otherAnnotationsDigest covers every annotation but the state. kubectl's last-applied copy
// is not among them when trim removed it, as the manager's cache transform does.
func otherAnnotationsDigest(annotations map[string]string) uint64 {
	h := fnv.New64a()
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		if k == sfv1.AnnotationState {
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
