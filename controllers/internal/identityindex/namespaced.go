package identityindex

import (
	"context"
	"maps"
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// Namespaced feeds the index from one list and watch per namespace, for a manager whose RBAC
// reaches only those namespaces (--watch-namespaces). Each namespace's reflector owns that
// namespace's part of the index; a relist of one never drops another's. Run it in place of
// the index's own Start.
type Namespaced struct {
	index      *Index
	watcher    client.WithWatch
	namespaces []string
}

// Namespaced returns the feed of the index from the given namespaces only.
func (x *Index) Namespaced(watcher client.WithWatch, namespaces []string) *Namespaced {
	return &Namespaced{index: x, watcher: watcher, namespaces: namespaces}
}

// NeedLeaderElection: a standby keeps its index warm, as it would keep a cache.
func (n *Namespaced) NeedLeaderElection() bool { return false }

// Start runs one reflector per namespace until ctx ends; the index counts as synced once each
// has listed its namespace.
func (n *Namespaced) Start(ctx context.Context) error {
	var listed sync.WaitGroup
	listed.Add(len(n.namespaces))
	var wg sync.WaitGroup
	for _, ns := range n.namespaces {
		store := &namespaceStore{Index: n.index, namespace: ns, listed: sync.OnceFunc(listed.Done)}
		r := toolscache.NewReflectorWithOptions(namespaceListWatch(n.watcher, ns), &sfv1.SalesforceIdentity{}, store,
			toolscache.ReflectorOptions{Name: "salesforce-identities/" + ns})
		wg.Go(func() { r.RunWithContext(ctx) })
	}
	go func() {
		listed.Wait()
		n.index.syncOnce.Do(func() { close(n.index.synced) })
	}()
	wg.Wait()
	return nil
}

// namespaceStore is the index as one namespace's reflector sees it.
type namespaceStore struct {
	*Index
	namespace string
	listed    func()
}

// Replace takes the namespace's full list: what it lacks in that namespace was deleted.
func (s *namespaceStore) Replace(list []any, _ string) error {
	x := s.Index
	x.mu.Lock()
	seen := make(map[types.NamespacedName]bool, len(list))
	for _, obj := range list {
		if id, ok := obj.(*sfv1.SalesforceIdentity); ok && id.Namespace == s.namespace {
			seen[x.store(id)] = true
		}
	}
	for _, key := range slices.Collect(maps.Keys(x.entries)) {
		if key.Namespace == s.namespace && !seen[key] {
			x.drop(key)
		}
	}
	x.mu.Unlock()
	s.listed()
	return nil
}
