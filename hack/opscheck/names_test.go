package opscheck

import (
	"strings"
	"testing"
)

// The name check must catch what a rename breaks, or the alert tests prove nothing.
func TestUnknownNamesCatchesRenames(t *testing.T) {
	exposed := map[string]map[string]bool{
		"salesforce_identities":    {"ready": true, "reason": true},
		"salesforce_batch_records": {"kind": true},
	}
	for _, tc := range []struct {
		expr, want string
	}{
		{`sum by (reason) (salesforce_identities{ready="False"}) > 0`, ""},
		{`sum by (reason) (salesforce_identity{ready="False"}) > 0`, "label reason grouped by, metric salesforce_identity"},
		{`salesforce_identities{status="False"}`, "label status of salesforce_identities"},
		{`sum by (destination) (salesforce_identities)`, "label destination grouped by"},
		{`rate(salesforce_batch_records_sum[5m])`, "metric salesforce_batch_records_sum"},
	} {
		expr, err := promql.ParseExpr(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(unknownNames(expr, exposed), ", ")
		if got != tc.want {
			t.Errorf("%s: unknown %q, want %q", tc.expr, got, tc.want)
		}
	}
}
