package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// tracked is what the bench knows of one identity.
type tracked struct {
	// created is when the client began the create call and readyAt when the watch first saw
	// Ready=True. Both are taken here: the API's timestamps have a resolution of one second,
	// too coarse for latencies of a fraction of one.
	created, readyAt time.Time
	ready            bool
	leadID           string
	// stateHash changes whenever a reconcile writes to Salesforce; driftCheck whenever the
	// records were last written or read back.
	stateHash, driftCheck string
}

// tracker follows every identity of a namespace through one watch.
type tracker struct {
	mu    sync.Mutex
	items map[string]*tracked
	// flaps counts Ready turning from True to something else.
	flaps int
}

func newTracker() *tracker { return &tracker{items: map[string]*tracked{}} }

func (t *tracker) markCreated(name string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.item(name).created = at
}

func (t *tracker) item(name string) *tracked {
	it, ok := t.items[name]
	if !ok {
		it = &tracked{}
		t.items[name] = it
	}
	return it
}

func (t *tracker) observe(obj *sfv1.SalesforceIdentity, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	it := t.item(obj.Name)
	c := meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReady)
	ready := c != nil && c.Status == metav1.ConditionTrue
	if it.ready && !ready {
		t.flaps++
	}
	it.ready = ready
	if it.ready && it.readyAt.IsZero() {
		it.readyAt = at
	}
	if len(obj.Status.Records) > 0 {
		it.leadID = obj.Status.Records[0].ID
	}
	if obj.Status.LastDriftCheckTime != nil {
		it.driftCheck = obj.Status.LastDriftCheckTime.UTC().Format(time.RFC3339)
	}
	var st struct {
		Hash string `json:"hash"`
	}
	_ = json.Unmarshal([]byte(obj.Annotations[sfv1.AnnotationState]), &st)
	it.stateHash = st.Hash
}

// snapshot copies the state of every identity.
func (t *tracker) snapshot() map[string]tracked {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]tracked, len(t.items))
	for name, it := range t.items {
		out[name] = *it
	}
	return out
}

func (t *tracker) snapshotOf(name string) tracked {
	t.mu.Lock()
	defer t.mu.Unlock()
	return *t.item(name)
}

func (t *tracker) flapCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.flaps
}

// count counts the identities for which pred holds.
func (t *tracker) count(pred func(name string, it *tracked) bool) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for name, it := range t.items {
		if pred(name, it) {
			n++
		}
	}
	return n
}

// waitFor polls until pred holds for want identities.
func (t *tracker) waitFor(ctx context.Context, timeout time.Duration, what string, want int, pred func(name string, it *tracked) bool) error {
	deadline := time.Now().Add(timeout)
	for {
		got := t.count(pred)
		if got >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s only %d of %d identities %s", timeout, got, want, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// run lists and watches until ctx ends. A watch the apiserver closes resumes from the last
// version seen; only an expired version costs a new list, which at ten thousand objects on a
// busy apiserver is slow enough to time out unless paged.
func (t *tracker) run(ctx context.Context, c client.WithWatch, namespace string) {
	rv := ""
	for ctx.Err() == nil {
		var err error
		if rv == "" {
			rv, err = t.list(ctx, c, namespace)
		}
		if err == nil {
			rv, err = t.watch(ctx, c, namespace, rv)
		}
		if err != nil && ctx.Err() == nil {
			logf("watch: %v; listing again", err)
			rv = ""
			time.Sleep(time.Second)
		}
	}
}

func (t *tracker) list(ctx context.Context, c client.WithWatch, namespace string) (string, error) {
	var rv, cont string
	for {
		var page sfv1.SalesforceIdentityList
		if err := c.List(ctx, &page, client.InNamespace(namespace), client.Limit(500), client.Continue(cont)); err != nil {
			return "", err
		}
		now := time.Now()
		for i := range page.Items {
			t.observe(&page.Items[i], now)
		}
		if rv == "" {
			rv = page.ResourceVersion
		}
		if cont = page.Continue; cont == "" {
			return rv, nil
		}
	}
}

// watch follows changes from rv until the watch ends, returning the last version seen.
func (t *tracker) watch(ctx context.Context, c client.WithWatch, namespace, rv string) (string, error) {
	w, err := c.Watch(ctx, &sfv1.SalesforceIdentityList{}, client.InNamespace(namespace),
		&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: rv}})
	if err != nil {
		return "", err
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		switch ev.Type {
		case watch.Added, watch.Modified:
			if obj, ok := ev.Object.(*sfv1.SalesforceIdentity); ok {
				t.observe(obj, time.Now())
				rv = obj.ResourceVersion
			}
		case watch.Error:
			return "", fmt.Errorf("watch error: %v", ev.Object)
		}
	}
	return rv, nil
}
