package opscheck

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	promqlengine "github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/storage"
)

// The loaded data covers an hour at a typical scrape interval: long enough for the longest
// range selector (increase(...[1h])) and the longest for: (15m) of the alerts.
const (
	scrapeInterval = 30 * time.Second
	loadedWindow   = time.Hour
	loadedSteps    = int(loadedWindow / scrapeInterval)
)

// evalAt is the end of the loaded window; promqltest loads from the Unix epoch.
var evalAt = time.Unix(0, 0).Add(loadedWindow).UTC()

// placeholderValue stands for a label value the capture does not keep (destination names,
// operations): any value a != or a regex matcher does not exclude.
const placeholderValue = "e2e"

// capturedSeries turns each family the manager exposed in the e2e run into series in the
// promqltest load notation. The capture keeps names, types and label names but no values
// (those change from run to run), so the values are derived from the type: a gauge holds 1, a
// counter and each histogram bucket grow steadily, so rate, increase and histogram_quantile
// see what they see on a live manager. Label values are the ones the expressions' own
// matchers name plus a placeholder: a renamed metric or label name then selects nothing,
// while the data stays independent of which states the e2e run happened to reach.
func capturedSeries(families []family, valuesOf map[string][]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "load %s\n", model.Duration(scrapeInterval))
	for _, f := range families {
		for _, ls := range labelSets(f.labels, valuesOf) {
			switch f.typ {
			case "counter":
				writeSeries(&b, f.name, ls, "0+1")
			case "histogram":
				for i, le := range []string{"0.1", "1", "+Inf"} {
					writeSeries(&b, f.name+"_bucket", append(ls, labels.Label{Name: "le", Value: le}), "0+"+strconv.Itoa(i+1))
				}
				writeSeries(&b, f.name+"_sum", ls, "0+1.5")
				writeSeries(&b, f.name+"_count", ls, "0+3")
			case "summary":
				writeSeries(&b, f.name, append(ls, labels.Label{Name: "quantile", Value: "0.5"}), "1")
				writeSeries(&b, f.name+"_sum", ls, "0+1.5")
				writeSeries(&b, f.name+"_count", ls, "0+3")
			default:
				writeSeries(&b, f.name, ls, "1")
			}
		}
	}
	return b.String()
}

func writeSeries(b *strings.Builder, name string, ls []labels.Label, start string) {
	pairs := make([]string, 0, len(ls))
	for _, l := range ls {
		pairs = append(pairs, l.Name+"="+strconv.Quote(l.Value))
	}
	fmt.Fprintf(b, "  %s{%s} %sx%d\n", name, strings.Join(pairs, ","), start, loadedSteps)
}

// labelSets is every combination of the values known for the family's label names.
func labelSets(names []string, valuesOf map[string][]string) [][]labels.Label {
	sets := [][]labels.Label{nil}
	for _, n := range names {
		var next [][]labels.Label
		for _, set := range sets {
			for _, v := range append([]string{placeholderValue}, valuesOf[n]...) {
				next = append(next, append(append([]labels.Label(nil), set...), labels.Label{Name: n, Value: v}))
			}
		}
		sets = next
	}
	return sets
}

// matcherValues collects, per label name, the values the expressions' matchers name:
// equality and inequality values and the alternatives of regexes made of literals.
func matcherValues(t *testing.T, exprs []string) map[string][]string {
	t.Helper()
	seen := map[string]map[string]bool{}
	for _, e := range exprs {
		for _, vs := range vectorSelectors(t, e) {
			for _, m := range vs.LabelMatchers {
				if m.Name == labels.MetricName {
					continue
				}
				if seen[m.Name] == nil {
					seen[m.Name] = map[string]bool{}
				}
				values := m.SetMatches()
				if m.Type == labels.MatchEqual || m.Type == labels.MatchNotEqual {
					values = []string{m.Value}
				}
				for _, v := range values {
					seen[m.Name][v] = v != placeholderValue
				}
			}
		}
	}
	out := map[string][]string{}
	for name, values := range seen {
		for v, keep := range values {
			if keep {
				out[name] = append(out[name], v)
			}
		}
		sort.Strings(out[name])
	}
	return out
}

func vectorSelectors(t *testing.T, expr string) []*parser.VectorSelector {
	t.Helper()
	parsed, err := promql.ParseExpr(expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	var out []*parser.VectorSelector
	parser.Inspect(parsed, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok {
			out = append(out, vs)
		}
		return nil
	})
	return out
}

func newEngine(t *testing.T) *promqlengine.Engine {
	return promqltest.NewTestEngineWithOpts(t, promqlengine.EngineOpts{
		MaxSamples: 1_000_000,
		Timeout:    time.Minute,
		Parser:     promql,
	})
}

func evaluate(engine *promqlengine.Engine, st storage.Queryable, expr string, at time.Time) (promqlengine.Vector, error) {
	q, err := engine.NewInstantQuery(context.Background(), st, nil, expr, at)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	res := q.Exec(context.Background())
	if res.Err != nil {
		return nil, res.Err
	}
	return res.Vector()
}

// withoutThreshold turns a top-level comparison into one with bool, which keeps every series
// the comparison sees: an alert that is quiet because nothing matches its selectors is then
// told apart from one that is quiet because all is well.
func withoutThreshold(t *testing.T, expr string) string {
	t.Helper()
	parsed, err := promql.ParseExpr(expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	for {
		paren, ok := parsed.(*parser.ParenExpr)
		if !ok {
			break
		}
		parsed = paren.Expr
	}
	if bin, ok := parsed.(*parser.BinaryExpr); ok && bin.Op.IsComparisonOperator() {
		bin.ReturnBool = true
	}
	return parsed.String()
}

// unselected says what in the expression selects none of the loaded series, or fails to
// evaluate: the whole expression without its threshold, and each selector inside it.
func unselected(t *testing.T, engine *promqlengine.Engine, st storage.Queryable, expr string) []string {
	t.Helper()
	var problems []string
	if _, err := evaluate(engine, st, expr, evalAt); err != nil {
		return []string{err.Error()}
	}
	queries := []string{withoutThreshold(t, expr)}
	for _, vs := range vectorSelectors(t, expr) {
		queries = append(queries, vs.String())
	}
	for _, q := range queries {
		v, err := evaluate(engine, st, q, evalAt)
		switch {
		case err != nil:
			problems = append(problems, q+": "+err.Error())
		case len(v) == 0:
			problems = append(problems, q+" selects no series")
		}
	}
	return problems
}

type query struct{ name, expr string }

// opsQueries is every alert expression and every dashboard panel query.
func opsQueries(t *testing.T) []query {
	t.Helper()
	var out []query
	for _, r := range alertRules(t) {
		out = append(out, query{"alert " + r.Alert, r.Expr})
	}
	for _, p := range readDashboard(t).Panels {
		for _, target := range p.Targets {
			out = append(out, query{"panel " + p.Title, target.Expr})
		}
	}
	return out
}

// capturedStorage loads the series derived from the e2e capture for the given queries.
func capturedStorage(t *testing.T, queries []query) storage.Queryable {
	t.Helper()
	exprs := make([]string, 0, len(queries))
	for _, q := range queries {
		exprs = append(exprs, q.expr)
	}
	return promqltest.LoadedStorage(t, capturedSeries(capturedFamilies(t), matcherValues(t, exprs)))
}

// Each alert and panel runs in Prometheus's own engine over an hour of series built from the
// manager's /metrics in the e2e run, and each selects some of them: a renamed metric or label
// leaves an alert that can never fire, which only shows here.
func TestOpsQueriesSelectCapturedMetrics(t *testing.T) {
	queries := opsQueries(t)
	st := capturedStorage(t, queries)
	engine := newEngine(t)
	for _, q := range queries {
		if problems := unselected(t, engine, st, q.expr); len(problems) > 0 {
			t.Errorf("%s: %s", q.name, strings.Join(problems, "; "))
		}
	}
}

// The evaluation check must catch what a rename breaks, or TestOpsQueriesSelectCapturedMetrics
// proves nothing.
func TestUnselectedCatchesRenames(t *testing.T) {
	st := capturedStorage(t, opsQueries(t))
	engine := newEngine(t)
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`salesforce_destination_ready == 0`, nil},
		{`salesforce_destination_readiness == 0`, []string{
			"salesforce_destination_readiness == bool 0 selects no series", "salesforce_destination_readiness selects no series"}},
		{`sum by (reason) (salesforce_identities{status="False"}) > 0`, []string{
			`sum by (reason) (salesforce_identities{status="False"}) > bool 0 selects no series`,
			`salesforce_identities{status="False"} selects no series`}},
		{`sum(rate(salesforce_api_requests_total{outcome="2xx"}[5m])) / sum(rate(salesforce_api_requests_total[5m]))`, []string{
			`sum(rate(salesforce_api_requests_total{outcome="2xx"}[5m])) / sum(rate(salesforce_api_requests_total[5m])) selects no series`,
			`salesforce_api_requests_total{outcome="2xx"} selects no series`}},
		{`rate(salesforce_api_requests_total[5m]) > 0`, nil},
		{`histogram_quantile(0.9, rate(salesforce_api_request_duration_seconds_bucket[5m]))`, nil},
	} {
		got := unselected(t, engine, st, tc.expr)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tc.expr, got, tc.want)
		}
	}
}
