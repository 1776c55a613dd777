package controllers

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// ParseNamespaces reads --watch-namespaces: a comma-separated list, empty for all.
func ParseNamespaces(list string) []string {
	var out []string
	for _, ns := range strings.Split(list, ",") {
		if ns = strings.TrimSpace(ns); ns != "" && !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out
}

// namespacedIdentities feeds the identity index from one list and watch per namespace, for a
// manager whose RBAC reaches only those namespaces (--watch-namespaces). Each namespace's
// reflector owns that namespace's part of the index; a relist of one never drops another's.
type namespacedIdentities struct {
	index      *identityIndex
	watcher    client.WithWatch
	namespaces []string
}

func (n *namespacedIdentities) NeedLeaderElection() bool { return false }

func (n *namespacedIdentities) Start(ctx context.Context) error {
	var listed sync.WaitGroup
	listed.Add(len(n.namespaces))
	var wg sync.WaitGroup
	for _, ns := range n.namespaces {
		store := &namespaceStore{identityIndex: n.index, namespace: ns, listed: sync.OnceFunc(listed.Done)}
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

func namespaceListWatch(c client.WithWatch, ns string) toolscache.ListerWatcher {
	return plainListWatch{&toolscache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			list := &sfv1.SalesforceIdentityList{}
			return list, c.List(ctx, list, &client.ListOptions{Raw: &opts, Namespace: ns})
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.AllowWatchBookmarks = true
			return c.Watch(ctx, &sfv1.SalesforceIdentityList{}, &client.ListOptions{Raw: &opts, Namespace: ns})
		},
	}}
}

// namespaceStore is the index as one namespace's reflector sees it.
type namespaceStore struct {
	*identityIndex
	namespace string
	listed    func()
}

// Replace takes the namespace's full list: what it lacks in that namespace was deleted.
func (s *namespaceStore) Replace(list []any, _ string) error {
	x := s.identityIndex
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
