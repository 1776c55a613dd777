package opscheck

import (
	"bufio"
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

var promql = parser.NewParser(parser.Options{})

// family is one metric family of the manager's /metrics as the e2e run captured it.
type family struct {
	name, typ string
	labels    []string
}

// capturedFamilies reads testdata/metrics.txt: one family a line, name type label,label.
func capturedFamilies(t *testing.T) []family {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "metrics.txt"))
	if err != nil {
		t.Fatalf("%v (the e2e run writes it: make test-e2e)", err)
	}
	var out []family
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		f := family{name: fields[0], typ: fields[1]}
		if len(fields) > 2 {
			f.labels = strings.Split(fields[2], ",")
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatal("testdata/metrics.txt lists no metrics")
	}
	return out
}

// exposedMetrics maps each metric the manager exposed in the e2e run to the label names its
// series carry. Histograms answer for their _bucket, _sum and _count series.
func exposedMetrics(t *testing.T) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	for _, f := range capturedFamilies(t) {
		names := map[string]bool{}
		for _, l := range f.labels {
			names[l] = true
		}
		out[f.name] = names
		if f.typ == "histogram" || f.typ == "summary" {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				out[f.name+suffix] = names
			}
			out[f.name+"_bucket"] = withLabel(names, "le")
		}
	}
	return out
}

func withLabel(names map[string]bool, extra string) map[string]bool {
	out := map[string]bool{extra: true}
	for n := range names {
		out[n] = true
	}
	return out
}

// unknownNames lists the metrics an expression selects and the labels it matches on or
// groups by that the manager does not expose.
func unknownNames(expr parser.Expr, exposed map[string]map[string]bool) []string {
	var missing []string
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		switch n := node.(type) {
		case *parser.VectorSelector:
			labelsOf, ok := exposed[n.Name]
			if !ok {
				missing = append(missing, "metric "+n.Name)
				return nil
			}
			for _, m := range n.LabelMatchers {
				if m.Name != labels.MetricName && !labelsOf[m.Name] {
					missing = append(missing, "label "+m.Name+" of "+n.Name)
				}
			}
		case *parser.AggregateExpr:
			for _, g := range n.Grouping {
				if !anyHasLabel(n.Expr, g, exposed) {
					missing = append(missing, "label "+g+" grouped by")
				}
			}
		}
		return nil
	})
	return missing
}

// anyHasLabel says whether a series the expression selects can carry the label.
func anyHasLabel(expr parser.Expr, label string, exposed map[string]map[string]bool) bool {
	found := false
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok && exposed[vs.Name][label] {
			found = true
		}
		return nil
	})
	return found
}

// alertRules reads config/prometheus/alerts.yaml, a PrometheusRule, and parses its groups
// with Prometheus's own rule-file parser, which also parses every expression and template.
func alertRules(t *testing.T) []rulefmt.Rule {
	t.Helper()
	data, err := readRepoFile("config/prometheus/alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var pr struct {
		Kind string    `yaml:"kind"`
		Spec yaml.Node `yaml:"spec"`
	}
	if err := yaml.Unmarshal(data, &pr); err != nil {
		t.Fatal(err)
	}
	if pr.Kind != "PrometheusRule" {
		t.Fatalf("alerts.yaml is a %q, want a PrometheusRule", pr.Kind)
	}
	groups, err := yaml.Marshal(&pr.Spec)
	if err != nil {
		t.Fatal(err)
	}
	parsed, errs := rulefmt.Parse(groups, false, model.UTF8Validation, promql, slog.New(slog.DiscardHandler))
	for _, err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	var rules []rulefmt.Rule
	for _, g := range parsed.Groups {
		rules = append(rules, g.Rules...)
	}
	return rules
}

func TestAlertRules(t *testing.T) {
	exposed := exposedMetrics(t)
	rules := alertRules(t)
	byName := map[string]rulefmt.Rule{}
	for _, r := range rules {
		byName[r.Alert] = r
		expr, err := promql.ParseExpr(r.Expr)
		if err != nil {
			t.Errorf("%s: %v", r.Alert, err)
			continue
		}
		if missing := unknownNames(expr, exposed); len(missing) > 0 {
			t.Errorf("%s selects what the manager does not expose: %s", r.Alert, strings.Join(missing, ", "))
		}
		if r.Annotations["summary"] == "" || r.Labels["severity"] == "" {
			t.Errorf("%s needs a summary annotation and a severity label", r.Alert)
		}
	}
	readme, err := readRepoFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		alert string
		for_  model.Duration
	}{
		{"SalesforceDestinationNotReady", model.Duration(10 * 60e9)},
		{"SalesforceIdentitiesStalled", model.Duration(15 * 60e9)},
		{"SalesforceIdentitiesNotReady", model.Duration(15 * 60e9)},
		{"SalesforceAPIBudgetHigh", model.Duration(5 * 60e9)},
		{"SalesforceRejectedWritesRising", 0},
		{"SalesforceDriftCorrectionsRising", 0},
	} {
		r, ok := byName[want.alert]
		if !ok {
			t.Errorf("no alert %s", want.alert)
			continue
		}
		if r.For != want.for_ {
			t.Errorf("%s: for %s, want %s", want.alert, r.For, want.for_)
		}
		if !bytes.Contains(readme, []byte("`"+want.alert+"`")) {
			t.Errorf("README does not explain %s", want.alert)
		}
	}
}
