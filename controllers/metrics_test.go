package controllers

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// series returns the metric family's series as label maps with their values.
func series(name string) []map[string]any {
	families, err := ctrlmetrics.Registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	var out []map[string]any
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			s := map[string]any{}
			for _, l := range m.GetLabel() {
				s[l.GetName()] = l.GetValue()
			}
			s["value"] = value(m)
			out = append(out, s)
		}
	}
	return out
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

var _ = Describe("Metrics on the manager's endpoint", func() {
	It("count Salesforce calls by destination, the org's usage and identities by condition", func() {
		ns := newNamespace()
		readyDestination(ns, "prod")
		createIdentity(ns, "m", map[string]any{"email": uniqueEmail(ns, "m"), "lastName": "M"})
		waitIdentity(ns, "m", sfv1.ReasonSynced)
		dest := ns + "/prod"
		Eventually(func() []map[string]any { return series("salesforce_api_requests_total") }).Should(
			ContainElement(And(HaveKeyWithValue("destination", dest), HaveKeyWithValue("value", BeNumerically(">=", 1)))))
		Expect(series("salesforce_api_usage_ratio")).To(ContainElement(And(
			HaveKeyWithValue("destination", dest), HaveKeyWithValue("value", BeNumerically(">", 0)))))
		Expect(series("salesforce_destination_ready")).To(ContainElement(And(
			HaveKeyWithValue("destination", dest), HaveKeyWithValue("value", BeNumerically("==", 1)))))
		// The default budget: half the org's allowance.
		Expect(series("salesforce_api_budget_ratio")).To(ContainElement(And(
			HaveKeyWithValue("destination", dest), HaveKeyWithValue("value", BeNumerically("==", 0.5)))))
		Expect(series("salesforce_identities")).To(ContainElement(And(
			HaveKeyWithValue("ready", "True"), HaveKeyWithValue("reason", sfv1.ReasonSynced), HaveKeyWithValue("value", BeNumerically(">=", 1)))))
		Expect(series("salesforce_identity_sync_duration_seconds")).To(ContainElement(HaveKeyWithValue("value", BeNumerically(">=", 1))))
		// The lookup and the create of the Lead each went out as a batch.
		Expect(series("salesforce_batch_records")).To(ContainElements(
			And(HaveKeyWithValue("kind", "lookups"), HaveKeyWithValue("value", BeNumerically(">=", 1))),
			And(HaveKeyWithValue("kind", "saves"), HaveKeyWithValue("value", BeNumerically(">=", 1)))))
	})
})
