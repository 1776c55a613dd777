package opscheck

import (
	"encoding/json"
	"strings"
	"testing"
)

type dashboard struct {
	Title  string `json:"title"`
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

func readDashboard(t *testing.T) dashboard {
	t.Helper()
	data, err := readRepoFile("config/prometheus/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// Every panel's query parses and selects only metrics and labels the manager exposed in the
// e2e run; the panels the operations issue asks for are there.
func TestGrafanaDashboard(t *testing.T) {
	d := readDashboard(t)
	exposed := exposedMetrics(t)
	uses := map[string]bool{}
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, target := range p.Targets {
			expr, err := promql.ParseExpr(target.Expr)
			if err != nil {
				t.Errorf("panel %q: %v", p.Title, err)
				continue
			}
			if missing := unknownNames(expr, exposed); len(missing) > 0 {
				t.Errorf("panel %q selects what the manager does not expose: %s", p.Title, strings.Join(missing, ", "))
			}
			uses[p.Title+": "+target.Expr] = true
		}
	}
	for _, want := range []string{"salesforce_identities", "salesforce_api_requests_total", "salesforce_api_budget_ratio",
		"salesforce_identity_sync_duration_seconds_bucket", "salesforce_batch_records_count"} {
		found := false
		for q := range uses {
			found = found || strings.Contains(q, want)
		}
		if !found {
			t.Errorf("no panel shows %s", want)
		}
	}
}
