package controllers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/driftreads"
	"github.com/destinations/salesforce-controller/controllers/internal/leadguard"
	"github.com/destinations/salesforce-controller/controllers/internal/ownwrites"
	"github.com/destinations/salesforce-controller/salesforce"
)

// fakeWorld is one identity reconciler over the fake Kubernetes client and a fakeExternal:
// the reconcile's decisions, without an API server or HTTP. restart replaces the reconciler
// with a new process's over the same stored objects.
type fakeWorld struct {
	t       *testing.T
	r       *IdentityReconciler
	c       client.WithWatch // the stored objects, as every process sees them
	ext     *fakeExternal
	events  *events.FakeRecorder
	journal *[]string // state writes and Salesforce calls, in order
	now     time.Time
	// process is the running reconciler's view of the API server: crash cuts it off.
	process *fakeProcess
}

// fakeProcess is one controller process's connection to the API server; once dead, none of
// its writes arrive (a killed process, or one stopped between two requests).
type fakeProcess struct{ dead atomic.Bool }

var errProcessDead = errors.New("the controller process stopped")

const fakeNamespace = "crm"

func newFakeWorld(t *testing.T, ext *fakeExternal, dest *sfv1.SalesforceDestination, identities ...*sfv1.SalesforceIdentity) *fakeWorld {
	t.Helper()
	scheme := kruntime.NewScheme()
	if err := sfv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	w := &fakeWorld{t: t, ext: ext, events: events.NewFakeRecorder(100), journal: &[]string{},
		now: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	objs := []client.Object{dest}
	for _, id := range identities {
		objs = append(objs, id)
	}
	w.c = fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).
		WithStatusSubresource(&sfv1.SalesforceIdentity{}, &sfv1.SalesforceDestination{}).
		WithInterceptorFuncs(interceptor.Funcs{
			Patch: func(ctx context.Context, c client.WithWatch, o client.Object, p client.Patch, opts ...client.PatchOption) error {
				if err := checkResourceVersion(ctx, c, o, p); err != nil {
					return err
				}
				if st, ok := o.GetAnnotations()[sfv1.AnnotationState]; ok {
					*w.journal = append(*w.journal, "state "+st)
				}
				return c.Patch(ctx, o, p, opts...)
			},
			SubResourcePatch: func(ctx context.Context, c client.Client, sub string, o client.Object, p client.Patch, opts ...client.SubResourcePatchOption) error {
				if err := checkResourceVersion(ctx, c, o, p); err != nil {
					return err
				}
				return c.Status().Patch(ctx, o, p, opts...)
			},
		}).Build()
	w.start(ext)
	for _, id := range identities {
		w.index(id.Name)
	}
	return w
}

// start runs a new controller process: its own reconciler, connections, identity index and
// Lead guard, and a connection to the API server that crash can cut.
func (w *fakeWorld) start(ext *fakeExternal) {
	w.ext = ext
	dest := &sfv1.SalesforceDestination{}
	if err := w.c.Get(context.Background(), client.ObjectKey{Namespace: fakeNamespace, Name: "prod"}, dest); err != nil {
		w.t.Fatal(err)
	}
	proc := &fakeProcess{}
	w.process = proc
	cut := func() error {
		if proc.dead.Load() {
			return errProcessDead
		}
		return nil
	}
	c := interceptor.NewClient(w.c, interceptor.Funcs{
		Patch: func(ctx context.Context, c client.WithWatch, o client.Object, p client.Patch, opts ...client.PatchOption) error {
			if err := cut(); err != nil {
				return err
			}
			return c.Patch(ctx, o, p, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, o client.Object, p client.Patch, opts ...client.SubResourcePatchOption) error {
			if err := cut(); err != nil {
				return err
			}
			return c.Status().Patch(ctx, o, p, opts...)
		},
	})
	clk := func() time.Time { return w.now }
	conns := newConnections()
	conns.put(client.ObjectKeyFromObject(dest), &connection{external: journaledExternal{ext, w.journal}, uid: dest.UID, login: loginKey(dest)})
	w.r = &IdentityReconciler{Client: c, APIReader: c, Recorder: w.events, Options: Options{SalesforceTimeout: time.Second},
		connections: conns, metrics: newMetrics(), now: clk, identities: newIdentityIndex(nil),
		ownWrites: &ownwrites.Filter{}, drift: driftreads.New(time.Minute, clk)}
	w.r.leads = leadguard.New(c, w.r.pendingGrace(), clk)
}

// restart kills the running process and starts a new one over the same stored objects, with
// the identities given to its index as its first list would.
func (w *fakeWorld) restart(ext *fakeExternal, names ...string) {
	w.process.dead.Store(true)
	w.start(ext)
	for _, name := range names {
		w.index(name)
	}
}

// checkResourceVersion refuses, as the API server does, a patch that carries a
// resourceVersion other than the stored object's (an optimistic lock). The fake client
// alone may apply such a merge patch anyway.
func checkResourceVersion(ctx context.Context, c client.Client, o client.Object, p client.Patch) error {
	data, err := p.Data(o)
	if err != nil {
		return err
	}
	var body struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &body); err != nil || body.Metadata.ResourceVersion == "" {
		return err
	}
	stored := o.DeepCopyObject().(client.Object)
	if err := c.Get(ctx, client.ObjectKeyFromObject(o), stored); err != nil {
		return err
	}
	if stored.GetResourceVersion() != body.Metadata.ResourceVersion {
		gvk, _ := apiutil.GVKForObject(o, c.Scheme())
		return apierrors.NewConflict(schema.GroupResource{Group: gvk.Group, Resource: gvk.Kind}, o.GetName(),
			fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
	}
	return nil
}

// journaledExternal notes each Salesforce call in the world's journal before making it.
type journaledExternal struct {
	*fakeExternal
	journal *[]string
}

func (j journaledExternal) Create(ctx context.Context, sobject string, fields map[string]any) (string, bool, error) {
	*j.journal = append(*j.journal, "create "+sobject)
	return j.fakeExternal.Create(ctx, sobject, fields)
}

// index gives the identity index the stored identity, as the watch would.
func (w *fakeWorld) index(name string) *sfv1.SalesforceIdentity {
	obj := w.get(name)
	if err := w.r.identities.Update(obj); err != nil {
		w.t.Fatal(err)
	}
	return obj
}

func (w *fakeWorld) get(name string) *sfv1.SalesforceIdentity {
	obj := &sfv1.SalesforceIdentity{}
	if err := w.c.Get(context.Background(), client.ObjectKey{Namespace: fakeNamespace, Name: name}, obj); err != nil {
		w.t.Fatal(err)
	}
	return obj
}

func (w *fakeWorld) reconcile(name string) (ctrl.Result, error) {
	res, err := w.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: fakeNamespace, Name: name}})
	w.index(name)
	return res, err
}

func readyFakeDestination(change ...func(*sfv1.SalesforceDestination)) *sfv1.SalesforceDestination {
	d := &sfv1.SalesforceDestination{ObjectMeta: metav1.ObjectMeta{Namespace: fakeNamespace, Name: "prod", UID: "dest-1"},
		Status: sfv1.SalesforceDestinationStatus{Conditions: []metav1.Condition{{Type: sfv1.ConditionReady, Status: metav1.ConditionTrue,
			Reason: sfv1.ReasonLoggedIn, LastTransitionTime: metav1.Now()}}}}
	for _, c := range change {
		c(d)
	}
	return d
}

func fakeIdentity(name, traits string, externalID ...sfv1.ExternalID) *sfv1.SalesforceIdentity {
	return &sfv1.SalesforceIdentity{
		ObjectMeta: metav1.ObjectMeta{Namespace: fakeNamespace, Name: name, UID: types.UID("uid-" + name), Generation: 1},
		Spec: sfv1.SalesforceIdentitySpec{DestinationRef: sfv1.DestinationReference{Name: "prod"},
			Traits: &apiextensionsv1.JSON{Raw: []byte(traits)}, ExternalID: externalID},
	}
}

func observing(obj *sfv1.SalesforceIdentity) *sfv1.SalesforceIdentity {
	obj.Spec.ManagementPolicy = sfv1.ManagementObserve
	return obj
}

func withState(obj *sfv1.SalesforceIdentity, st syncState) *sfv1.SalesforceIdentity {
	storeState(obj, st)
	return obj
}

var errTimeout = errors.New("post: context deadline exceeded")

func TestReconcileAgainstFakeExternal(t *testing.T) {
	const lead, email = `{"email":"alex@example.com","name":"Alex Keener","company":"Google Inc."}`, "alex@example.com"
	acct := sfv1.ExternalID{Type: "Salesforce-Account"}
	knownLead := syncState{Records: []managedRecord{{Key: leadKey, Type: "Lead", ID: "00Q000000000042AAA"}}}
	cases := map[string]struct {
		identity *sfv1.SalesforceIdentity
		dest     func(*sfv1.SalesforceDestination)
		// relogin: the registered client was built for other login settings.
		relogin   bool
		ext       *fakeExternal
		wantCalls []string
		// wantReason "" means the conditions were left as they were.
		wantReason  string
		wantReady   bool
		wantStalled bool
		wantErr     string // "terminal", "retry" or ""
		wantRecord  *sfv1.RecordStatus
		wantCreated bool
	}{
		"a new Lead: looked up by email, none found, created": {
			identity:   fakeIdentity("a", lead),
			ext:        &fakeExternal{},
			wantCalls:  []string{"observe leads " + email, "create Lead Company,Email,FirstName,LastName"},
			wantReason: sfv1.ReasonSynced, wantReady: true,
			wantRecord: &sfv1.RecordStatus{ObjectType: "Lead", ID: "00Q000000000000001", Operation: sfv1.RecordCreated}, wantCreated: true,
		},
		"an existing Lead found by email is updated, never created": {
			identity: fakeIdentity("a", lead),
			ext: &fakeExternal{ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
				return []salesforce.LeadMatch{{ID: "00Q000000000007AAA"}}, nil
			}},
			wantCalls:  []string{"observe leads " + email, "update Lead 00Q000000000007AAA Company,Email,FirstName,LastName"},
			wantReason: sfv1.ReasonSynced, wantReady: true,
			wantRecord: &sfv1.RecordStatus{ObjectType: "Lead", ID: "00Q000000000007AAA", Operation: sfv1.RecordUpdated},
		},
		"a known Lead is PATCHed without a lookup": {
			identity:   withState(fakeIdentity("a", lead), knownLead),
			ext:        &fakeExternal{},
			wantCalls:  []string{"update Lead 00Q000000000042AAA Company,Email,FirstName,LastName"},
			wantReason: sfv1.ReasonSynced, wantReady: true,
			wantRecord: &sfv1.RecordStatus{ObjectType: "Lead", ID: "00Q000000000042AAA", Operation: sfv1.RecordUpdated},
		},
		"a known Lead deleted in Salesforce is looked up again and created": {
			identity: withState(fakeIdentity("a", lead), knownLead),
			ext: &fakeExternal{UpdateFn: func(string, string, map[string]any) error {
				return &salesforce.Error{StatusCode: 404, Code: "NOT_FOUND", Message: "gone"}
			}},
			wantCalls: []string{"update Lead 00Q000000000042AAA Company,Email,FirstName,LastName", "observe leads " + email,
				"create Lead Company,Email,FirstName,LastName"},
			wantReason: sfv1.ReasonSynced, wantReady: true, wantCreated: true,
			wantRecord: &sfv1.RecordStatus{ObjectType: "Lead", ID: "00Q000000000000001", Operation: sfv1.RecordCreated},
		},
		"several Leads share the email: nothing is written": {
			identity: fakeIdentity("a", lead),
			ext: &fakeExternal{ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
				return []salesforce.LeadMatch{{ID: "00Q000000000001AAA"}, {ID: "00Q000000000002AAA"}}, nil
			}},
			wantCalls:  []string{"observe leads " + email},
			wantReason: sfv1.ReasonMultipleLeadsFound, wantStalled: true,
		},
		"a converted Lead without useContactIdForConvertedLeads: stop": {
			identity: fakeIdentity("a", lead),
			ext: &fakeExternal{ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
				return []salesforce.LeadMatch{{ID: "00Q000000000001AAA", IsConverted: true, ConvertedContactID: "003000000000001AAA"}}, nil
			}},
			wantCalls:  []string{"observe leads " + email},
			wantReason: sfv1.ReasonLeadConverted, wantStalled: true, wantErr: "terminal",
		},
		"a converted Lead with useContactIdForConvertedLeads: its Contact is written": {
			identity: fakeIdentity("a", lead),
			dest:     func(d *sfv1.SalesforceDestination) { d.Spec.UseContactIDForConvertedLeads = true },
			ext: &fakeExternal{ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
				return []salesforce.LeadMatch{{ID: "00Q000000000001AAA", IsConverted: true, ConvertedContactID: "003000000000001AAA"}}, nil
			}},
			wantCalls:  []string{"observe leads " + email, "update Contact 003000000000001AAA Email,FirstName,LastName,company__c"},
			wantReason: sfv1.ReasonSynced, wantReady: true,
			wantRecord: &sfv1.RecordStatus{ObjectType: "Contact", ID: "003000000000001AAA", Operation: sfv1.RecordUpdated},
		},
		"a Lead converted after it was synced, without useContactIdForConvertedLeads: stop": {
			identity: withState(fakeIdentity("a", lead), knownLead),
			ext: &fakeExternal{
				UpdateFn: func(string, string, map[string]any) error {
					return &salesforce.Error{StatusCode: 400, Code: salesforce.CodeConvertedLead, Message: "cannot reference converted lead"}
				},
				ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
					return []salesforce.LeadMatch{{ID: "00Q000000000042AAA", IsConverted: true, ConvertedContactID: "003000000000009AAA"}}, nil
				},
			},
			wantCalls:  []string{"update Lead 00Q000000000042AAA Company,Email,FirstName,LastName", "observe leads " + email},
			wantReason: sfv1.ReasonLeadConverted, wantStalled: true, wantErr: "terminal",
		},
		"a Lead converted after it was synced, with useContactIdForConvertedLeads: its Contact from then on": {
			identity: withState(fakeIdentity("a", lead), knownLead),
			dest:     func(d *sfv1.SalesforceDestination) { d.Spec.UseContactIDForConvertedLeads = true },
			ext: &fakeExternal{
				UpdateFn: func(sobject, _ string, _ map[string]any) error {
					if sobject == "Lead" {
						return &salesforce.Error{StatusCode: 400, Code: salesforce.CodeConvertedLead, Message: "cannot reference converted lead"}
					}
					return nil
				},
				ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
					return []salesforce.LeadMatch{{ID: "00Q000000000042AAA", IsConverted: true, ConvertedContactID: "003000000000009AAA"}}, nil
				},
			},
			wantCalls: []string{"update Lead 00Q000000000042AAA Company,Email,FirstName,LastName", "observe leads " + email,
				"update Contact 003000000000009AAA Email,FirstName,LastName,company__c"},
			wantReason: sfv1.ReasonSynced, wantReady: true,
			wantRecord: &sfv1.RecordStatus{ObjectType: "Contact", ID: "003000000000009AAA", Operation: sfv1.RecordUpdated},
		},
		"no email trait: no call": {
			identity:   fakeIdentity("a", `{"name":"Alex"}`),
			ext:        &fakeExternal{},
			wantReason: sfv1.ReasonMissingEmail, wantStalled: true, wantErr: "terminal",
		},
		"Salesforce refuses the write: stop until something changes": {
			identity: fakeIdentity("a", lead),
			ext: &fakeExternal{CreateFn: func(string, map[string]any) (string, bool, error) {
				return "", false, &salesforce.Error{StatusCode: 400, Code: "INVALID_FIELD", Message: "No such column"}
			}},
			wantCalls:  []string{"observe leads " + email, "create Lead Company,Email,FirstName,LastName"},
			wantReason: sfv1.ReasonSalesforceRejected, wantStalled: true, wantErr: "terminal",
		},
		"Salesforce unavailable: back off and retry": {
			identity: fakeIdentity("a", lead),
			ext: &fakeExternal{ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
				return nil, &salesforce.Error{StatusCode: 503, Code: "SERVER_UNAVAILABLE", Message: "down"}
			}},
			wantCalls:  []string{"observe leads " + email},
			wantReason: sfv1.ReasonSalesforceUnavailable, wantErr: "retry",
		},
		"an Account create: the marker is stored first, the ID after": {
			identity:   fakeIdentity("a", `{"Name":"Acme"}`, acct),
			ext:        &fakeExternal{},
			wantCalls:  []string{"create Account Name"},
			wantReason: sfv1.ReasonSynced, wantReady: true, wantCreated: true,
			wantRecord: &sfv1.RecordStatus{ObjectType: "Account", ID: "001000000000000001", Operation: sfv1.RecordCreated},
		},
		"an Account create whose answer is lost: the marker stays, the identity waits": {
			identity: fakeIdentity("a", `{"Name":"Acme"}`, acct),
			ext: &fakeExternal{CreateFn: func(string, map[string]any) (string, bool, error) {
				return "", true, errTimeout
			}},
			wantCalls:  []string{"create Account Name"},
			wantReason: sfv1.ReasonSalesforceUnavailable, wantErr: "retry",
		},
		"the API budget is spent: no call": {
			identity:   fakeIdentity("a", lead),
			ext:        &fakeExternal{UsageFn: func() (int, int, bool) { return 60, 100, true }},
			wantReason: sfv1.ReasonAPIBudgetExhausted,
		},
		"the destination is still logging in: wait quietly": {
			identity: fakeIdentity("a", lead),
			relogin:  true,
			ext:      &fakeExternal{},
		},
		"suspended: no call, Ready left alone": {
			identity: func() *sfv1.SalesforceIdentity { o := fakeIdentity("a", lead); o.Spec.Suspend = true; return o }(),
			ext:      &fakeExternal{},
		},
		"the destination suspended: no call, Ready left alone": {
			identity: fakeIdentity("a", lead),
			dest:     func(d *sfv1.SalesforceDestination) { d.Spec.Suspend = true },
			ext:      &fakeExternal{},
		},
		"Observe, a new email: looked up, planned as a Create, not created": {
			identity:   observing(fakeIdentity("a", lead)),
			ext:        &fakeExternal{},
			wantCalls:  []string{"observe leads " + email},
			wantReason: sfv1.ReasonPlanned, wantReady: true,
		},
		"Observe by the destination's default": {
			identity:   fakeIdentity("a", lead),
			dest:       func(d *sfv1.SalesforceDestination) { d.Spec.DefaultManagementPolicy = sfv1.ManagementObserve },
			ext:        &fakeExternal{},
			wantCalls:  []string{"observe leads " + email},
			wantReason: sfv1.ReasonPlanned, wantReady: true,
		},
		"Observe, several Leads share the email: the same stop as Apply": {
			identity: observing(fakeIdentity("a", lead)),
			ext: &fakeExternal{ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
				return []salesforce.LeadMatch{{ID: "00Q000000000001AAA"}, {ID: "00Q000000000002AAA"}}, nil
			}},
			wantCalls:  []string{"observe leads " + email},
			wantReason: sfv1.ReasonMultipleLeadsFound, wantStalled: true,
		},
		"Observe, a converted Lead without useContactIdForConvertedLeads: the same stop as Apply": {
			identity: observing(fakeIdentity("a", lead)),
			ext: &fakeExternal{ObserveLeadsFn: func(string) ([]salesforce.LeadMatch, error) {
				return []salesforce.LeadMatch{{ID: "00Q000000000001AAA", IsConverted: true, ConvertedContactID: "003000000000001AAA"}}, nil
			}},
			wantCalls:  []string{"observe leads " + email},
			wantReason: sfv1.ReasonLeadConverted, wantStalled: true, wantErr: "terminal",
		},
		"the destination is not Ready: wait, saying why": {
			identity: fakeIdentity("a", lead),
			relogin:  true,
			dest: func(d *sfv1.SalesforceDestination) {
				d.Status.Conditions[0].Status, d.Status.Conditions[0].Reason = metav1.ConditionFalse, sfv1.ReasonAuthenticationFailed
			},
			ext:        &fakeExternal{},
			wantReason: sfv1.ReasonDestinationNotReady,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dest := readyFakeDestination()
			w := newFakeWorld(t, tc.ext, dest, tc.identity)
			if tc.dest != nil {
				tc.dest(dest)
				spec := dest.DeepCopy()
				if err := w.c.Update(context.Background(), spec); err != nil {
					t.Fatal(err)
				}
				dest.ResourceVersion = spec.ResourceVersion
				if err := w.c.Status().Update(context.Background(), dest); err != nil {
					t.Fatal(err)
				}
			}
			conn := w.r.connections.get(client.ObjectKeyFromObject(dest))
			conn.login = loginKey(dest)
			if tc.relogin {
				conn.login = "settings of an earlier login"
			}
			_, err := w.reconcile("a")
			checkErrKind(t, err, tc.wantErr)
			if got := tc.ext.Calls(); !slices.Equal(got, tc.wantCalls) {
				t.Errorf("calls\n got %q\nwant %q", got, tc.wantCalls)
			}
			obj := w.get("a")
			checkConditions(t, obj, tc.wantReason, tc.wantReady, tc.wantStalled)
			checkRecord(t, obj, tc.wantRecord, tc.wantCreated)
		})
	}
}

func checkErrKind(t *testing.T, err error, want string) {
	t.Helper()
	got := ""
	switch {
	case errors.Is(err, reconcile.TerminalError(nil)):
		got = "terminal"
	case err != nil:
		got = "retry"
	}
	if got != want {
		t.Errorf("error %v is %q, want %q", err, got, want)
	}
}

func checkConditions(t *testing.T, obj *sfv1.SalesforceIdentity, reason string, ready, stalled bool) {
	t.Helper()
	c := meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReady)
	if reason == "" {
		if c != nil {
			t.Errorf("Ready = %s/%s, want the conditions left alone", c.Status, c.Reason)
		}
		return
	}
	if c == nil || c.Reason != reason || (c.Status == metav1.ConditionTrue) != ready {
		t.Fatalf("Ready = %+v, want reason %s ready %v", c, reason, ready)
	}
	if got := meta.IsStatusConditionTrue(obj.Status.Conditions, sfv1.ConditionStalled); got != stalled {
		t.Errorf("Stalled = %v, want %v", got, stalled)
	}
	if c.ObservedGeneration != obj.Generation {
		t.Errorf("Ready is for generation %d, want %d", c.ObservedGeneration, obj.Generation)
	}
}

func checkRecord(t *testing.T, obj *sfv1.SalesforceIdentity, want *sfv1.RecordStatus, created bool) {
	t.Helper()
	if want == nil {
		if len(obj.Status.Records) != 0 {
			t.Errorf("status.records = %+v, want none", obj.Status.Records)
		}
		return
	}
	if len(obj.Status.Records) != 1 {
		t.Fatalf("status.records = %+v, want %+v", obj.Status.Records, want)
	}
	got := obj.Status.Records[0]
	if got.ObjectType != want.ObjectType || got.ID != want.ID || got.Operation != want.Operation {
		t.Errorf("status.records[0] = %s %s %s, want %s %s %s", got.ObjectType, got.ID, got.Operation, want.ObjectType, want.ID, want.Operation)
	}
	st, err := loadState(obj)
	if err != nil {
		t.Fatal(err)
	}
	rec := st.find(st.Records[0].Key)
	if rec == nil || rec.ID != want.ID || rec.Created != created {
		t.Errorf("state record %+v, want %s created=%v", rec, want.ID, created)
	}
}

// A create of a record that is not found again by email is preceded by a stored marker, and
// its ID is stored as soon as it is known; a lost answer leaves the marker, with when the
// answer was lost.
func TestReconcileMarksCreatesAgainstFakeExternal(t *testing.T) {
	t.Run("answered", func(t *testing.T) {
		w := newFakeWorld(t, &fakeExternal{}, readyFakeDestination(), fakeIdentity("a", `{"Name":"Acme"}`, sfv1.ExternalID{Type: "Salesforce-Account"}))
		if _, err := w.reconcile("a"); err != nil {
			t.Fatal(err)
		}
		j := *w.journal
		marker := slices.IndexFunc(j, func(e string) bool { return strings.Contains(e, `"pending"`) })
		create := slices.Index(j, "create Account")
		stored := slices.IndexFunc(j, func(e string) bool {
			return strings.Contains(e, "001000000000000001") && !strings.Contains(e, `"pending"`)
		})
		if marker < 0 || create < 0 || stored < 0 || marker > create || stored < create {
			t.Fatalf("journal %q: want the marker stored, then the create, then the ID", j)
		}
	})
	t.Run("answer lost", func(t *testing.T) {
		ext := &fakeExternal{CreateFn: func(string, map[string]any) (string, bool, error) { return "", true, errTimeout }}
		w := newFakeWorld(t, ext, readyFakeDestination(), fakeIdentity("a", `{"Name":"Acme"}`, sfv1.ExternalID{Type: "Salesforce-Account"}))
		res, err := w.reconcile("a")
		if err == nil {
			t.Fatalf("result %v: want an error to back off with", res)
		}
		st, _ := loadState(w.get("a"))
		if st.Pending == nil || st.Pending.Unanswered == nil || st.Pending.Match["Name"] != "Acme" || st.VerifyAfter == nil {
			t.Fatalf("state %+v: want the marker with its unanswered time and match values, and a verification due", st)
		}
	})
}

// An identity in sync whose drift check is not due makes no call; one that is due reads its
// record back without holding the reconcile, and corrects only the fields that differ.
func TestReconcileInSyncAndDriftAgainstFakeExternal(t *testing.T) {
	ext := &fakeExternal{}
	dest := readyFakeDestination(func(d *sfv1.SalesforceDestination) {
		d.Spec.DriftCheckInterval = &metav1.Duration{Duration: time.Hour}
	})
	w := newFakeWorld(t, ext, dest, fakeIdentity("a", `{"email":"alex@example.com","company":"Acme"}`))
	if _, err := w.reconcile("a"); err != nil {
		t.Fatal(err)
	}
	created := len(ext.Calls())

	w.now = w.now.Add(10 * time.Minute)
	res, err := w.reconcile("a")
	if err != nil || len(ext.Calls()) != created {
		t.Fatalf("an identity in sync made calls %q (err %v)", ext.Calls()[created:], err)
	}
	if res.RequeueAfter <= 0 || res.RequeueAfter > time.Hour {
		t.Errorf("requeue %v, want the drift check's slot within the hour", res.RequeueAfter)
	}

	w.now = w.now.Add(2 * time.Hour)
	ext.ObserveFieldsFn = func(records []recordFields) ([]salesforce.Record, error) {
		return []salesforce.Record{{"Company": "Changed Inc.", "Email": "alex@example.com", "LastName": "n/a"}}, nil
	}
	if _, err := w.reconcile("a"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.r.drift.Wakes(): // the read was answered
	case <-time.After(10 * time.Second):
		t.Fatal("the drift read never answered")
	}
	if _, err := w.reconcile("a"); err != nil {
		t.Fatal(err)
	}
	calls := ext.Calls()[created:]
	want := []string{"observe fields Lead/00Q000000000000001:Company,Email,LastName;", "update Lead 00Q000000000000001 Company"}
	if !slices.Equal(calls, want) {
		t.Fatalf("drift check calls\n got %q\nwant %q", calls, want)
	}
	select {
	case e := <-w.events.Events:
		if !strings.Contains(e, "DriftCorrected") || !strings.Contains(e, "re-applied: Company") {
			t.Errorf("event %q, want DriftCorrected naming Company", e)
		}
	default:
		t.Error("no DriftCorrected event")
	}
}

// Deleting an identity with deletionPolicy Delete deletes only the records it created.
func TestReconcileDeleteAgainstFakeExternal(t *testing.T) {
	obj := fakeIdentity("a", `{"Name":"Acme"}`, sfv1.ExternalID{Type: "Salesforce-Account"}, sfv1.ExternalID{Type: "Salesforce-Contact", ID: "003000000000001AAA"})
	obj.Spec.DeletionPolicy = sfv1.DeletionPolicyDelete
	obj.Finalizers = []string{sfv1.FinalizerIdentity}
	now := metav1.Now()
	obj.DeletionTimestamp = &now
	withState(obj, syncState{Records: []managedRecord{
		{Key: externalIDKey(0), Type: "Account", ID: "001000000000009AAA", Created: true},
		{Key: externalIDKey(1), Type: "Contact", ID: "003000000000001AAA"},
	}})
	ext := &fakeExternal{}
	w := newFakeWorld(t, ext, readyFakeDestination(), obj)
	if _, err := w.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(obj)}); err != nil {
		t.Fatal(err)
	}
	if got, want := ext.Calls(), []string{"delete Account 001000000000009AAA"}; !slices.Equal(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
}
