package opscheck

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	promqlengine "github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/storage"
)

// firing says whether the alert would fire at the end of the loaded window: its expression
// returns series at every evaluation (one per scrape interval) over the last for: of it.
func firing(t *testing.T, engine *promqlengine.Engine, st storage.Queryable, expr string, hold time.Duration) bool {
	t.Helper()
	for at := evalAt.Add(-hold); !at.After(evalAt); at = at.Add(scrapeInterval) {
		v, err := evaluate(engine, st, expr, at)
		if err != nil {
			t.Fatalf("%s at %s: %v", expr, at, err)
		}
		if len(v) == 0 {
			return false
		}
	}
	return true
}

// unexposed lists the names in the series descriptions that the manager did not expose in the
// e2e run: the scenarios below must not drift away from the real metrics.
func unexposed(series []string, exposed map[string]map[string]bool) []string {
	var out []string
	for _, s := range series {
		ls, _, err := promql.ParseSeriesDesc(s)
		if err != nil {
			out = append(out, s+": "+err.Error())
			continue
		}
		name := ls.Get(labels.MetricName)
		labelsOf, ok := exposed[name]
		if !ok {
			out = append(out, "metric "+name)
			continue
		}
		ls.Range(func(l labels.Label) {
			if l.Name != labels.MetricName && !labelsOf[l.Name] {
				out = append(out, "label "+l.Name+" of "+name)
			}
		})
	}
	return out
}

func TestUnexposedCatchesRenames(t *testing.T) {
	exposed := map[string]map[string]bool{"salesforce_destination_ready": {"destination": true}}
	for _, tc := range []struct{ series, want string }{
		{`salesforce_destination_ready{destination="acme"} 1x120`, ""},
		{`salesforce_destination_readiness{destination="acme"} 1x120`, "metric salesforce_destination_readiness"},
		{`salesforce_destination_ready{dest="acme"} 1x120`, "label dest of salesforce_destination_ready"},
	} {
		if got := strings.Join(unexposed([]string{tc.series}, exposed), ", "); got != tc.want {
			t.Errorf("%s: unexposed %q, want %q", tc.series, got, tc.want)
		}
	}
}

// Each series below is an hour of samples every 30s (121 of them), the last one at the
// evaluation time; "1x90 0x29" is 1 for the first 91 samples and 0 for the last 30 (15m).
func TestAlertsFireOnlyWhenTheyShould(t *testing.T) {
	rules := map[string]model.Duration{}
	exprs := map[string]string{}
	for _, r := range alertRules(t) {
		rules[r.Alert], exprs[r.Alert] = r.For, r.Expr
	}
	exposed := exposedMetrics(t)
	engine := newEngine(t)
	for _, tc := range firingCases {
		t.Run(tc.name, func(t *testing.T) {
			expr, ok := exprs[tc.alert]
			if !ok {
				t.Fatalf("no alert %s", tc.alert)
			}
			if missing := unexposed(tc.series, exposed); len(missing) > 0 {
				t.Fatalf("the manager does not expose %s", strings.Join(missing, ", "))
			}
			st := promqltest.LoadedStorage(t, fmt.Sprintf("load %s\n  %s\n", model.Duration(scrapeInterval), strings.Join(tc.series, "\n  ")))
			if got := firing(t, engine, st, expr, time.Duration(rules[tc.alert])); got != tc.fires {
				t.Errorf("%s fires %v, want %v", tc.alert, got, tc.fires)
			}
		})
	}
}

var firingCases = []struct {
	name, alert string
	series      []string
	fires       bool
}{
	{"destination not ready for 15m", "SalesforceDestinationNotReady",
		[]string{`salesforce_destination_ready{destination="acme"} 1x90 0x29`}, true},
	{"destination not ready for 5m, shorter than for:", "SalesforceDestinationNotReady",
		[]string{`salesforce_destination_ready{destination="acme"} 1x110 0x9`}, false},
	{"destination ready", "SalesforceDestinationNotReady",
		[]string{`salesforce_destination_ready{destination="acme"} 1x120`}, false},
	{"identities stalled on a missing email", "SalesforceIdentitiesStalled", []string{
		`salesforce_identities{ready="True",reason="Synced"} 40x120`,
		`salesforce_identities{ready="False",reason="MissingEmail"} 2x120`}, true},
	{"identities waiting for their destination are not stalled", "SalesforceIdentitiesStalled", []string{
		`salesforce_identities{ready="True",reason="Synced"} 40x120`,
		`salesforce_identities{ready="False",reason="DestinationNotReady"} 3x120`,
		`salesforce_identities{ready="False",reason="MissingEmail"} 0x120`}, false},
	{"identities waiting for their destination for an hour", "SalesforceIdentitiesNotReady", []string{
		`salesforce_identities{ready="True",reason="Synced"} 40x120`,
		`salesforce_identities{ready="False",reason="DestinationNotReady"} 3x120`}, true},
	{"all identities synced", "SalesforceIdentitiesNotReady", []string{
		`salesforce_identities{ready="True",reason="Synced"} 43x120`,
		`salesforce_identities{ready="False",reason="DestinationNotReady"} 0x120`}, false},
	{"usage at 90% of a 50% budget", "SalesforceAPIBudgetHigh", []string{
		`salesforce_api_usage_ratio{destination="acme"} 0.45x120`,
		`salesforce_api_budget_ratio{destination="acme"} 0.5x120`}, true},
	{"usage at 40% of a 50% budget", "SalesforceAPIBudgetHigh", []string{
		`salesforce_api_usage_ratio{destination="acme"} 0.2x120`,
		`salesforce_api_budget_ratio{destination="acme"} 0.5x120`}, false},
	{"rejected identities rising in the last 10m", "SalesforceRejectedWritesRising", []string{
		`salesforce_identities{ready="False",reason="SalesforceRejected"} 1x100 1+1x19`}, true},
	{"rejected identities steady", "SalesforceRejectedWritesRising", []string{
		`salesforce_identities{ready="False",reason="SalesforceRejected"} 4x120`}, false},
	{"120 drift corrections in an hour", "SalesforceDriftCorrectionsRising", []string{
		`salesforce_drift_corrections_total{destination="acme"} 0+1x120`}, true},
	{"6 drift corrections in an hour", "SalesforceDriftCorrectionsRising", []string{
		`salesforce_drift_corrections_total{destination="acme"} 0+0.05x120`}, false},
}
