package controllers

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

func TestRemovedFields(t *testing.T) {
	lead := &managedRecord{Key: leadKey, Type: "Lead", ID: "00Q5g0000000001EAA",
		Fields: []string{"Company", "Email", "LastName", "Phone", "Title"}}
	account := &managedRecord{Key: externalIDKey(0), Type: "Account", ID: "0015g0000000001AAA", Fields: []string{"Name", "Phone", "Website"}}
	tests := []struct {
		name        string
		policy      sfv1.RemovedFieldsPolicy
		rec         *managedRecord
		sobject, id string
		body        map[string]any
		want        []string
	}{
		{"Keep clears nothing", sfv1.RemovedFieldsKeep, lead, "Lead", lead.ID, map[string]any{"Email": "a@b.c"}, nil},
		{"Clear clears what left the plan, sorted", sfv1.RemovedFieldsClear, lead, "Lead", lead.ID,
			map[string]any{"Email": "a@b.c", "LastName": "K", "Company": "G"}, []string{"Phone", "Title"}},
		{"never a required Lead field", sfv1.RemovedFieldsClear, lead, "Lead", lead.ID,
			map[string]any{"Email": "a@b.c"}, []string{"Phone", "Title"}},
		{"never an Account's Name", sfv1.RemovedFieldsClear, account, "Account", account.ID,
			map[string]any{"Website": "w"}, []string{"Phone"}},
		{"field names compare case-insensitively", sfv1.RemovedFieldsClear, lead, "Lead", lead.ID,
			map[string]any{"email": "a@b.c", "phone": "1", "title": "Dr."}, nil},
		{"a converted Lead's Contact starts over", sfv1.RemovedFieldsClear, lead, "Contact", "0035g0000000001AAA",
			map[string]any{"Email": "a@b.c"}, nil},
		{"another record starts over", sfv1.RemovedFieldsClear, lead, "Lead", "00Q5g0000000002EAA",
			map[string]any{"Email": "a@b.c"}, nil},
		{"no record known", sfv1.RemovedFieldsClear, nil, "Lead", lead.ID, map[string]any{"Email": "a@b.c"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := removedFields(tc.policy, tc.rec, tc.sobject, tc.id, tc.body)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("removedFields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWithClearedLeavesThePlanAlone(t *testing.T) {
	plan := map[string]any{"Email": "a@b.c"}
	got := withCleared(plan, []string{"Phone"})
	if diff := cmp.Diff(map[string]any{"Email": "a@b.c", "Phone": nil}, got); diff != "" {
		t.Errorf("withCleared (-want +got):\n%s", diff)
	}
	if _, ok := plan["Phone"]; ok {
		t.Errorf("withCleared changed the plan's map: %v", plan)
	}
}

func TestStateSetKeepsManagedFieldsOfTheSameRecord(t *testing.T) {
	st := syncState{Records: []managedRecord{{Key: leadKey, Type: "Lead", ID: "00Q1", Fields: []string{"Phone"}}}}
	st.set(managedRecord{Key: leadKey, Type: "Lead", ID: "00Q1"})
	if diff := cmp.Diff([]string{"Phone"}, st.find(leadKey).Fields); diff != "" {
		t.Errorf("same record (-want +got):\n%s", diff)
	}
	st.set(managedRecord{Key: leadKey, Type: "Contact", ID: "0031"})
	if f := st.find(leadKey).Fields; f != nil {
		t.Errorf("another record kept the Lead's fields: %v", f)
	}
}
