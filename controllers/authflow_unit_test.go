package controllers

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"k8s.io/apimachinery/pkg/types"

	"github.com/destinations/salesforce-controller/salesforce"
)

// TestLoginFlowSeries: a destination counts under one flow only, so moving it to JWT bearer
// takes it off the list an alert on deprecated flows reads.
func TestLoginFlowSeries(t *testing.T) {
	a, b := types.NamespacedName{Namespace: "crm", Name: "a"}, types.NamespacedName{Namespace: "crm", Name: "b"}
	type step struct {
		dest types.NamespacedName
		flow salesforce.Flow
	}
	cases := map[string]struct {
		steps         []step
		soap, jwt     float64
		perDestSeries int
	}{
		"two on SOAP login()":          {steps: []step{{a, salesforce.FlowSOAPLogin}, {b, salesforce.FlowSOAPLogin}}, soap: 2, perDestSeries: 2},
		"the same flow seen again":     {steps: []step{{a, salesforce.FlowSOAPLogin}, {a, salesforce.FlowSOAPLogin}}, soap: 1, perDestSeries: 1},
		"one moved to JWT bearer":      {steps: []step{{a, salesforce.FlowSOAPLogin}, {b, salesforce.FlowSOAPLogin}, {a, salesforce.FlowJWTBearer}}, soap: 1, jwt: 1, perDestSeries: 2},
		"a deleted destination leaves": {steps: []step{{a, salesforce.FlowSOAPLogin}, {a, ""}}, perDestSeries: 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := &loginFlowSeries{flows: map[types.NamespacedName]salesforce.Flow{},
				perDest: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "per_dest"}, []string{"destination", "flow", "deprecated"}),
				count:   prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "count"}, []string{"flow", "deprecated"})}
			for _, st := range tc.steps {
				s.set(st.dest, st.flow)
			}
			if got := gaugeValue(t, s.count.WithLabelValues("soap-login", "true")); got != tc.soap {
				t.Errorf("soap-login count = %v, want %v", got, tc.soap)
			}
			if got := gaugeValue(t, s.count.WithLabelValues("jwt-bearer", "false")); got != tc.jwt {
				t.Errorf("jwt-bearer count = %v, want %v", got, tc.jwt)
			}
			if got := seriesCount(s.perDest); got != tc.perDestSeries {
				t.Errorf("per-destination series = %d, want %d", got, tc.perDestSeries)
			}
		})
	}
}

func gaugeValue(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}

func seriesCount(c prometheus.Collector) int {
	ch := make(chan prometheus.Metric, 100)
	c.Collect(ch)
	close(ch)
	return len(ch)
}
