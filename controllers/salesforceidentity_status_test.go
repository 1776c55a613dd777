package controllers

import (
	"context"
	"errors"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

func TestRecordsStatus(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	earlier := &metav1.Time{Time: now.Add(-time.Hour)}
	writes := []plannedWrite{{key: externalIDKey(0), target: mapping.Target{SObject: "Account"}}, {key: externalIDKey(1), target: mapping.Target{SObject: "Contact"}}}
	st := syncState{Records: []managedRecord{
		{Key: externalIDKey(0), Type: "Account", ID: "001A", Operation: sfv1.RecordCreated, SyncedAt: earlier},
		{Key: externalIDKey(1), Type: "Contact", ID: "003B"},
	}}
	previous := []sfv1.RecordStatus{{ObjectType: "Contact", ID: "003B", Operation: sfv1.RecordUpdated, LastSyncTime: earlier}}
	cases := map[string]struct {
		done      map[string]sfv1.RecordOperation
		confirmed bool
		want      []sfv1.RecordStatus
	}{
		"nothing sent: each keeps what status or, failing that, the state says": {
			want: []sfv1.RecordStatus{{ObjectType: "Account", ID: "001A", Operation: sfv1.RecordCreated, LastSyncTime: earlier},
				{ObjectType: "Contact", ID: "003B", Operation: sfv1.RecordUpdated, LastSyncTime: earlier}},
		},
		"one written, the rest confirmed": {
			done: map[string]sfv1.RecordOperation{externalIDKey(1): sfv1.RecordUpdated}, confirmed: true,
			want: []sfv1.RecordStatus{{ObjectType: "Account", ID: "001A", Operation: sfv1.RecordUnchanged, LastSyncTime: &metav1.Time{Time: now}},
				{ObjectType: "Contact", ID: "003B", Operation: sfv1.RecordUpdated, LastSyncTime: &metav1.Time{Time: now}}},
		},
		"one written before a failure, the other left as it was": {
			done: map[string]sfv1.RecordOperation{externalIDKey(0): sfv1.RecordUpdated},
			want: []sfv1.RecordStatus{{ObjectType: "Account", ID: "001A", Operation: sfv1.RecordUpdated, LastSyncTime: &metav1.Time{Time: now}},
				{ObjectType: "Contact", ID: "003B", Operation: sfv1.RecordUpdated, LastSyncTime: earlier}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := recordsStatus(writes, st, previous, tc.done, tc.confirmed, now)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.ObjectType != w.ObjectType || g.ID != w.ID || g.Operation != w.Operation || !g.LastSyncTime.Equal(w.LastSyncTime) {
					t.Errorf("[%d] = %+v, want %+v", i, g, w)
				}
			}
		})
	}
	if got := recordsStatus(writes, syncState{}, nil, nil, true, now); len(got) != 0 {
		t.Errorf("records the state does not know: %+v", got)
	}
}

func TestFailedEvent(t *testing.T) {
	failing := []metav1.Condition{{Type: sfv1.ConditionReady, Status: metav1.ConditionFalse, Reason: sfv1.ReasonSalesforceUnavailable}}
	synced := []metav1.Condition{{Type: sfv1.ConditionReady, Status: metav1.ConditionTrue, Reason: sfv1.ReasonSynced}}
	unavailable := outcome{reason: sfv1.ReasonSalesforceUnavailable, message: "down"}
	cases := map[string]struct {
		conds []metav1.Condition
		o     outcome
		want  string
	}{
		"first failure":                      {synced, unavailable, "SalesforceUnavailable: down"},
		"no condition yet":                   {nil, unavailable, "SalesforceUnavailable: down"},
		"the same failure again: no event":   {failing, unavailable, ""},
		"another failure":                    {failing, outcome{reason: sfv1.ReasonSalesforceRejected, message: "INVALID_FIELD"}, "SalesforceRejected: INVALID_FIELD"},
		"recovered: no Failed event":         {failing, outcome{ready: true, reason: sfv1.ReasonSynced}, ""},
		"a long message is cut for an event": {nil, outcome{reason: sfv1.ReasonSalesforceRejected, message: string(make([]byte, 2000))}, "cut"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			msg, ok := failedEvent(tc.conds, tc.o)
			switch {
			case tc.want == "cut":
				if !ok || len(msg) > 1000 {
					t.Errorf("message of %d bytes (ok %v), want at most 1000", len(msg), ok)
				}
			case ok != (tc.want != "") || msg != tc.want:
				t.Errorf("failedEvent = %q, %v; want %q", msg, ok, tc.want)
			}
		})
	}
}

func TestDriftMessage(t *testing.T) {
	got := driftMessage("Lead", "00Q000000000001AAA", []string{"Company", "Phone"})
	if want := "Lead 00Q000000000001AAA: fields changed in Salesforce were re-applied: Company, Phone"; got != want {
		t.Errorf("driftMessage = %q, want %q", got, want)
	}
}

// stubOrg answers the external client's orgAPI calls from fields.
type stubOrg struct {
	orgAPI
	leads []salesforce.LeadMatch
	err   error
}

func (o stubOrg) FindLeadsByEmail(context.Context, string) ([]salesforce.LeadMatch, error) {
	return o.leads, nil
}

func (o stubOrg) Save(context.Context, salesforce.RecordWrite) (string, error) { return "", o.err }

func TestSalesforceExternal(t *testing.T) {
	ext := salesforceExternal{api: stubOrg{leads: []salesforce.LeadMatch{{ID: "00Q1"}, {ID: "00Q2", IsDeleted: true}, {ID: "00Q3", IsConverted: true}}}}
	live, err := ext.ObserveLeads(context.Background(), "a@b.co")
	if err != nil || len(live) != 2 || live[0].ID != "00Q1" || live[1].ID != "00Q3" {
		t.Errorf("ObserveLeads = %+v, %v; want the two live Leads", live, err)
	}
	cases := map[string]struct {
		err  error
		lost bool
	}{
		"created":                          {nil, false},
		"refused by Salesforce":            {&salesforce.Error{StatusCode: 400, Code: "REQUIRED_FIELD_MISSING"}, false},
		"no answer":                        {errors.New("post: context deadline exceeded"), true},
		"a gateway's page, not Salesforce": {&salesforce.Error{StatusCode: 502, Code: salesforce.CodeUnexpectedResponse}, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, lost, err := salesforceExternal{api: stubOrg{err: tc.err}}.Create(context.Background(), "Account", nil)
			if lost != tc.lost || !errors.Is(err, tc.err) {
				t.Errorf("Create: lost %v, err %v; want lost %v", lost, err, tc.lost)
			}
		})
	}
}
