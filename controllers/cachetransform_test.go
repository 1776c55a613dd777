package controllers

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"

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

// BenchmarkCachedIdentity reports what the informer keeps per synced identity: the object as
// decoded from the watch, trimmed by CacheTransform, in an indexer with the namespace and
// destination indexes: what an informer's cache of identities would hold, and did before the
// identity index (BenchmarkIndexedIdentity) replaced it.
func BenchmarkCachedIdentity(b *testing.B) {
	const n = 10_000
	decoder, raw := syncedIdentitiesJSON(b, n)
	transform := CacheTransform()
	for b.Loop() {
		indexer := toolscache.NewIndexer(toolscache.MetaNamespaceKeyFunc, toolscache.Indexers{
			toolscache.NamespaceIndex: toolscache.MetaNamespaceIndexFunc,
			"spec.destinationRef.name": func(o any) ([]string, error) {
				return []string{o.(*sfv1.SalesforceIdentity).Spec.DestinationRef.Name}, nil
			},
		})
		perIdentity := heapPerIdentity(b, decoder, raw, func(decoded kruntime.Object) error {
			cached, err := transform(decoded)
			if err != nil {
				return err
			}
			return indexer.Add(cached)
		})
		b.ReportMetric(perIdentity, "B/identity")
		b.ReportMetric(float64(len(raw[0])), "B/json")
		runtime.KeepAlive(indexer)
	}
}

// heapPerIdentity decodes every identity, hands it to keep, and returns how much the live heap
// grew per identity once only what keep holds on to is left.
func heapPerIdentity(b *testing.B, decoder kruntime.Decoder, raw [][]byte, keep func(kruntime.Object) error) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, r := range raw {
		decoded, _, err := decoder.Decode(r, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := keep(decoded); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(len(raw))
}

// syncedIdentitiesJSON is n synced identities as the watch sends them, and a decoder for them.
func syncedIdentitiesJSON(b *testing.B, n int) (kruntime.Decoder, [][]byte) {
	identities := kruntime.NewScheme()
	if err := sfv1.AddToScheme(identities); err != nil {
		b.Fatal(err)
	}
	raw := make([][]byte, n)
	for i := range raw {
		raw[i] = syncedIdentityJSON(b, i)
	}
	return serializer.NewCodecFactory(identities).UniversalDeserializer(), raw
}

// syncedIdentityJSON is identity i as the API server sends it once synced: applied with
// kubectl (managed fields, last-applied copy), its state annotation and status written.
func syncedIdentityJSON(b *testing.B, i int) []byte {
	name := fmt.Sprintf("id-%05d", i)
	id := fmt.Sprintf("00Q5g00000%07dAAA", i)
	at := metav1.NewTime(time.Date(2026, 11, 29, 13, 40, 1, 0, time.UTC))
	traits := fmt.Sprintf(`{"company":"Acme %s","email":"%s@example.com","firstName":"Ada","lastName":"%s","title":"Engineer"}`, name, name, name)
	st := syncState{Records: []managedRecord{{Key: leadKey, Type: "Lead", ID: id, Created: true, Operation: sfv1.RecordCreated, SyncedAt: &at}},
		Hash: strings.Repeat("9f86d081", 8), Generation: 1, Settings: "0123456789abcdef", CheckedAt: &at}
	obj := &sfv1.SalesforceIdentity{
		TypeMeta: metav1.TypeMeta{APIVersion: sfv1.GroupVersion.String(), Kind: "SalesforceIdentity"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "crm", UID: types.UID(fmt.Sprintf("5f0c1a2b-3c4d-4e5f-8a9b-%012d", i)),
			ResourceVersion: strconv.Itoa(100_000 + i), Generation: 1, CreationTimestamp: at,
			Annotations: map[string]string{lastAppliedAnnotation: `{"apiVersion":"salesforce.destinations.dev/v1alpha1","kind":"SalesforceIdentity","metadata":{"name":"` + name + `","namespace":"crm"},"spec":{"destinationRef":{"name":"prod"},"traits":` + traits + `}}`},
			ManagedFields: []metav1.ManagedFieldsEntry{
				{Manager: "kubectl-client-side-apply", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "salesforce.destinations.dev/v1alpha1", Time: &at, FieldsType: "FieldsV1",
					FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},"f:spec":{".":{},"f:destinationRef":{".":{},"f:name":{}},"f:traits":{}}}`)}},
				{Manager: "salesforce-controller", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "salesforce.destinations.dev/v1alpha1", Time: &at, FieldsType: "FieldsV1", Subresource: "status",
					FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:status":{".":{},"f:conditions":{},"f:observedGeneration":{},"f:records":{}}}`)}},
			}},
		Spec: sfv1.SalesforceIdentitySpec{DestinationRef: sfv1.DestinationReference{Name: "prod"}, Traits: &apiextensionsv1.JSON{Raw: []byte(traits)}},
		Status: sfv1.SalesforceIdentityStatus{ObservedGeneration: 1,
			Conditions:         []metav1.Condition{{Type: sfv1.ConditionReady, Status: metav1.ConditionTrue, ObservedGeneration: 1, LastTransitionTime: at, Reason: sfv1.ReasonSynced, Message: "Lead " + id + " created"}},
			Records:            []sfv1.RecordStatus{{ObjectType: "Lead", ID: id, Operation: sfv1.RecordCreated, LastSyncTime: &at}},
			LastDriftCheckTime: &at},
	}
	storeState(obj, st)
	raw, err := json.Marshal(obj)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}
