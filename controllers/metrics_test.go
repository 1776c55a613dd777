package controllers

import (
	"errors"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
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

// sum adds up the values of the metric's series that carry all the labels given.
func sum(name string, labels map[string]string) float64 {
	total := 0.0
	for _, s := range series(name) {
		match := true
		for k, v := range labels {
			match = match && s[k] == v
		}
		if match {
			total += s["value"].(float64)
		}
	}
	return total
}

// identityReconciles is how many reconciles the identity controller has finished, in all
// the managers this suite ran (the registry is the process's).
func identityReconciles() float64 {
	return sum("controller_runtime_reconcile_total", map[string]string{"controller": "salesforceidentity"})
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
		dest := ns + "/prod"
		// The registry is shared with every spec before this one: compare before and after.
		syncedBefore := sum("salesforce_identities", map[string]string{"ready": "True", "reason": sfv1.ReasonSynced})
		durationsBefore := sum("salesforce_identity_sync_duration_seconds", nil)
		lookupsBefore := sum("salesforce_batch_records", map[string]string{"kind": "lookups"})
		savesBefore := sum("salesforce_batch_records", map[string]string{"kind": "saves"})
		createIdentity(ns, "m", map[string]any{"email": uniqueEmail(ns, "m"), "lastName": "M"})
		waitIdentity(ns, "m", sfv1.ReasonSynced)
		// This destination is new: its series start here. A lookup and a create of the Lead.
		Eventually(func() float64 { return sum("salesforce_api_requests_total", map[string]string{"destination": dest}) }).Should(BeNumerically(">=", 2))
		Expect(series("salesforce_api_usage_ratio")).To(ContainElement(And(
			HaveKeyWithValue("destination", dest), HaveKeyWithValue("value", BeNumerically(">", 0)))))
		Expect(series("salesforce_destination_ready")).To(ContainElement(And(
			HaveKeyWithValue("destination", dest), HaveKeyWithValue("value", BeNumerically("==", 1)))))
		// The default budget: half the org's allowance.
		Expect(series("salesforce_api_budget_ratio")).To(ContainElement(And(
			HaveKeyWithValue("destination", dest), HaveKeyWithValue("value", BeNumerically("==", 0.5)))))
		Expect(series("salesforce_api_usage_requests")).To(ContainElement(And(
			HaveKeyWithValue("destination", dest), HaveKeyWithValue("value", BeNumerically(">", 0)))))
		// Every request of the destination names its operation and how it ended; the login
		// and the Lead's calls succeeded.
		for _, s := range series("salesforce_api_requests_total") {
			if s["destination"] == dest {
				Expect(s).To(HaveKeyWithValue("operation", Not(BeEmpty())))
				Expect(s).To(HaveKeyWithValue("outcome", Equal("2xx")), "series %v", s)
			}
		}
		Expect(sum("salesforce_api_request_duration_seconds", nil)).To(BeNumerically(">=", sum("salesforce_api_requests_total", map[string]string{"destination": dest})))
		Eventually(func() float64 {
			return sum("salesforce_identities", map[string]string{"ready": "True", "reason": sfv1.ReasonSynced})
		}).Should(BeNumerically(">=", syncedBefore+1))
		Expect(sum("salesforce_identity_sync_duration_seconds", nil)).To(BeNumerically(">", durationsBefore))
		// The lookup and the create of the Lead each went out as a batch.
		Expect(sum("salesforce_batch_records", map[string]string{"kind": "lookups"})).To(BeNumerically(">=", lookupsBefore+1))
		Expect(sum("salesforce_batch_records", map[string]string{"kind": "saves"})).To(BeNumerically(">=", savesBefore+1))
	})
})

// The outcome label of salesforce_api_requests_total: what a dashboard groups failures by.
func TestCallOutcome(t *testing.T) {
	cases := map[string]struct {
		status int
		err    error
		want   string
	}{
		"a success":                      {status: 201, want: "2xx"},
		"Salesforce's error code":        {status: 400, err: &salesforce.Error{StatusCode: 400, Code: "INVALID_FIELD"}, want: "INVALID_FIELD"},
		"an error without a code":        {status: 502, err: &salesforce.Error{StatusCode: 502}, want: "5xx"},
		"no answer at all":               {err: errors.New("connection reset"), want: "network_error"},
		"a status with an unknown error": {status: 503, err: errors.New("boom"), want: "5xx"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := callOutcome(tc.status, tc.err); got != tc.want {
				t.Errorf("callOutcome(%d, %v) = %q, want %q", tc.status, tc.err, got, tc.want)
			}
		})
	}
}
