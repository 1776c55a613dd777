//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
)

func (s *suite) specContactUpdated(t *testing.T) {
	s.run(t, "apply", "-f", s.sample("salesforce_v1alpha1_salesforceidentity_contact.yaml"))
	s.run(t, "wait", "--for=condition=Ready", "--timeout=60s", "sfid/john-gibbs")
	if id := getColumn(t, s.run(t, "get", "sfid", "john-gibbs"), "john-gibbs", "SALESFORCE ID"); id != seededContactID {
		t.Errorf("kubectl get sfid john-gibbs shows Salesforce ID %q, want the seeded Contact %s", id, seededContactID)
	}
	contact, found, err := s.emulator.Record(context.Background(), "Contact", seededContactID)
	if err != nil || !found {
		t.Fatalf("seeded Contact %s not found (err %v)", seededContactID, err)
	}
	for field, value := range map[string]string{"FirstName": "John", "LastName": "Gibbs", "Email": "john@peterson.com"} {
		if got := contact.String(field); got != value {
			t.Errorf("Contact %s: %s = %q, want %q", seededContactID, field, got, value)
		}
	}
	contacts, err := s.emulator.Records(context.Background(), "Contact")
	if err != nil {
		t.Fatal(err)
	}
	if len(contacts) != 1 {
		t.Errorf("%d Contacts in the emulator, want only the seeded one updated in place", len(contacts))
	}
}

func (s *suite) specWrongPassword(t *testing.T) {
	s.applySecret(t, "wrong-credentials", s.wrongPassword())
	dest, err := destinationManifest(s.sample("salesforce_v1alpha1_salesforcedestination.yaml"), "wrong-password", "wrong-credentials", s.emulator.URL)
	if err != nil {
		t.Fatal(err)
	}
	s.apply(t, dest)
	eventually(t, "destination wrong-password Ready=False AuthenticationFailed", func(ctx context.Context) (bool, string, error) {
		out, err := s.kubectl.Run(ctx, "-n", namespace, "get", "sfdest", "wrong-password", "-o",
			`jsonpath={.status.conditions[?(@.type=="Ready")].status}/{.status.conditions[?(@.type=="Ready")].reason}`)
		if err != nil {
			return false, "", err
		}
		return out == "False/AuthenticationFailed", "Ready/reason = " + out, nil
	})
	// The good destination must not be disturbed by its neighbour.
	if out := s.run(t, "get", "sfdest", destination, "-o", `jsonpath={.status.conditions[?(@.type=="Ready")].status}`); out != "True" {
		t.Errorf("destination %s Ready = %q after adding a broken neighbour", destination, out)
	}
}

func (s *suite) wrongPassword() string { return s.password + "-wrong" }

// specCreatedRecorded: with the shipped flags what was done to each record is told by
// status.records, not by a Normal event per record, which a bulk apply would turn into
// thousands of event writes. (The Lead was created, then updated by the traits patch.)
func (s *suite) specCreatedRecorded(t *testing.T) {
	eventually(t, "status.records of sfid/alex-keener to name the Lead and what was done to it", func(ctx context.Context) (bool, string, error) {
		out, err := s.kubectl.Run(ctx, "-n", namespace, "get", "sfid", "alex-keener",
			"-o", `jsonpath={range .status.records[*]}{.objectType}/{.operation}/{.lastSyncTime}{"\n"}{end}`)
		if err != nil {
			return false, "", err
		}
		parts := strings.Split(strings.TrimSpace(out), "/")
		ok := len(parts) == 3 && parts[0] == "Lead" && (parts[1] == "Created" || parts[1] == "Updated") && parts[2] != ""
		return ok, "records: " + out, nil
	})
	out := s.run(t, "-n", namespace, "get", "events",
		"--field-selector", "involvedObject.kind=SalesforceIdentity,involvedObject.name=alex-keener",
		"-o", `jsonpath={range .items[*]}{.type}/{.reason}{"\n"}{end}`)
	for _, line := range strings.Fields(out) {
		if line == "Normal/Created" || line == "Normal/Updated" {
			t.Errorf("a %s event was recorded although --sync-events is off", line)
		}
	}
}

func (s *suite) specMetrics(t *testing.T) {
	text, err := s.manager.Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, series := range []string{"salesforce_api_requests_total{", "controller_runtime_reconcile_total{"} {
		if !strings.Contains(text, "\n"+series) {
			t.Errorf("metrics have no %s...} sample", series)
		}
	}
	if !strings.Contains(text, `controller_runtime_reconcile_total{controller="salesforceidentity",result="success"}`) {
		t.Errorf("metrics count no successful salesforceidentity reconcile")
	}
}

func (s *suite) specColumns(t *testing.T) {
	for _, c := range []struct {
		resource string
		columns  []string
	}{
		{"sfid", []string{"NAME", "READY", "REASON", "OBJECT", "SALESFORCE ID"}},
		{"sfdest", []string{"NAME", "READY", "REASON", "INSTANCE", "API USED"}},
	} {
		out := s.run(t, "get", c.resource)
		header := headerColumns(out)
		for _, col := range c.columns {
			if _, ok := header[col]; !ok {
				t.Errorf("kubectl get %s has no %s column:\n%s", c.resource, col, out)
			}
		}
		t.Logf("kubectl get %s:\n%s", c.resource, out)
	}
	if used := getColumn(t, s.run(t, "get", "sfdest", destination), destination, "API USED"); used == "" || used == "<none>" {
		t.Errorf("sfdest %s shows no API usage", destination)
	}
	if reason := getColumn(t, s.run(t, "get", "sfid", "alex-keener"), "alex-keener", "REASON"); reason != "Synced" {
		t.Errorf("sfid alex-keener REASON = %q, want Synced", reason)
	}
}

func (s *suite) specNoForbidden(t *testing.T) {
	log, err := s.manager.Log()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(strings.ToLower(line), "forbidden") {
			t.Errorf("manager log line mentions forbidden (a permission config/rbac lacks?):\n%s", line)
		}
	}
}
