package controllers

import (
	"strings"
	"testing"

	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

func TestWithPlanNotes(t *testing.T) {
	plan, err := mapping.Build([]byte(`{"email":"a@example.com","photoUrl":"p","isPersonAccount":true}`), nil,
		mapping.Settings{MapRudderProperties: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		record    *managedRecord
		want, not []string
	}{
		"NoRecordYet":        {want: []string{`"photoUrl"`, "Lead.PhotoUrl"}, not: []string{"isPersonAccount"}},
		"Lead":               {record: &managedRecord{Key: leadKey, Type: "Lead", ID: "00Q000000000001"}, want: []string{`"photoUrl"`}, not: []string{"isPersonAccount"}},
		"ConvertedToContact": {record: &managedRecord{Key: leadKey, Type: "Contact", ID: "003000000000001"}, want: []string{`"isPersonAccount"`, "Contact.IsPersonAccount"}, not: []string{"photoUrl"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := &identitySync{}
			if tc.record != nil {
				s.state.set(*tc.record)
			}
			got := s.withPlanNotes(outcome{ready: true, message: "In sync"}, plan).message
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("message %q lacks %s", got, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("message %q names %s, which the record written never takes", got, n)
				}
			}
		})
	}
	if got := (&identitySync{}).withPlanNotes(outcome{message: "In sync"}, mapping.Plan{Targets: []mapping.Target{{SObject: "Account"}}}).message; got != "In sync" {
		t.Errorf("a target plan's message = %q, want it unchanged", got)
	}
}
