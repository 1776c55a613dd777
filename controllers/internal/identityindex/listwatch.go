package identityindex

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// ListWatch lists and watches identities with a client of the manager's config. It says it
// does not support watch-list streaming, so the reflector lists in pages and the list's
// objects are let go page by page.
func ListWatch(c client.WithWatch) toolscache.ListerWatcher {
	return namespaceListWatch(c, "")
}

// namespaceListWatch is ListWatch for one namespace; "" is all of them.
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

type plainListWatch struct{ *toolscache.ListWatch }

func (plainListWatch) IsWatchListSemanticsUnSupported() bool { return true }
