package controllers

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/identityindex"
)

func identityWithReady(status metav1.ConditionStatus, reason string) *sfv1.SalesforceIdentity {
	obj := &sfv1.SalesforceIdentity{}
	if status != "" {
		obj.Status.Conditions = []metav1.Condition{{Type: sfv1.ConditionReady, Status: status, Reason: reason}}
	}
	return obj
}

// The identity gauge moves with the index's changes, whoever made them, relists included, and
// holds nothing per identity.
func TestIdentityGaugeFollowsIndexChanges(t *testing.T) {
	fresh := identityWithReady("", "")
	synced := identityWithReady(metav1.ConditionTrue, sfv1.ReasonSynced)
	failing := identityWithReady(metav1.ConditionFalse, sfv1.ReasonInvalidTraits)
	named := func(name string, obj *sfv1.SalesforceIdentity) *sfv1.SalesforceIdentity {
		obj = obj.DeepCopy()
		obj.Namespace, obj.Name = "crm", name
		return obj
	}
	type event struct {
		add, remove *sfv1.SalesforceIdentity
		relist      []*sfv1.SalesforceIdentity
	}
	tests := []struct {
		name   string
		events []event
		want   map[identityindex.Ready]float64
	}{
		{"a new identity counts as Unknown", []event{{add: named("a", fresh)}},
			map[identityindex.Ready]float64{{Status: "Unknown"}: 1}},
		{"becoming Ready moves it", []event{{add: named("a", fresh)}, {add: named("a", synced)}},
			map[identityindex.Ready]float64{{Status: "Unknown"}: 0, {Status: "True", Reason: sfv1.ReasonSynced}: 1}},
		{"an update within a bucket changes nothing", []event{{add: named("a", synced)}, {add: named("a", synced)}},
			map[identityindex.Ready]float64{{Status: "True", Reason: sfv1.ReasonSynced}: 1}},
		{"a new reason is a new bucket", []event{{add: named("a", synced)}, {add: named("a", failing)}},
			map[identityindex.Ready]float64{{Status: "True", Reason: sfv1.ReasonSynced}: 0, {Status: "False", Reason: sfv1.ReasonInvalidTraits}: 1}},
		{"deletion, also one the watch missed, leaves the count",
			[]event{{add: named("a", synced)}, {add: named("b", failing)}, {add: named("c", failing)},
				{remove: named("a", synced)}, {remove: named("b", failing)}, {relist: []*sfv1.SalesforceIdentity{named("d", fresh)}}},
			map[identityindex.Ready]float64{{Status: "True", Reason: sfv1.ReasonSynced}: 0, {Status: "False", Reason: sfv1.ReasonInvalidTraits}: 0, {Status: "Unknown"}: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &metrics{identities: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "test_identities"}, []string{"ready", "reason"})}
			index := newIdentityIndex(nil)
			m.countIdentities(index)
			for _, e := range tt.events {
				switch {
				case e.add != nil:
					_ = index.Update(e.add)
				case e.remove != nil:
					_ = index.Delete(e.remove)
				default:
					list := make([]any, len(e.relist))
					for i, o := range e.relist {
						list[i] = o
					}
					_ = index.Replace(list, "")
				}
			}
			for bucket, want := range tt.want {
				var got dto.Metric
				if err := m.identities.WithLabelValues(bucket.Status, bucket.Reason).Write(&got); err != nil {
					t.Fatal(err)
				}
				if got.GetGauge().GetValue() != want {
					t.Errorf("%v: %v, want %v", bucket, got.GetGauge().GetValue(), want)
				}
			}
		})
	}
}
