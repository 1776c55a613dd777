package controllers

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

func TestCacheTransform(t *testing.T) {
	tests := []struct {
		name            string
		annotations     map[string]string
		wantAnnotations map[string]string
	}{
		{"last-applied and managed fields go, the state stays",
			map[string]string{lastAppliedAnnotation: `{"spec":{"traits":{"email":"a@b.c"}}}`, sfv1.AnnotationState: `{"hash":"h"}`, "team": "crm"},
			map[string]string{sfv1.AnnotationState: `{"hash":"h"}`, "team": "crm"}},
		{"only last-applied: no annotations left", map[string]string{lastAppliedAnnotation: "{}"}, nil},
		{"no annotations", nil, nil},
	}
	transform := CacheTransform()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &sfv1.SalesforceIdentity{ObjectMeta: metav1.ObjectMeta{Name: "a", Annotations: tt.annotations,
				ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl-client-side-apply"}}}}
			out, err := transform(in)
			if err != nil {
				t.Fatal(err)
			}
			got := out.(*sfv1.SalesforceIdentity)
			if got.ManagedFields != nil {
				t.Errorf("managed fields kept: %v", got.ManagedFields)
			}
			if len(got.Annotations) != len(tt.wantAnnotations) {
				t.Fatalf("annotations = %v, want %v", got.Annotations, tt.wantAnnotations)
			}
			for k, v := range tt.wantAnnotations {
				if got.Annotations[k] != v {
					t.Errorf("annotation %s = %q, want %q", k, got.Annotations[k], v)
				}
			}
		})
	}
}
