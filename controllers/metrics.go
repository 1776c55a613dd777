package controllers

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
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
	// observers holds each destination's latest call observer (types.NamespacedName keys).
	observers sync.Map
}

// identityCondition is the bucket of salesforce_identities an identity counts in.
type identityCondition struct{ status, reason string }

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
		}
		ctrlmetrics.Registry.MustRegister(m.calls, m.callDuration, m.usageRatio, m.usageUsed, m.syncDuration, m.batchRecords, m.identities)
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

// forgetDestination removes every series of a deleted destination.
func (m *metrics) forgetDestination(dest types.NamespacedName) {
	m.usageRatio.DeleteLabelValues(dest.String())
	m.usageUsed.DeleteLabelValues(dest.String())
	if o, ok := m.observers.LoadAndDelete(dest); ok {
		o.(*callObserver).gone.Store(true)
	}
	m.calls.DeletePartialMatch(prometheus.Labels{"destination": dest.String()})
}

// observeSync records a reconcile's duration.
func (m *metrics) observeSync(elapsed time.Duration) {
	m.syncDuration.Observe(elapsed.Seconds())
}

// countIdentities keeps salesforce_identities from the identity index's changes: a move
// between buckets is one decrement and one increment, so the count holds nothing per identity
// and includes identities no reconcile has reached yet. The index tells one change at a time.
func (m *metrics) countIdentities(index *identityIndex) {
	m.identities.Reset() // a previous manager in this process counted into the same series
	index.listen(m.moveIdentity)
}

func (m *metrics) moveIdentity(_ types.NamespacedName, from, to *identityView, _ *sfv1.SalesforceIdentity) {
	if from != nil && to != nil && from.ready == to.ready {
		return
	}
	if from != nil {
		prev := from.ready.Value()
		m.identities.WithLabelValues(prev.status, prev.reason).Dec()
	}
	if to != nil {
		next := to.ready.Value()
		m.identities.WithLabelValues(next.status, next.reason).Inc()
	}
}
