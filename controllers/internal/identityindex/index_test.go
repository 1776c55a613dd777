package identityindex

import (
	"context"
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

const (
	lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
	// settingsAnnotation stands in for the controller's state: an identity Ready with
	// settings named is in sync.
	settingsAnnotation = "test/settings"
)

var checkedAt = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func summarize(id *sfv1.SalesforceIdentity) Summary {
	settings := id.Annotations[settingsAnnotation]
	if !meta.IsStatusConditionTrue(id.Status.Conditions, sfv1.ConditionReady) || settings == "" {
		return Summary{}
	}
	return Summary{InSync: true, Settings: settings, Checked: checkedAt}
}

// trimLastApplied drops kubectl's copy, as the manager's cache transform does.
func trimLastApplied(in any) (any, error) {
	id := in.(*sfv1.SalesforceIdentity)
	delete(id.Annotations, lastApplied)
	return id, nil
}

// inSyncIdentity is an identity its summary calls in sync.
func inSyncIdentity(name string) *sfv1.SalesforceIdentity {
	return &sfv1.SalesforceIdentity{
		ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: name, Generation: 2, ResourceVersion: "10",
			Annotations: map[string]string{settingsAnnotation: "0123456789abcdef"}},
		Spec: sfv1.SalesforceIdentitySpec{DestinationRef: sfv1.DestinationReference{Name: "prod"}},
		Status: sfv1.SalesforceIdentityStatus{ObservedGeneration: 2,
			Conditions: []metav1.Condition{{Type: sfv1.ConditionReady, Status: metav1.ConditionTrue, Reason: sfv1.ReasonSynced, ObservedGeneration: 2}}},
	}
}

// change is one thing the index heard, reduced to what listeners saw.
type change struct {
	key      string
	old, now bool
	whole    bool
}

func TestIndexTellsChangesAndKeepsOnlyUnsyncedIdentitiesWhole(t *testing.T) {
	index := New(nil, trimLastApplied, summarize)
	var heard []change
	index.Listen(func(key types.NamespacedName, old, now *View, _ *sfv1.SalesforceIdentity) {
		heard = append(heard, change{key: key.Name, old: old != nil, now: now != nil, whole: now != nil && now.Object != nil})
	})
	fresh := inSyncIdentity("a")
	fresh.Status = sfv1.SalesforceIdentityStatus{}
	fresh.Annotations = map[string]string{lastApplied: "{}"}
	other := inSyncIdentity("b")
	other.Spec.DestinationRef.Name = "staging"

	_ = index.Add(fresh)
	got, _ := index.Get(types.NamespacedName{Namespace: "crm", Name: "a"})
	if got.Object == nil || got.Object.Annotations[lastApplied] != "" {
		t.Fatalf("a new identity is kept whole and trimmed like a cached one: %+v", got.Object)
	}
	_ = index.Update(inSyncIdentity("a"))
	_ = index.Add(other)
	if got, _ := index.Get(types.NamespacedName{Namespace: "crm", Name: "a"}); got.Object != nil || !got.InSync {
		t.Errorf("an identity in sync is still kept whole")
	}
	if n := index.UsersOf(types.NamespacedName{Namespace: "crm", Name: "prod"}); n != 1 {
		t.Errorf("prod has %d identities, want 1", n)
	}
	if keys := index.KeysOf(types.NamespacedName{Namespace: "crm", Name: "staging"}); !slices.Equal(keys, []types.NamespacedName{{Namespace: "crm", Name: "b"}}) {
		t.Errorf("staging's identities: %v", keys)
	}
	// A relist that lacks a: it was deleted while the watch was down.
	if err := index.Replace([]any{inSyncIdentity("c"), other}, "20"); err != nil {
		t.Fatal(err)
	}
	if err := index.WaitForSync(context.Background()); err != nil {
		t.Fatal(err)
	}
	_ = index.Delete(other)
	if n := index.UsersOf(types.NamespacedName{Namespace: "crm", Name: "prod"}); n != 1 {
		t.Errorf("after the relist prod has %d identities, want 1 (c)", n)
	}
	if n := index.UsersOf(types.NamespacedName{Namespace: "crm", Name: "staging"}); n != 0 {
		t.Errorf("after deleting b staging has %d identities", n)
	}
	want := []change{
		{key: "a", now: true, whole: true}, {key: "a", old: true, now: true}, {key: "b", now: true},
		{key: "c", now: true}, {key: "b", old: true, now: true}, {key: "a", old: true}, {key: "b", old: true},
	}
	if !slices.Equal(heard, want) {
		t.Errorf("listeners heard\n%v\nwant\n%v", heard, want)
	}

	// A listener that comes late hears of every identity already known, as new ones.
	var late []string
	index.Listen(func(key types.NamespacedName, old, _ *View, _ *sfv1.SalesforceIdentity) {
		if old == nil {
			late = append(late, key.Name)
		}
	})
	if !slices.Equal(late, []string{"c"}) {
		t.Errorf("a late listener heard %v, want [c]", late)
	}
}

// A view answers every question, also those that only an identity in sync has answers to:
// the fast path must not be able to read settings an identity never had.
func TestViewFacts(t *testing.T) {
	failing := inSyncIdentity("b")
	failing.Status.Conditions[0].Status, failing.Status.Conditions[0].Reason = metav1.ConditionFalse, sfv1.ReasonInvalidTraits
	tests := []struct {
		name     string
		obj      *sfv1.SalesforceIdentity
		ready    Ready
		settings string
		checked  time.Time
	}{
		{"in sync", inSyncIdentity("a"), Ready{Status: "True", Reason: sfv1.ReasonSynced}, "0123456789abcdef", checkedAt},
		{"not in sync", failing, Ready{Status: "False", Reason: sfv1.ReasonInvalidTraits}, "", time.Time{}},
		{"no Ready condition", &sfv1.SalesforceIdentity{ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: "c"}}, Ready{Status: "Unknown"}, "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			index := New(nil, trimLastApplied, summarize)
			_ = index.Add(tt.obj)
			v, ok := index.Get(types.NamespacedName{Namespace: "crm", Name: tt.obj.Name})
			if !ok {
				t.Fatal("not indexed")
			}
			if v.Ready() != tt.ready || v.Settings() != tt.settings || !v.Checked().Equal(tt.checked) {
				t.Errorf("ready %v, settings %q, checked %v; want %v, %q, %v", v.Ready(), v.Settings(), v.Checked(), tt.ready, tt.settings, tt.checked)
			}
			if v.Destination() != tt.obj.Spec.DestinationRef.Name {
				t.Errorf("destination %q, want %q", v.Destination(), tt.obj.Spec.DestinationRef.Name)
			}
		})
	}
}
