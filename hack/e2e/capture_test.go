//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// opsTestdata is where the operations checks (hack/opscheck, make test-ops) read what this run
// saw: the Argo CD health script is tested on these statuses, the alerts and dashboard on these
// metric names, so a changed condition or a renamed metric fails there.
const opsTestdata = "hack/opscheck/testdata"

// specCaptureForOps brings a destination and identities into each state the health script
// tells apart and saves them with the manager's metrics.
func (s *suite) specCaptureForOps(t *testing.T) {
	closed, err := localenv.FreeAddr() // nothing listens there once FreeAddr returns
	if err != nil {
		t.Fatal(err)
	}
	dest, err := destinationManifest(s.sample("salesforce_v1alpha1_salesforcedestination.yaml"), "unreachable", credentialsSecret, "http://"+closed)
	if err != nil {
		t.Fatal(err)
	}
	s.apply(t, dest)
	s.apply(t, identityManifest("missing-email", destination, `{"lastName":"Nomail"}`))
	s.apply(t, identityManifest("waiting", "wrong-password", `{"email":"waiting@example.com","lastName":"Waiting"}`))
	eventually(t, "each object reaches the state it is captured in", func(ctx context.Context) (bool, string, error) {
		for resource, want := range map[string]string{
			"sfdest/unreachable": "Reconciling/True", "sfid/missing-email": "Stalled/True", "sfid/waiting": "Ready/DestinationNotReady",
		} {
			cond, field, _ := strings.Cut(want, "/")
			path := "status"
			if field != "True" {
				path = "reason"
			}
			out, err := s.kubectl.Run(ctx, "-n", namespace, "get", resource, "-o", `jsonpath={.status.conditions[?(@.type=="`+cond+`")].`+path+`}`)
			if err != nil || out != field {
				return false, fmt.Sprintf("%s %s %s=%q", resource, cond, path, out), err
			}
		}
		return true, "", nil
	})
	for file, resource := range map[string]string{
		"destination-ready": "sfdest/" + destination, "destination-wrong-password": "sfdest/wrong-password",
		"destination-unreachable": "sfdest/unreachable", "identity-ready": "sfid/alex-keener",
		"identity-missing-email": "sfid/missing-email", "identity-destination-not-ready": "sfid/waiting",
	} {
		s.captureStatus(t, resource, file)
	}
	s.captureMetricNames(t)
	s.run(t, "delete", "sfid/missing-email", "sfid/waiting", "sfdest/unreachable", "--wait=false")
}

func identityManifest(name, dest, traits string) []byte {
	return []byte(fmt.Sprintf("apiVersion: salesforce.destinations.dev/v1alpha1\nkind: SalesforceIdentity\n"+
		"metadata: {name: %s}\nspec:\n  destinationRef: {name: %s}\n  traits: %s\n", name, dest, traits))
}

// Times, ports and resource versions change from run to run; the captures should not.
var (
	timestamp    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
	loopbackPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, item := range v {
			v[k] = normalize(item)
		}
	case []any:
		for i, item := range v {
			v[i] = normalize(item)
		}
	case string:
		if timestamp.MatchString(v) {
			return "2026-01-01T00:00:00Z"
		}
		return loopbackPort.ReplaceAllString(v, "127.0.0.1:PORT")
	}
	return v
}

// captureStatus saves what the health script reads: kind, generation, spec and status.
func (s *suite) captureStatus(t *testing.T, resource, file string) {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal([]byte(s.run(t, "get", resource, "-o", "json")), &obj); err != nil {
		t.Fatal(err)
	}
	meta, _ := obj["metadata"].(map[string]any)
	kept := map[string]any{
		"apiVersion": obj["apiVersion"], "kind": obj["kind"],
		"metadata": map[string]any{"name": meta["name"], "generation": meta["generation"]},
		"spec":     obj["spec"], "status": obj["status"],
	}
	s.writeOpsTestdata(t, filepath.Join("status", file+".json"), kept)
}

// captureMetricNames saves each metric family the manager exposes with its type and label
// names; values and label values differ between runs and are left out (hack/opscheck derives
// samples from each family's type to evaluate the alerts and panels on).
func (s *suite) captureMetricNames(t *testing.T) {
	t.Helper()
	text, err := s.manager.Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for name, f := range families {
		labels := map[string]bool{}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = true
			}
		}
		names := make([]string, 0, len(labels))
		for l := range labels {
			names = append(names, l)
		}
		sort.Strings(names)
		lines = append(lines, strings.TrimSpace(name+" "+strings.ToLower(f.GetType().String())+" "+strings.Join(names, ",")))
	}
	sort.Strings(lines)
	path := filepath.Join(s.root, opsTestdata, "metrics.txt")
	header := "# Metric families of the manager's /metrics in the e2e run (hack/e2e/capture_test.go): name type labels\n"
	if err := os.WriteFile(path, []byte(header+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (s *suite) writeOpsTestdata(t *testing.T, rel string, v any) {
	t.Helper()
	data, err := json.MarshalIndent(normalize(v), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.root, opsTestdata, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
