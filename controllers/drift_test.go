package controllers

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/destinations/salesforce-controller/salesforce"
)

// driftedFields must call equal what Salesforce reformats and different what someone
// changed: a comparison that finds every field different (or none) fails here.
func TestDriftedFields(t *testing.T) {
	cases := map[string]struct {
		want map[string]any
		got  salesforce.Record
		// drifted lists the fields that differ, sorted.
		drifted []string
	}{
		"all equal": {
			want: map[string]any{"Company": "Acme", "Email": "a@example.com"},
			got:  salesforce.Record{"Company": "Acme", "Email": "a@example.com"},
		},
		"one changed, one equal": {
			want:    map[string]any{"Company": "Acme", "Email": "a@example.com"},
			got:     salesforce.Record{"Company": "Changed Inc.", "Email": "a@example.com"},
			drifted: []string{"Company"},
		},
		"field names answered in another case": {
			want: map[string]any{"company__c": "Acme"},
			got:  salesforce.Record{"Company__c": "Acme"},
		},
		"a number answered as a float, a numeric string as a number": {
			want: map[string]any{"NumberOfEmployees": json.Number("250"), "Code__c": "42"},
			got:  salesforce.Record{"NumberOfEmployees": 250.0, "Code__c": 42.0},
		},
		"a different number": {
			want:    map[string]any{"NumberOfEmployees": json.Number("250")},
			got:     salesforce.Record{"NumberOfEmployees": 251.0},
			drifted: []string{"NumberOfEmployees"},
		},
		"a datetime answered with milliseconds and +0000": {
			want: map[string]any{"Signed__c": "2026-01-02T03:04:05Z"},
			got:  salesforce.Record{"Signed__c": "2026-01-02T03:04:05.000+0000"},
		},
		"a different datetime": {
			want:    map[string]any{"Signed__c": "2026-01-02T03:04:05Z"},
			got:     salesforce.Record{"Signed__c": "2026-01-02T03:04:06.000+0000"},
			drifted: []string{"Signed__c"},
		},
		"a number string is not read as a time": {
			want:    map[string]any{"Code__c": "20260102"},
			got:     salesforce.Record{"Code__c": "2026-01-02"},
			drifted: []string{"Code__c"},
		},
		"a field emptied in Salesforce, and one still empty": {
			want:    map[string]any{"Phone": "+1 555 0100", "Fax": nil},
			got:     salesforce.Record{"Phone": nil, "Fax": nil},
			drifted: []string{"Phone"},
		},
		"a field missing from the answer": {
			want:    map[string]any{"Phone": "+1 555 0100"},
			got:     salesforce.Record{},
			drifted: []string{"Phone"},
		},
		"booleans, as booleans and as text": {
			want:    map[string]any{"HasOptedOutOfEmail": true, "Active__c": false, "Flag__c": true},
			got:     salesforce.Record{"HasOptedOutOfEmail": true, "Active__c": "false", "Flag__c": false},
			drifted: []string{"Flag__c"},
		},
		"objects compared as JSON": {
			want:    map[string]any{"Same__c": map[string]any{"a": 1.0}, "Other__c": []any{"x"}},
			got:     salesforce.Record{"Same__c": map[string]any{"a": 1.0}, "Other__c": []any{"y"}},
			drifted: []string{"Other__c"},
		},
		"several changed, sorted": {
			want:    map[string]any{"Title": "CTO", "City": "Oslo", "Email": "a@example.com"},
			got:     salesforce.Record{"Title": "CEO", "City": "Bergen", "Email": "a@example.com"},
			drifted: []string{"City", "Title"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := driftedFields(tc.want, tc.got); !slices.Equal(got, tc.drifted) {
				t.Errorf("driftedFields = %q, want %q", got, tc.drifted)
			}
		})
	}
}
