package controllers

import (
	"context"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/ownwrites"
)

// A state write that meets a spec edit made after the reconcile read the object is retried on
// the stored object, also when that object has no annotations yet (the identity's first write).
func TestPersistRetriesOnAConcurrentSpecEdit(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
	}{
		{"first state write, no annotations at all", nil},
		{"first state write, other annotations", map[string]string{"team": "crm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scheme := runtime.NewScheme()
			if err := sfv1.AddToScheme(scheme); err != nil {
				t.Fatal(err)
			}
			stored := &sfv1.SalesforceIdentity{
				ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: "acct", Annotations: tt.annotations, Generation: 1},
				Spec: sfv1.SalesforceIdentitySpec{DestinationRef: sfv1.DestinationReference{Name: "prod"},
					Traits: &apiextensionsv1.JSON{Raw: []byte(`{"Name":"Acme"}`)}},
			}
			c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(stored).Build()
			ctx := context.Background()
			seen := &sfv1.SalesforceIdentity{}
			if err := c.Get(ctx, client.ObjectKeyFromObject(stored), seen); err != nil {
				t.Fatal(err)
			}
			edited := seen.DeepCopy()
			edited.Generation = seen.Generation + 1
			edited.Spec.Traits = &apiextensionsv1.JSON{Raw: []byte(`{"Name":"Acme Corp"}`)}
			if err := c.Update(ctx, edited); err != nil {
				t.Fatal(err)
			}

			r := &IdentityReconciler{Client: c, APIReader: c, ownWrites: &ownwrites.Filter{}}
			s := &identitySync{r: r, obj: seen, base: seen.DeepCopy(), generation: seen.Generation,
				state: syncState{Records: []managedRecord{{Key: "externalId/0", Type: "Account", ID: "0015g00000AbCdEAAZ", Created: true}}}}
			if err := s.saveState(ctx); err != nil {
				t.Fatalf("persist: %v", err)
			}
			got := &sfv1.SalesforceIdentity{}
			if err := c.Get(ctx, client.ObjectKeyFromObject(stored), got); err != nil {
				t.Fatal(err)
			}
			st, err := loadState(got)
			if err != nil || st.find("externalId/0") == nil {
				t.Fatalf("stored state %q (%v), want the created record", got.Annotations[sfv1.AnnotationState], err)
			}
			if string(got.Spec.Traits.Raw) != `{"Name":"Acme Corp"}` {
				t.Errorf("the spec edit was undone: %s", got.Spec.Traits.Raw)
			}
			// The status this reconcile writes is for the spec it acted on, not the edit it
			// met: that one has not been written to Salesforce yet.
			finishStatus(&s.obj.Status, s.generation, outcome{ready: true, reason: sfv1.ReasonSynced}, nil)
			if s.obj.Generation == s.generation {
				t.Fatalf("the object was not refreshed to the edited generation %d", s.obj.Generation)
			}
			if ready := readyCondition(s.obj); s.obj.Status.ObservedGeneration != s.generation || ready.ObservedGeneration != s.generation {
				t.Errorf("status claims generation %d (Ready for %d); the reconcile acted on %d",
					s.obj.Status.ObservedGeneration, ready.ObservedGeneration, s.generation)
			}
			for k, v := range tt.annotations {
				if got.Annotations[k] != v {
					t.Errorf("annotation %s = %q, want %q", k, got.Annotations[k], v)
				}
			}
		})
	}
}
