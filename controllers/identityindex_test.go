package controllers

import (
	"context"
	"runtime"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/identityindex"
	"github.com/destinations/salesforce-controller/controllers/internal/ownwrites"
)

const testSettings = "0123456789abcdef"

// inSyncIdentity is an identity its last reconcile left in sync.
func inSyncIdentity(name string) *sfv1.SalesforceIdentity {
	checked := metav1.NewTime(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	obj := &sfv1.SalesforceIdentity{
		ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: name, Generation: 2, ResourceVersion: "10"},
		Spec:       sfv1.SalesforceIdentitySpec{DestinationRef: sfv1.DestinationReference{Name: "prod"}},
		Status: sfv1.SalesforceIdentityStatus{ObservedGeneration: 2,
			Conditions: []metav1.Condition{{Type: sfv1.ConditionReady, Status: metav1.ConditionTrue, Reason: sfv1.ReasonSynced, ObservedGeneration: 2}}},
	}
	storeState(obj, syncState{Records: []managedRecord{{Key: leadKey, Type: "Lead", ID: "00Q5g0000000001EAA"}},
		Hash: "h", Generation: 2, Settings: testSettings, CheckedAt: &checked})
	return obj
}

func TestInSyncState(t *testing.T) {
	at := metav1.NewTime(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	withState := func(change func(*syncState)) func(*sfv1.SalesforceIdentity) {
		return func(o *sfv1.SalesforceIdentity) {
			st, _ := loadState(o)
			change(&st)
			storeState(o, st)
		}
	}
	tests := []struct {
		name   string
		change func(*sfv1.SalesforceIdentity)
		want   bool
	}{
		{"in sync", func(*sfv1.SalesforceIdentity) {}, true},
		{"a new generation", func(o *sfv1.SalesforceIdentity) { o.Generation = 3 }, false},
		{"Ready for an older generation", func(o *sfv1.SalesforceIdentity) {
			o.Generation, o.Status.ObservedGeneration = 3, 3
		}, false},
		{"not Ready", func(o *sfv1.SalesforceIdentity) { o.Status.Conditions[0].Status = metav1.ConditionFalse }, false},
		{"suspended", func(o *sfv1.SalesforceIdentity) { o.Spec.Suspend = true }, false},
		{"observing", func(o *sfv1.SalesforceIdentity) { o.Spec.ManagementPolicy = sfv1.ManagementObserve }, false},
		{"planned, by the destination's default", func(o *sfv1.SalesforceIdentity) { o.Status.Conditions[0].Reason = sfv1.ReasonPlanned }, false},
		{"resumed, its suspension still recorded", func(o *sfv1.SalesforceIdentity) {
			o.Status.Conditions = append(o.Status.Conditions, metav1.Condition{Type: sfv1.ConditionSuspended,
				Status: metav1.ConditionTrue, Reason: sfv1.ReasonDestinationSuspended, ObservedGeneration: 2})
		}, false},
		{"no conditions (status lost)", func(o *sfv1.SalesforceIdentity) { o.Status = sfv1.SalesforceIdentityStatus{} }, false},
		{"being deleted", func(o *sfv1.SalesforceIdentity) { o.DeletionTimestamp = &at }, false},
		{"deletionPolicy Delete without its finalizer", func(o *sfv1.SalesforceIdentity) {
			o.Spec.DeletionPolicy = sfv1.DeletionPolicyDelete
		}, false},
		{"deletionPolicy Delete with its finalizer", func(o *sfv1.SalesforceIdentity) {
			o.Spec.DeletionPolicy, o.Finalizers = sfv1.DeletionPolicyDelete, []string{sfv1.FinalizerIdentity}
		}, true},
		{"a finalizer left after Orphan", func(o *sfv1.SalesforceIdentity) { o.Finalizers = []string{sfv1.FinalizerIdentity} }, false},
		{"a create without its outcome", withState(func(s *syncState) { s.Pending = &pendingCreate{Key: leadKey, Type: "Lead", Since: at} }), false},
		{"a write whose answer was lost", withState(func(s *syncState) { s.VerifyAfter = &at }), false},
		{"state without the settings it was written with", withState(func(s *syncState) { s.Settings = "" }), false},
		{"never written", withState(func(s *syncState) { s.Hash = "" }), false},
		// A state write that met a spec edit was retried on the edited object, and a status
		// for that object said Ready: what was written is still the older generation's.
		{"Ready, but the state is an older generation's", withState(func(s *syncState) { s.Generation = 1 }), false},
		{"state without its generation", withState(func(s *syncState) { s.Generation = 0 }), false},
		{"an unreadable state", func(o *sfv1.SalesforceIdentity) { o.Annotations[sfv1.AnnotationState] = "{" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := inSyncIdentity("a")
			tt.change(obj)
			v := viewOf(obj)
			if v.InSync != tt.want {
				t.Fatalf("inSync = %v, want %v", v.InSync, tt.want)
			}
			if (v.Object == nil) != tt.want {
				t.Errorf("object kept = %v; an identity is kept whole exactly when it is not in sync", v.Object != nil)
			}
			if tt.want && (v.Settings() != testSettings || !v.Checked().Equal(at.Time)) {
				t.Errorf("settings %q, checked %v: the facts the fast path needs are missing", v.Settings(), v.Checked())
			}
		})
	}
}

func TestIdentityWakes(t *testing.T) {
	const pending = `{"pending":{"key":"lead","type":"Lead","since":"2026-11-29T10:00:00Z"}}`
	const synced = `{"records":[{"key":"lead","type":"Lead","id":"00Q5g0000000001EAA"}]}`
	at := metav1.Now()
	identity := func(change func(*sfv1.SalesforceIdentity)) *sfv1.SalesforceIdentity {
		o := &sfv1.SalesforceIdentity{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "alex", Generation: 1, ResourceVersion: "5"}}
		change(o)
		return o
	}
	annotated := func(a map[string]string) *sfv1.SalesforceIdentity {
		return identity(func(o *sfv1.SalesforceIdentity) { o.Annotations = a })
	}
	tests := []struct {
		name     string
		old, new *sfv1.SalesforceIdentity
		want     bool
	}{
		{"created", nil, annotated(nil), true},
		{"deleted", annotated(nil), nil, true},
		{"unchanged", annotated(map[string]string{"a": "1"}), annotated(map[string]string{"a": "1"}), false},
		{"status only", annotated(nil), identity(func(o *sfv1.SalesforceIdentity) {
			o.Status.Conditions = []metav1.Condition{{Type: sfv1.ConditionReady, Status: metav1.ConditionTrue}}
		}), false},
		{"a new generation", annotated(nil), identity(func(o *sfv1.SalesforceIdentity) { o.Generation = 2 }), true},
		{"deletion started", annotated(nil), identity(func(o *sfv1.SalesforceIdentity) { o.DeletionTimestamp = &at }), true},
		{"kubectl's last-applied copy only", annotated(nil), annotated(map[string]string{lastAppliedAnnotation: "{}"}), false},
		{"a user annotation", annotated(map[string]string{"a": "1"}), annotated(map[string]string{"a": "2"}), true},
		{"our pre-create marker", annotated(nil), annotated(map[string]string{sfv1.AnnotationState: pending}), false},
		{"the outcome of a create", annotated(map[string]string{sfv1.AnnotationState: pending}), annotated(map[string]string{sfv1.AnnotationState: synced}), true},
		{"a person removing the marker", annotated(map[string]string{sfv1.AnnotationState: pending}), annotated(map[string]string{sfv1.AnnotationState: `{}`}), true},
		{"a marker and a user annotation", annotated(nil), annotated(map[string]string{sfv1.AnnotationState: pending, "a": "1"}), true},
		{"state unchanged, other annotation", annotated(map[string]string{sfv1.AnnotationState: pending}), annotated(map[string]string{sfv1.AnnotationState: pending, "b": "2"}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := woken(&ownwrites.Filter{}, tt.old, tt.new); got != tt.want {
				t.Errorf("wakes = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestIdentityWakesSkipOwnWrites(t *testing.T) {
	const synced = `{"records":[{"key":"lead","type":"Lead","id":"00Q5g0000000001EAA"}]}`
	identity := func(rv string, annotations map[string]string) *sfv1.SalesforceIdentity {
		o := &sfv1.SalesforceIdentity{}
		o.Namespace, o.Name, o.ResourceVersion, o.Annotations = "ns", "alex", rv, annotations
		return o
	}
	own := &ownwrites.Filter{}
	own.Wrote(identity("7", nil))
	update := func(rv string) bool {
		return woken(own, identity("6", nil), identity(rv, map[string]string{sfv1.AnnotationState: synced}))
	}
	if update("7") {
		t.Error("the event of our own state write woke the identity")
	}
	if !update("7") {
		t.Error("a second event with the same version is not ours any more, yet it was skipped")
	}
	own.Wrote(identity("9", nil))
	if !update("8") {
		t.Error("a state change by someone else (another version) was skipped")
	}
}

// woken runs an update through the identity controller's wake rule as the index would.
func woken(own *ownwrites.Filter, old, obj *sfv1.SalesforceIdentity) bool {
	var ov, nv *identityindex.View
	key := types.NamespacedName{Namespace: "ns", Name: "alex"}
	if old != nil {
		v := viewOf(old)
		ov = &v
	}
	if obj != nil {
		v := viewOf(obj)
		nv = &v
	}
	return len(wakes(own)(key, ov, nv, obj)) > 0
}

// viewOf is what the manager's identity index keeps of obj.
func viewOf(obj *sfv1.SalesforceIdentity) identityindex.View {
	index := newIdentityIndex(nil)
	_ = index.Add(obj)
	v, _ := index.Get(types.NamespacedName{Namespace: obj.Namespace, Name: obj.Name})
	return v
}

func TestDestinationOfIdentity(t *testing.T) {
	live, deleting := viewOf(inSyncIdentity("a")), viewOf(inSyncIdentity("a"))
	deleting.Deleting = true
	key := types.NamespacedName{Namespace: "crm", Name: "a"}
	tests := []struct {
		name     string
		old, now *identityindex.View
		want     bool
	}{
		{"an identity comes", nil, &live, true},
		{"an identity goes", &live, nil, true},
		{"an identity starts going", &live, &deleting, true},
		{"an identity being deleted changes", &deleting, &deleting, false},
		{"an identity changes", &live, &live, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := destinationOfIdentity(key, tt.old, tt.now, nil)
			if (len(got) > 0) != tt.want {
				t.Fatalf("wakes %v, want a wake: %v", got, tt.want)
			}
			if tt.want && got[0].NamespacedName != (types.NamespacedName{Namespace: "crm", Name: "prod"}) {
				t.Errorf("woke %v, want crm/prod", got[0])
			}
		})
	}
}

func TestStillInSync(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 30, 0, 0, time.UTC)
	scheme := kruntime.NewScheme()
	if err := sfv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	destination := func(change func(*sfv1.SalesforceDestination)) *sfv1.SalesforceDestination {
		d := &sfv1.SalesforceDestination{ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: "prod", UID: "d1"}}
		d.Status.Conditions = []metav1.Condition{{Type: sfv1.ConditionReady, Status: metav1.ConditionTrue}}
		change(d)
		return d
	}
	ready := destination(func(*sfv1.SalesforceDestination) {})
	tests := []struct {
		name     string
		dest     *sfv1.SalesforceDestination
		settings string
		want     bool
		wait     time.Duration
	}{
		// Checked at 10:00 with a one-hour interval: due in the 6-minute slot at 11:00.
		{"nothing to do until the drift check", ready, settingsDigest(ready), true, 30 * time.Minute},
		{"drift checks off", destination(func(d *sfv1.SalesforceDestination) { d.Spec.DriftCheckInterval = &metav1.Duration{} }), "", true, 0},
		{"the drift check is due", destination(func(d *sfv1.SalesforceDestination) {
			d.Spec.DriftCheckInterval = &metav1.Duration{Duration: 10 * time.Minute}
		}), "", false, 0},
		{"new destination settings", destination(func(d *sfv1.SalesforceDestination) {
			d.Spec.UseContactIDForConvertedLeads = true
		}), settingsDigest(ready), false, 0},
		{"the destination is not Ready", destination(func(d *sfv1.SalesforceDestination) {
			d.Status.Conditions[0].Status = metav1.ConditionFalse
		}), "", false, 0},
		{"no destination", nil, settingsDigest(ready), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(scheme)
			if tt.dest != nil {
				c = c.WithObjects(tt.dest)
			}
			r := &IdentityReconciler{Client: c.Build(), now: func() time.Time { return now }}
			obj := inSyncIdentity("a")
			settings := tt.settings
			if settings == "" && tt.dest != nil {
				settings = settingsDigest(tt.dest)
			}
			withState := obj.DeepCopy()
			st, _ := loadState(withState)
			st.Settings = settings
			storeState(withState, st)
			res, still := r.stillInSync(context.Background(), "crm", viewOf(withState))
			if still != tt.want || res.RequeueAfter != tt.wait {
				t.Errorf("stillInSync = %v, requeue %v; want %v, %v", still, res.RequeueAfter, tt.want, tt.wait)
			}
		})
	}
}

// BenchmarkIndexedIdentity reports what the manager keeps per identity in sync, the common
// case: the object as decoded from the watch, reduced by the identity index. Compare
// BenchmarkCachedIdentity, the same identities in an informer's cache
// (go test ./controllers -run '^$' -bench Identity).
func BenchmarkIndexedIdentity(b *testing.B) {
	const n = 10_000
	decoder, raw := syncedIdentitiesJSON(b, n)
	for b.Loop() {
		index := newIdentityIndex(nil)
		perIdentity := heapPerIdentity(b, decoder, raw, func(decoded kruntime.Object) error { return index.Add(decoded) })
		if v, _ := index.Get(types.NamespacedName{Namespace: "crm", Name: "id-00000"}); !v.InSync {
			b.Fatal("the benchmark's identities are not in sync: it would measure whole objects")
		}
		b.ReportMetric(perIdentity, "B/identity")
		runtime.KeepAlive(index)
	}
}
