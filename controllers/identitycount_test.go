package controllers

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

func identityWithReady(status metav1.ConditionStatus, reason string) *sfv1.SalesforceIdentity {
	obj := &sfv1.SalesforceIdentity{}
	if status != "" {
		obj.Status.Conditions = []metav1.Condition{{Type: sfv1.ConditionReady, Status: status, Reason: reason}}
	}
	return obj
}

// The identity gauge moves with the informer's events, whoever made them, and holds nothing
// per identity.
func TestIdentityGaugeFollowsInformerEvents(t *testing.T) {
	fresh := identityWithReady("", "")
	synced := identityWithReady(metav1.ConditionTrue, sfv1.ReasonSynced)
	failing := identityWithReady(metav1.ConditionFalse, sfv1.ReasonInvalidTraits)
	type event struct{ from, to any }
	tests := []struct {
		name   string
		events []event
		want   map[identityCondition]float64
	}{
		{"a new identity counts as Unknown", []event{{nil, fresh}},
			map[identityCondition]float64{{status: "Unknown"}: 1}},
		{"becoming Ready moves it", []event{{nil, fresh}, {fresh, synced}},
			map[identityCondition]float64{{status: "Unknown"}: 0, {status: "True", reason: sfv1.ReasonSynced}: 1}},
		{"an update within a bucket changes nothing", []event{{nil, synced}, {synced, synced.DeepCopy()}},
			map[identityCondition]float64{{status: "True", reason: sfv1.ReasonSynced}: 1}},
		{"a new reason is a new bucket", []event{{nil, synced}, {synced, failing}},
			map[identityCondition]float64{{status: "True", reason: sfv1.ReasonSynced}: 0, {status: "False", reason: sfv1.ReasonInvalidTraits}: 1}},
		{"deletion, also one the watch missed, leaves the count",
			[]event{{nil, synced}, {nil, failing}, {synced, nil}, {toolscache.DeletedFinalStateUnknown{Obj: failing}, nil}},
			map[identityCondition]float64{{status: "True", reason: sfv1.ReasonSynced}: 0, {status: "False", reason: sfv1.ReasonInvalidTraits}: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &metrics{identities: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "test_identities"}, []string{"ready", "reason"})}
			handler := m.identityCounter()
			for _, e := range tt.events {
				switch {
				case e.from == nil:
					handler.OnAdd(e.to, false)
				case e.to == nil:
					handler.OnDelete(e.from)
				default:
					handler.OnUpdate(e.from, e.to)
				}
			}
			for bucket, want := range tt.want {
				var got dto.Metric
				if err := m.identities.WithLabelValues(bucket.status, bucket.reason).Write(&got); err != nil {
					t.Fatal(err)
				}
				if got.GetGauge().GetValue() != want {
					t.Errorf("%v: %v, want %v", bucket, got.GetGauge().GetValue(), want)
				}
			}
		})
	}
}
