package ownwrites

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

func identity(name, rv string) *sfv1.SalesforceIdentity {
	return &sfv1.SalesforceIdentity{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, ResourceVersion: rv}}
}

func TestFilterMade(t *testing.T) {
	tests := []struct {
		name  string
		wrote []*sfv1.SalesforceIdentity
		event *sfv1.SalesforceIdentity
		want  []bool // Made for the event, asked twice
	}{
		{"the version our write produced, once", []*sfv1.SalesforceIdentity{identity("a", "7")}, identity("a", "7"), []bool{true, false}},
		{"another version of the same object", []*sfv1.SalesforceIdentity{identity("a", "7")}, identity("a", "8"), []bool{false, false}},
		{"the same version of another object", []*sfv1.SalesforceIdentity{identity("b", "7")}, identity("a", "7"), []bool{false, false}},
		{"a later write replaces an earlier one", []*sfv1.SalesforceIdentity{identity("a", "7"), identity("a", "9")}, identity("a", "7"), []bool{false, false}},
		{"nothing written", nil, identity("a", "7"), []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Filter
			for _, w := range tt.wrote {
				f.Wrote(w)
			}
			for i, want := range tt.want {
				if got := f.Made(tt.event); got != want {
					t.Errorf("Made, call %d = %v, want %v", i+1, got, want)
				}
			}
		})
	}
	var none *Filter
	if none.Made(identity("a", "7")) {
		t.Error("a nil Filter made a write")
	}
}
