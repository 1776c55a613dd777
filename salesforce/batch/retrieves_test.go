package batch

import (
	"context"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func TestRetrievesOfSeveralTypesShareOneCall(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	leadID := o.seedLead(t, "r@example.com")
	contactID, err := o.emu.Seed("Contact", map[string]any{"LastName": "Kontakt", "Email": "c@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	missingLead := absentLead
	type want struct {
		present bool
		fields  map[string]any // exactly these, besides Id and attributes
	}
	tests := []struct {
		sobject, id string
		fields      []string
		want        want
	}{
		{"Lead", leadID, []string{"Email"}, want{true, map[string]any{"Email": "r@example.com"}}},
		{"Lead", leadID[:15], []string{"LastName", "company"}, want{true, map[string]any{"LastName": "Seeded", "Company": "Acme"}}},
		{"Lead", missingLead, []string{"Email"}, want{present: false}},
		{"Lead", missingLead[:17] + "a", []string{"Email"}, want{present: false}}, // wrong checksum
		{"Contact", contactID, []string{"Email"}, want{true, map[string]any{"Email": "c@example.com"}}},
	}
	c := o.coalescer(t, Options{Window: 100 * time.Millisecond})
	var got []result[salesforce.Record]
	calls := o.calls(func() {
		got = all(len(tests), func(i int) (salesforce.Record, error) {
			tt := tests[i]
			return c.Retrieve(context.Background(), tt.sobject, tt.id, tt.fields)
		})
	})
	if calls != 1 {
		t.Errorf("retrieves of two types cost %d calls, want 1", calls)
	}
	for i, tt := range tests {
		r := got[i]
		if r.err != nil {
			t.Errorf("%s %s: %v", tt.sobject, tt.id, r.err)
			continue
		}
		if !tt.want.present {
			if r.val != nil {
				t.Errorf("%s %s: got %v, want nil", tt.sobject, tt.id, r.val)
			}
			continue
		}
		if r.val == nil || r.val.ID() == "" {
			t.Errorf("%s %s: got %v, want the record with its Id", tt.sobject, tt.id, r.val)
			continue
		}
		for k, v := range tt.want.fields {
			if r.val[k] != v {
				t.Errorf("%s %s: %s = %v, want %v", tt.sobject, tt.id, k, r.val[k], v)
			}
		}
		if extra := len(r.val) - len(tt.want.fields) - 2; extra != 0 {
			t.Errorf("%s %s: got fields %v, want only %v", tt.sobject, tt.id, r.val, tt.want.fields)
		}
	}
}

func TestUnknownFieldFailsOnlyTheCallerWhoNamedIt(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	id := o.seedLead(t, "f@example.com")
	c := o.coalescer(t, Options{Window: 100 * time.Millisecond})
	fields := [][]string{{"Email"}, {"Nope__c"}, {"LastName"}}
	got := all(len(fields), func(i int) (salesforce.Record, error) {
		return c.Retrieve(context.Background(), "Lead", id, fields[i])
	})
	for i, r := range got {
		wantErr := i == 1
		if (r.err != nil) != wantErr {
			t.Errorf("fields %v: got %v, %v", fields[i], r.val, r.err)
		}
		if wantErr && errorCode(r.err) != salesforce.CodeInvalidField {
			t.Errorf("fields %v: error %v, want INVALID_FIELD", fields[i], r.err)
		}
	}
}

func TestMalformedNamesNeverJoinABatch(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	c := o.coalescer(t, Options{})
	tests := []struct {
		name, sobject string
		fields        []string
		wantCode      string
	}{
		{"sobject", "Lead;DROP", []string{"Email"}, salesforce.CodeInvalidType},
		{"field", "Lead", []string{"Email,Id"}, salesforce.CodeInvalidField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := o.calls(func() {
				_, err := c.Retrieve(context.Background(), tt.sobject, "00Q5g0000000001EAA", tt.fields)
				if errorCode(err) != tt.wantCode {
					t.Errorf("got %v, want code %s", err, tt.wantCode)
				}
			})
			if calls != 0 {
				t.Errorf("malformed retrieve cost %d calls", calls)
			}
		})
	}
}
