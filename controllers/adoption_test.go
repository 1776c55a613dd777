package controllers

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/leadguard"
	"github.com/destinations/salesforce-controller/controllers/internal/ownwrites"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// journal notes state writes and Salesforce saves in the order they happen.
type journal struct{ entries []string }

type journaledAPI struct {
	orgAPI
	j *journal
}

func (a journaledAPI) Save(ctx context.Context, w salesforce.RecordWrite) (string, error) {
	a.j.entries = append(a.j.entries, "save "+w.ID)
	return a.orgAPI.Save(ctx, w)
}

// A create whose answer was lost, found again after the grace, is recorded as the identity's
// before it is brought up to date: the update changes the values it was found by (the spec was
// edited meanwhile), so a process that stopped between the two would not find it again and
// would create a second record.
func TestFoundLostCreateIsRecordedBeforeItIsUpdated(t *testing.T) {
	emu := emulator.New(emulator.Options{Username: "u@example.com", Password: "pw", SecurityToken: "tok"})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	hosts, err := salesforce.ParseHostPolicy("http://127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	sf, err := salesforce.New(salesforce.Config{LoginURL: srv.URL, AllowedHosts: hosts,
		Credentials: salesforce.Credentials{Username: "u@example.com", Password: "pw", SecurityToken: "tok"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sent := map[string]any{"Name": "Acme", "Phone": "+1 555 0000"}
	landed, err := sf.Create(ctx, "Account", sent) // the create whose answer was lost
	if err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	lost := metav1.NewTime(now.Add(-time.Minute))
	st := syncState{Pending: &pendingCreate{Key: externalIDKey(0), Type: "Account", Since: lost,
		Match: salesforce.MatchFields(sent), Unanswered: &lost}}
	obj := &sfv1.SalesforceIdentity{
		ObjectMeta: metav1.ObjectMeta{Namespace: "crm", Name: "acme", UID: "uid-1"},
		Spec: sfv1.SalesforceIdentitySpec{DestinationRef: sfv1.DestinationReference{Name: "prod"},
			Traits:     &apiextensionsv1.JSON{Raw: []byte(`{"Name":"Acme","Phone":"+1 555 9999"}`)},
			ExternalID: []sfv1.ExternalID{{Type: "Salesforce-Account"}}},
	}
	storeState(obj, st)

	scheme := runtime.NewScheme()
	if err := sfv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	j := &journal{}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(obj.DeepCopy()).
		WithInterceptorFuncs(interceptor.Funcs{Patch: func(ctx context.Context, c client.WithWatch, o client.Object, p client.Patch, opts ...client.PatchOption) error {
			j.entries = append(j.entries, "state "+o.GetAnnotations()[sfv1.AnnotationState])
			return c.Patch(ctx, o, p, opts...)
		}}).Build()
	if err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		t.Fatal(err)
	}
	r := &IdentityReconciler{Client: c, APIReader: c, ownWrites: &ownwrites.Filter{}, now: time.Now,
		Options: Options{SalesforceTimeout: time.Second}}
	r.leads = leadguard.New(nil, r.pendingGrace(), time.Now)
	s := &identitySync{r: r, obj: obj, base: obj.DeepCopy(), state: st, now: now,
		ext:  salesforceExternal{api: journaledAPI{orgAPI: directAPI{client: sf}, j: j}, client: sf},
		done: map[string]sfv1.RecordOperation{}}

	target := mapping.Target{SObject: "Account", Fields: map[string]any{"Name": "Acme", "Phone": "+1 555 9999"}}
	if err := s.syncTarget(ctx, 0, target); err != nil {
		t.Fatalf("syncTarget: %v", err)
	}
	recorded := slices.IndexFunc(j.entries, func(e string) bool {
		return strings.HasPrefix(e, "state ") && strings.Contains(e, landed) && !strings.Contains(e, `"pending"`)
	})
	updated := slices.Index(j.entries, "save "+landed)
	if recorded < 0 || updated < 0 || recorded > updated {
		t.Fatalf("journal %q: want the adoption of %s stored before its update", j.entries, landed)
	}
	if s.done[externalIDKey(0)] != sfv1.RecordCreated {
		t.Errorf("operation %q, want Created", s.done[externalIDKey(0)])
	}
}
