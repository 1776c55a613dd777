package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// drainEvents returns the events recorded so far.
func (w *fakeWorld) drainEvents() []string {
	var out []string
	for {
		select {
		case e := <-w.events.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

// deleteIdentity deletes the stored identity (its finalizer keeps it, marked for deletion)
// and reconciles it.
func (w *fakeWorld) deleteIdentity(name string) {
	w.t.Helper()
	if err := w.c.Delete(context.Background(), w.get(name)); err != nil {
		w.t.Fatal(err)
	}
	w.index(name) // as the watch would tell the index
	if _, err := w.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: fakeNamespace, Name: name}}); err != nil {
		w.t.Fatal(err)
	}
}

// deletionPolicy Delete deletes what the identity created, saying so in an event, and never
// a record an externalId id named, even one it wrote to.
func TestDeletionPolicyDeleteAgainstFakeExternal(t *testing.T) {
	const named = "001000000000555AAA"
	cases := map[string]struct {
		externalID  sfv1.ExternalID
		wantDeletes []string
		wantEvent   string
	}{
		"a record the identity created is deleted": {
			externalID:  sfv1.ExternalID{Type: "Salesforce-Account"},
			wantDeletes: []string{"delete Account 001000000000000001"},
			wantEvent:   "Normal Deleted Deleted Account 001000000000000001",
		},
		"a record an externalId id named is left alone": {
			externalID: sfv1.ExternalID{Type: "Salesforce-Account", ID: named},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := fakeIdentity("a", `{"Name":"Acme"}`, tc.externalID)
			obj.Spec.DeletionPolicy = sfv1.DeletionPolicyDelete
			ext := &fakeExternal{}
			w := newFakeWorld(t, ext, readyFakeDestination(), obj)
			if _, err := w.reconcile("a"); err != nil {
				t.Fatal(err)
			}
			w.drainEvents()
			w.deleteIdentity("a")
			var deletes []string
			for _, c := range ext.Calls() {
				if strings.HasPrefix(c, "delete ") {
					deletes = append(deletes, c)
				}
			}
			if !slices.Equal(deletes, tc.wantDeletes) {
				t.Errorf("deletes %q, want %q (all calls %q)", deletes, tc.wantDeletes, ext.Calls())
			}
			events := w.drainEvents()
			if tc.wantEvent != "" && !slices.Contains(events, tc.wantEvent) {
				t.Errorf("events %q, want %q", events, tc.wantEvent)
			}
			gone := w.c.Get(context.Background(), client.ObjectKey{Namespace: fakeNamespace, Name: "a"}, &sfv1.SalesforceIdentity{})
			if gone == nil {
				t.Error("the identity is still stored: its finalizer was not removed")
			}
		})
	}
}

// The Failed event is emitted when the identity enters a failing state, not on every retry
// of the same failure, and again after it recovered and failed anew.
func TestFailedEventOncePerTransition(t *testing.T) {
	rejected := &salesforce.Error{StatusCode: 400, Code: "INVALID_FIELD", Message: "No such column"}
	fail := true
	ext := &fakeExternal{
		ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
			if fail {
				return nil, rejected
			}
			return nil, nil
		},
		UpdateFn: func(string, string, map[string]any) error {
			if fail {
				return rejected
			}
			return nil
		},
	}
	w := newFakeWorld(t, ext, readyFakeDestination(), fakeIdentity("a", `{"email":"alex@example.com"}`))
	failed := func() int {
		n := 0
		for _, e := range w.drainEvents() {
			if strings.HasPrefix(e, "Warning Failed "+sfv1.ReasonSalesforceRejected+": ") {
				n++
			}
		}
		return n
	}
	for i, step := range []struct {
		fail       bool
		wantFailed int
	}{{true, 1}, {true, 0}, {true, 0}, {false, 0}, {true, 1}} {
		fail = step.fail
		// A new spec each time: a terminal failure waits for a change before it retries.
		obj := w.get("a")
		obj.Generation++
		obj.Spec.Traits.Raw = []byte(fmt.Sprintf(`{"email":"alex@example.com","title":"T%d"}`, i))
		if err := w.c.Update(context.Background(), obj); err != nil {
			t.Fatal(err)
		}
		w.index("a")
		_, _ = w.reconcile("a")
		if got := failed(); got != step.wantFailed {
			t.Fatalf("reconcile %d (failing %v): %d Failed events, want %d", i, step.fail, got, step.wantFailed)
		}
	}
}

// The API budget stops calls once the org's usage reaches the destination's share, not one
// call earlier; without a figure or a share there is no guard.
func TestAPIBudgetBoundaries(t *testing.T) {
	cases := map[string]struct {
		percent   int32
		used, max int
		ok        bool
		exhausted bool
	}{
		"one below the share":          {percent: 50, used: 49, max: 100, ok: true},
		"exactly at the share":         {percent: 50, used: 50, max: 100, ok: true, exhausted: true},
		"beyond the share":             {percent: 50, used: 51, max: 100, ok: true, exhausted: true},
		"one below, share not a whole": {percent: 33, used: 329, max: 1000, ok: true},
		"at a share not a whole":       {percent: 33, used: 330, max: 1000, ok: true, exhausted: true},
		"one below the whole day":      {percent: 100, used: 99_999, max: 100_000, ok: true},
		"the whole day":                {percent: 100, used: 100_000, max: 100_000, ok: true, exhausted: true},
		"no usage figure yet":          {percent: 50, used: 90, max: 100},
		"no share set":                 {used: 100, max: 100, ok: true},
		"an org reporting no maximum":  {percent: 50, used: 10, ok: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, used, max := apiBudget{percent: tc.percent}.exhausted(func() (int, int, bool) { return tc.used, tc.max, tc.ok })
			if got != tc.exhausted || used != tc.used || max != tc.max {
				t.Errorf("exhausted = %v (%d of %d), want %v", got, used, max, tc.exhausted)
			}
		})
	}
}

// A record the identity created and the spec then names by its ID (as CreateIncomplete's
// message suggests for adopting a record) is the user's from then on: deletionPolicy Delete
// leaves it.
func TestDeletionPolicyDeleteLeavesACreatedRecordOnceNamed(t *testing.T) {
	obj := fakeIdentity("a", `{"Name":"Acme"}`, sfv1.ExternalID{Type: "Salesforce-Account"})
	obj.Spec.DeletionPolicy = sfv1.DeletionPolicyDelete
	ext := &fakeExternal{}
	w := newFakeWorld(t, ext, readyFakeDestination(), obj)
	if _, err := w.reconcile("a"); err != nil {
		t.Fatal(err)
	}
	named := w.get("a")
	st, _ := loadState(named)
	if len(st.Records) != 1 || !st.Records[0].Created {
		t.Fatalf("state %+v: want the created Account", st)
	}
	named.Spec.ExternalID[0].ID = st.Records[0].ID
	named.Generation++
	if err := w.c.Update(context.Background(), named); err != nil {
		t.Fatal(err)
	}
	w.index("a")
	if _, err := w.reconcile("a"); err != nil {
		t.Fatal(err)
	}
	w.deleteIdentity("a")
	for _, c := range ext.Calls() {
		if strings.HasPrefix(c, "delete ") {
			t.Fatalf("%s: a record the spec named was deleted (calls %q)", c, ext.Calls())
		}
	}
}
