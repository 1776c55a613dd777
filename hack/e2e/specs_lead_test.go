//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

func (s *suite) specLeadCreated(t *testing.T) {
	s.run(t, "apply", "-f", s.sample("salesforce_v1alpha1_salesforceidentity_lead.yaml"))
	s.run(t, "wait", "--for=condition=Ready", "--timeout=60s", "sfid/alex-keener")

	shown := getColumn(t, s.run(t, "get", "sfid", "alex-keener"), "alex-keener", "SALESFORCE ID")
	lead, found, err := s.emulator.Record(context.Background(), "Lead", shown)
	if err != nil || !found {
		t.Fatalf("kubectl get sfid shows Salesforce ID %q, but the emulator has no such Lead (err %v)", shown, err)
	}
	want := map[string]string{
		"FirstName": "Alex", "LastName": "Keener", "Company": "Google Inc.", "Email": "alex@example.com",
		"Title": "Mr.", "Phone": "+1-202-555-0146", "Rating": "Hot", "City": "New Orleans",
		"PostalCode": "90002", "Country": "US", "Street": "Blue Gum Street", "State": "LA",
	}
	for field, value := range want {
		if got := lead.String(field); got != value {
			t.Errorf("Lead %s: %s = %q, want %q", shown, field, got, value)
		}
	}
	leads, err := s.emulator.Records(context.Background(), "Lead")
	if err != nil {
		t.Fatal(err)
	}
	if n := countWhere(leads, "Email", "alex@example.com"); n != 1 {
		t.Errorf("%d Leads with Email alex@example.com, want exactly 1", n)
	}
}

func (s *suite) specLeadUpdated(t *testing.T) {
	id := s.run(t, "get", "sfid", "alex-keener", "-o", "jsonpath={.status.records[0].id}")
	if id == "" {
		t.Fatal("alex-keener has no Salesforce ID in status")
	}
	s.run(t, "patch", "sfid", "alex-keener", "--type=merge", "-p", `{"spec":{"traits":{"city":"Baton Rouge","title":"Dr."}}}`)
	eventually(t, "Lead follows the patched traits", func(ctx context.Context) (bool, string, error) {
		lead, _, err := s.emulator.Record(ctx, "Lead", id)
		if err != nil {
			return false, "", err
		}
		got := fmt.Sprintf("City %q, Title %q", lead.String("City"), lead.String("Title"))
		return lead.String("City") == "Baton Rouge" && lead.String("Title") == "Dr.", got, nil
	})
	eventually(t, "identity Ready for the new generation", s.readyAtGeneration("sfid/alex-keener"))
	if after := s.run(t, "get", "sfid", "alex-keener", "-o", "jsonpath={.status.records[0].id}"); after != id {
		t.Errorf("Salesforce ID changed from %s to %s on an update", id, after)
	}
}

func (s *suite) specDeletePolicy(t *testing.T) {
	s.apply(t, []byte(`apiVersion: salesforce.destinations.dev/v1alpha1
kind: SalesforceIdentity
metadata:
  name: short-lived
spec:
  destinationRef: {name: prod}
  traits: {name: Sam Short, email: sam.short@example.com, company: Brief Inc.}
  deletionPolicy: Delete
`))
	s.run(t, "wait", "--for=condition=Ready", "--timeout=60s", "sfid/short-lived")
	id := s.run(t, "get", "sfid", "short-lived", "-o", "jsonpath={.status.records[0].id}")
	if _, found, err := s.emulator.Record(context.Background(), "Lead", id); err != nil || !found {
		t.Fatalf("Lead %q of short-lived not in the emulator (err %v)", id, err)
	}
	s.run(t, "delete", "sfid", "short-lived", "--timeout=60s")
	leads, err := s.emulator.Records(context.Background(), "Lead")
	if err != nil {
		t.Fatal(err)
	}
	if n := countWhere(leads, "Id", id); n != 0 {
		t.Errorf("Lead %s still live in the emulator after kubectl delete", id)
	}
}

func countWhere(records []localenv.Record, field, value string) int {
	n := 0
	for _, r := range records {
		if r.String(field) == value {
			n++
		}
	}
	return n
}
