package controllers

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// fakeOrg is the org behind a fakeExternal: records created are kept and found again, by
// email (Leads) or by the values a lost create is matched on. A create may be held on the
// wire (sent, not yet landed), as a request still in flight when its process stops.
type fakeOrg struct {
	mu       sync.Mutex
	records  []orgRecord
	inFlight []orgRecord
	hold     bool
	n        int
	// afterSend runs once a create is sent, before its answer would come back.
	afterSend func()
}

type orgRecord struct {
	sobject, id string
	fields      map[string]any
}

func (o *fakeOrg) external() *fakeExternal {
	return &fakeExternal{
		CreateFn: func(sobject string, fields map[string]any) (string, bool, error) {
			o.mu.Lock()
			o.n++
			rec := orgRecord{sobject: sobject, id: fmt.Sprintf("%s%015d", prefixOf(sobject), o.n), fields: fields}
			if o.hold {
				o.inFlight = append(o.inFlight, rec)
			} else {
				o.records = append(o.records, rec)
			}
			after := o.afterSend
			o.mu.Unlock()
			if after != nil {
				after()
				return "", true, context.Canceled // the process stopped before the answer came
			}
			return rec.id, false, nil
		},
		ObserveLeadsFn: func(email string) ([]salesforce.LeadMatch, error) {
			var out []salesforce.LeadMatch
			for _, r := range o.find("Lead", map[string]string{"Email": email}) {
				out = append(out, salesforce.LeadMatch{ID: r})
			}
			return out, nil
		},
		ObserveLostCreateFn: func(sobject string, match map[string]string, _ time.Time) ([]string, error) {
			return o.find(sobject, match), nil
		},
	}
}

func (o *fakeOrg) find(sobject string, match map[string]string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var ids []string
	for _, r := range o.records {
		if r.sobject == sobject && matches(r.fields, match) {
			ids = append(ids, r.id)
		}
	}
	return ids
}

func matches(fields map[string]any, match map[string]string) bool {
	for k, v := range match {
		if fmt.Sprint(fields[k]) != v {
			return false
		}
	}
	return true
}

// land lets the creates still on the wire arrive.
func (o *fakeOrg) land() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.records = append(o.records, o.inFlight...)
	o.inFlight, o.hold = nil, false
}

func (o *fakeOrg) count(sobject string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, r := range o.records {
		if r.sobject == sobject {
			n++
		}
	}
	return n
}

// The crash window between sending a create and recording its ID: the process stops right
// after the request went out, the create lands later, and a new process must not create the
// record a second time. The pending-create marker stored before an externalId create, and
// the destination-wide mark stored before Lead creates, are what close it.
func TestCreateCrashWindowMakesNoDuplicate(t *testing.T) {
	cases := map[string]struct {
		identity *sfv1.SalesforceIdentity
		sobject  string
	}{
		"an externalId create (pending-create marker)": {
			identity: fakeIdentity("a", `{"Name":"Acme","Phone":"+1 555 0100"}`, sfv1.ExternalID{Type: "Salesforce-Account"}),
			sobject:  "Account",
		},
		"a Lead create (destination-wide Lead mark)": {
			identity: fakeIdentity("a", `{"email":"alex@example.com","name":"Alex Keener","company":"Acme"}`),
			sobject:  "Lead",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			org := &fakeOrg{hold: true}
			w := newFakeWorld(t, org.external(), readyFakeDestination(), tc.identity)
			org.afterSend = func() { w.process.dead.Store(true) }
			if _, err := w.reconcile("a"); err == nil {
				t.Fatal("the reconcile whose process stopped mid-create ended without an error")
			}
			if org.n != 1 {
				t.Fatalf("the first process sent %d creates, want 1", org.n)
			}

			org.afterSend = nil
			w.now = w.now.Add(time.Second)
			w.restart(org.external(), "a")
			_, _ = w.reconcile("a")
			org.land() // the first process's create arrives after the new process looked
			for i := 0; i < 4; i++ {
				w.now = w.now.Add(w.r.pendingGrace() + time.Second)
				_, _ = w.reconcile("a")
			}
			if got := org.count(tc.sobject); got != 1 {
				t.Fatalf("%d %s records in Salesforce after the restart, want 1; calls of the new process %q",
					got, tc.sobject, w.ext.Calls())
			}
			obj := w.get("a")
			if c := meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
				t.Fatalf("Ready = %+v, want the record the first process created adopted", c)
			}
		})
	}
}

// A reconcile that started from a stale view of its identity must not overwrite what a newer
// writer stored meanwhile: the state write and the status patch carry the resourceVersion of
// the view they were computed from, and the API server answers Conflict when it changed.
func TestOptimisticLocksRefuseStaleViews(t *testing.T) {
	const otherAccount = "001000000000077AAA"
	t.Run("state write: the newer state keeps its record and no second create is sent", func(t *testing.T) {
		ext := &fakeExternal{}
		w := newFakeWorld(t, ext, readyFakeDestination(), fakeIdentity("a", `{"Name":"Acme"}`, sfv1.ExternalID{Type: "Salesforce-Account"}))
		// Another reconcile created the Account and stored its ID; this process's index
		// still holds the identity as it was before.
		stored := withState(w.get("a"), syncState{Records: []managedRecord{{Key: externalIDKey(0), Type: "Account", ID: otherAccount, Created: true}}})
		if err := w.c.Update(context.Background(), stored); err != nil {
			t.Fatal(err)
		}
		if _, err := w.reconcile("a"); err == nil {
			t.Error("the stale reconcile ended without an error")
		}
		if calls := ext.Calls(); len(calls) != 0 {
			t.Errorf("the stale reconcile called Salesforce: %q", calls)
		}
		st, err := loadState(w.get("a"))
		if err != nil {
			t.Fatal(err)
		}
		if rec := st.find(externalIDKey(0)); rec == nil || rec.ID != otherAccount {
			t.Fatalf("stored state %+v, want the newer writer's Account %s kept", st, otherAccount)
		}
	})
	t.Run("status patch: the newer status stays and the reconcile looks again", func(t *testing.T) {
		ext := &fakeExternal{}
		w := newFakeWorld(t, ext, readyFakeDestination(), fakeIdentity("a", `{"email":"alex@example.com"}`))
		ext.ObserveLeadsFn = func(string) ([]salesforce.LeadMatch, error) {
			// A newer reconcile wrote the status while this one was talking to Salesforce.
			newer := w.get("a")
			meta.SetStatusCondition(&newer.Status.Conditions, metav1.Condition{Type: sfv1.ConditionReady,
				Status: metav1.ConditionTrue, Reason: sfv1.ReasonSynced, Message: "newer", ObservedGeneration: 1})
			if err := w.c.Status().Update(context.Background(), newer); err != nil {
				t.Fatal(err)
			}
			return []salesforce.LeadMatch{{ID: "00Q000000000001AAA"}, {ID: "00Q000000000002AAA"}}, nil
		}
		res, err := w.reconcile("a")
		if err != nil || res.RequeueAfter != time.Second {
			t.Errorf("result %+v, %v: want a requeue in a second to look at the fresh object", res, err)
		}
		c := meta.FindStatusCondition(w.get("a").Status.Conditions, sfv1.ConditionReady)
		if c == nil || c.Message != "newer" {
			t.Fatalf("stored Ready = %+v, want the newer writer's condition kept", c)
		}
	})
}
