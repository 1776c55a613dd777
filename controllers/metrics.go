package controllers

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/identityindex"
	"github.com/destinations/salesforce-controller/salesforce"
)

// metrics are the product's own Prometheus series, next to controller-runtime's built-in
// reconcile and workqueue metrics on the manager's endpoint. Labels are kept to destination,
// operation, outcome and condition: never per identity.
type metrics struct {
	calls        *prometheus.CounterVec
	callDuration *prometheus.HistogramVec
	usageRatio   *prometheus.GaugeVec
	usageUsed    *prometheus.GaugeVec
	syncDuration prometheus.Histogram
	batchRecords *prometheus.HistogramVec
	identities   *prometheus.GaugeVec
	loginFlows   *loginFlowSeries
	// destReady, budget and driftFixes feed the shipped alerts (config/prometheus).
	destReady  *prometheus.GaugeVec
	budget     *prometheus.GaugeVec
	driftFixes *prometheus.CounterVec
	// observers holds each destination's latest call observer (types.NamespacedName keys).
	observers sync.Map
}

// loginFlowSeries are salesforce_destination_login_flow, one series per destination naming
// its flow (what an alert lists), and salesforce_destinations, their count per flow.
type loginFlowSeries struct {
	mu      sync.Mutex
	flows   map[types.NamespacedName]salesforce.Flow
	perDest *prometheus.GaugeVec
	count   *prometheus.GaugeVec
}

func newLoginFlowSeries() *loginFlowSeries {
	return &loginFlowSeries{flows: map[types.NamespacedName]salesforce.Flow{},
		perDest: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "salesforce_destination_login_flow",
			Help: "1 per destination, labelled with the login flow its Secret selects and whether Salesforce is retiring that flow.",
		}, []string{"destination", "flow", "deprecated"}),
		count: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "salesforce_destinations",
			Help: "Destinations by the login flow their Secret selects and whether Salesforce is retiring that flow.",
		}, []string{"flow", "deprecated"}),
	}
}

func (s *loginFlowSeries) set(dest types.NamespacedName, flow salesforce.Flow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, known := s.flows[dest]
	if known && old == flow {
		return
	}
	if known {
		s.perDest.DeleteLabelValues(dest.String(), string(old), strconv.FormatBool(old.Deprecated()))
		s.count.WithLabelValues(string(old), strconv.FormatBool(old.Deprecated())).Dec()
	}
	if flow == "" {
		delete(s.flows, dest)
		return
	}
	s.flows[dest] = flow
	s.perDest.WithLabelValues(dest.String(), string(flow), strconv.FormatBool(flow.Deprecated())).Set(1)
	s.count.WithLabelValues(string(flow), strconv.FormatBool(flow.Deprecated())).Inc()
}

var (
	metricsOnce   sync.Once
	sharedMetrics *metrics
)

// newMetrics registers the series once per process: tests start several managers.
func newMetrics() *metrics {
	metricsOnce.Do(func() {
		m := &metrics{
			calls: prometheus.NewCounterVec(prometheus.CounterOpts{
				Name: "salesforce_api_requests_total",
				Help: "Salesforce API requests by destination, operation and outcome (HTTP status class or error).",
			}, []string{"destination", "operation", "outcome"}),
			callDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Name:    "salesforce_api_request_duration_seconds",
				Help:    "Duration of Salesforce API requests by operation.",
				Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
			}, []string{"operation"}),
			usageRatio: prometheus.NewGaugeVec(prometheus.GaugeOpts{
				Name: "salesforce_api_usage_ratio",
				Help: "Share of the org's daily API allowance used, from the Sforce-Limit-Info header.",
			}, []string{"destination"}),
			usageUsed: prometheus.NewGaugeVec(prometheus.GaugeOpts{
				Name: "salesforce_api_usage_requests",
				Help: "API requests the org used in the last 24 hours, from the Sforce-Limit-Info header.",
			}, []string{"destination"}),
			syncDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
				Name:    "salesforce_identity_sync_duration_seconds",
				Help:    "Duration of SalesforceIdentity reconciles.",
				Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
			}),
			batchRecords: prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Name:    "salesforce_batch_records",
				Help:    "Records per batched Salesforce call, by kind (lookups, saves, retrieves, deletes): fuller batches spend fewer API calls.",
				Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000},
			}, []string{"kind"}),
			identities: prometheus.NewGaugeVec(prometheus.GaugeOpts{
				Name: "salesforce_identities",
				Help: "SalesforceIdentity objects by Ready status and reason.",
			}, []string{"ready", "reason"}),
			destReady: prometheus.NewGaugeVec(prometheus.GaugeOpts{
				Name: "salesforce_destination_ready",
				Help: "1 when the SalesforceDestination is Ready (logged in), else 0.",
			}, []string{"destination"}),
			budget: prometheus.NewGaugeVec(prometheus.GaugeOpts{
				Name: "salesforce_api_budget_ratio",
				Help: "Share of the org's daily API allowance the destination may use (spec.apiBudgetPercent / 100).",
			}, []string{"destination"}),
			driftFixes: prometheus.NewCounterVec(prometheus.CounterOpts{
				Name: "salesforce_drift_corrections_total",
				Help: "Records whose managed fields were changed in Salesforce and written back.",
			}, []string{"destination"}),
		}
		m.loginFlows = newLoginFlowSeries()
		ctrlmetrics.Registry.MustRegister(m.calls, m.callDuration, m.usageRatio, m.usageUsed, m.syncDuration, m.batchRecords, m.identities,
			m.loginFlows.perDest, m.loginFlows.count, m.destReady, m.budget, m.driftFixes)
		sharedMetrics = m
	})
	return sharedMetrics
}

// observeBatch is told the size of every batch a coalescer sends.
func (m *metrics) observeBatch(kind string, records int) {
	m.batchRecords.WithLabelValues(kind).Observe(float64(records))
}

// observer returns the hook a destination's client reports every HTTP exchange to.
func (m *metrics) observer(dest types.NamespacedName) salesforce.Observer {
	o := &callObserver{m: m, dest: dest.String()}
	m.observers.Store(dest, o)
	return o
}

type callObserver struct {
	m    *metrics
	dest string
	// gone is set when the destination is deleted, so a call still in flight cannot bring
	// its series back.
	gone atomic.Bool
}

func (o *callObserver) ObserveRequest(operation string, statusCode int, err error, elapsed time.Duration) {
	if o.gone.Load() {
		return
	}
	o.m.calls.WithLabelValues(o.dest, operation, callOutcome(statusCode, err)).Inc()
	o.m.callDuration.WithLabelValues(operation).Observe(elapsed.Seconds())
}

func (m *metrics) setAPIUsage(dest types.NamespacedName, used, max int) {
	m.usageUsed.WithLabelValues(dest.String()).Set(float64(used))
	if max > 0 {
		m.usageRatio.WithLabelValues(dest.String()).Set(float64(used) / float64(max))
	}
}

// observeDestination records a destination's Ready verdict and budget. The drift counter is
// created at zero with it, so an alert on its increase sees the first correction.
func (m *metrics) observeDestination(dest types.NamespacedName, ready bool, budgetPercent int32) {
	value := 0.0
	if ready {
		value = 1
	}
	m.destReady.WithLabelValues(dest.String()).Set(value)
	m.budget.WithLabelValues(dest.String()).Set(float64(budgetPercent) / 100)
	m.driftFixes.WithLabelValues(dest.String())
}

func (m *metrics) observeDriftCorrection(dest types.NamespacedName) {
	m.driftFixes.WithLabelValues(dest.String()).Inc()
}

// forgetDestination removes every series of a deleted destination.
func (m *metrics) forgetDestination(dest types.NamespacedName) {
	m.usageRatio.DeleteLabelValues(dest.String())
	m.usageUsed.DeleteLabelValues(dest.String())
	if o, ok := m.observers.LoadAndDelete(dest); ok {
		o.(*callObserver).gone.Store(true)
	}
	m.calls.DeletePartialMatch(prometheus.Labels{"destination": dest.String()})
	m.destReady.DeleteLabelValues(dest.String())
	m.budget.DeleteLabelValues(dest.String())
	m.driftFixes.DeleteLabelValues(dest.String())
	m.loginFlows.set(dest, "")
}

// setLoginFlow records the flow a destination's Secret selects.
func (m *metrics) setLoginFlow(dest types.NamespacedName, flow salesforce.Flow) {
	m.loginFlows.set(dest, flow)
}

// observeSync records a reconcile's duration.
func (m *metrics) observeSync(elapsed time.Duration) {
	m.syncDuration.Observe(elapsed.Seconds())
}

// countIdentities keeps salesforce_identities from the identity index's changes: a move
// between buckets is one decrement and one increment, so the count holds nothing per identity
// and includes identities no reconcile has reached yet. The index tells one change at a time.
func (m *metrics) countIdentities(index *identityindex.Index) {
	m.identities.Reset() // a previous manager in this process counted into the same series
	index.Listen(m.moveIdentity)
}

func (m *metrics) moveIdentity(_ types.NamespacedName, from, to *identityindex.View, _ *sfv1.SalesforceIdentity) {
	if from != nil && to != nil && from.Ready() == to.Ready() {
		return
	}
	if from != nil {
		prev := from.Ready()
		m.identities.WithLabelValues(prev.Status, prev.Reason).Dec()
	}
	if to != nil {
		next := to.Ready()
		m.identities.WithLabelValues(next.Status, next.Reason).Inc()
	}
}
