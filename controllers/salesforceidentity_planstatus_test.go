package controllers

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

func js(raw string) *apiextensionsv1.JSON { return &apiextensionsv1.JSON{Raw: []byte(raw)} }

func TestPlanStatus(t *testing.T) {
	lead := observedTarget{key: leadKey, sobject: "Lead", id: "00Q1", desired: map[string]any{"Company": "Acme", "NumberOfEmployees": 10, "Phone": "555"}}
	tests := []struct {
		name    string
		target  observedTarget
		got     salesforce.Record
		cleared []string
		want    sfv1.PlannedRecord
	}{
		{"nothing found: Create with every field", observedTarget{key: leadKey, sobject: "Lead", desired: map[string]any{"Email": "a@b.c", "LastName": "K"}}, nil, nil,
			sfv1.PlannedRecord{Action: sfv1.PlanCreate, ObjectType: "Lead", Changes: []sfv1.FieldChange{
				{Field: "Email", Desired: js(`"a@b.c"`)}, {Field: "LastName", Desired: js(`"K"`)}}}},
		{"equal, whatever Salesforce's casing and number format: None", lead,
			salesforce.Record{"company": "Acme", "NumberOfEmployees": 10.0, "Phone": "555"}, nil,
			sfv1.PlannedRecord{Action: sfv1.PlanNone, ObjectType: "Lead", ID: "00Q1"}},
		{"differing and null fields: Update, sorted", lead,
			salesforce.Record{"Company": "Old", "NumberOfEmployees": nil, "Phone": "555"}, nil,
			sfv1.PlannedRecord{Action: sfv1.PlanUpdate, ObjectType: "Lead", ID: "00Q1", Changes: []sfv1.FieldChange{
				{Field: "Company", Current: js(`"Old"`), Desired: js(`"Acme"`)}, {Field: "NumberOfEmployees", Desired: js(`10`)}}}},
		{"a clear of a field holding a value", lead,
			salesforce.Record{"Company": "Acme", "NumberOfEmployees": 10.0, "Phone": "555", "Title": "Dr."}, []string{"Title"},
			sfv1.PlannedRecord{Action: sfv1.PlanUpdate, ObjectType: "Lead", ID: "00Q1", Changes: []sfv1.FieldChange{
				{Field: "Title", Current: js(`"Dr."`)}}}},
		{"a clear of a field already empty changes nothing", lead,
			salesforce.Record{"Company": "Acme", "NumberOfEmployees": 10.0, "Phone": "555", "Title": nil}, []string{"Title"},
			sfv1.PlannedRecord{Action: sfv1.PlanNone, ObjectType: "Lead", ID: "00Q1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := planStatus([]observedTarget{tc.target}, []salesforce.Record{tc.got}, [][]string{tc.cleared})
			if diff := cmp.Diff([]sfv1.PlannedRecord{tc.want}, got); diff != "" {
				t.Errorf("planStatus (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanValueIsBounded(t *testing.T) {
	long := strings.Repeat("x", 100_000)
	for _, v := range []any{long, map[string]any{"k": long}, strings.Repeat(`"`, 1000)} {
		if got := planValue(v); len(got.Raw) > planValueMax+2 {
			t.Errorf("planValue kept %d bytes", len(got.Raw))
		}
	}
	if planValue(nil) != nil {
		t.Errorf("null must be absent")
	}
}

func TestPlannedOutcome(t *testing.T) {
	o := plannedOutcome([]sfv1.PlannedRecord{
		{Action: sfv1.PlanUpdate, ObjectType: "Lead", ID: "00Q1", Changes: []sfv1.FieldChange{{Field: "Company"}, {Field: "Phone"}}},
		{Action: sfv1.PlanCreate, ObjectType: "Account"},
		{Action: sfv1.PlanNone, ObjectType: "Contact", ID: "0031"},
	})
	want := "Observe only, nothing written: would update Company, Phone of Lead 00Q1; would create a Account; Contact 0031 unchanged"
	if !o.ready || o.reason != sfv1.ReasonPlanned || o.message != want {
		t.Errorf("plannedOutcome = %+v, want Ready, Planned, %q", o, want)
	}
}

func TestObservedPlanChangesFor(t *testing.T) {
	p := &observedPlan{Hash: "h", Records: []observedRecord{{Key: leadKey, Type: "Lead", ID: "00Q1", Changes: []string{"Company"}}}}
	tests := []struct {
		name              string
		plan              *observedPlan
		hash, sobject, id string
		want              []string
		wantOK            bool
	}{
		{"the planned record", p, "h", "Lead", "00Q1", []string{"Company"}, true},
		{"another spec", p, "other", "Lead", "00Q1", nil, false},
		{"another record", p, "h", "Lead", "00Q2", nil, false},
		{"no plan", nil, "h", "Lead", "00Q1", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.plan.changesFor(tc.hash, leadKey, tc.sobject, tc.id)
			if ok != tc.wantOK || !cmp.Equal(got, tc.want) {
				t.Errorf("changesFor = %v, %t; want %v, %t", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
