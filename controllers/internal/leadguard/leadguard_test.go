package leadguard

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func markedDestination(uid types.UID, mark string) *sfv1.SalesforceDestination {
	d := &sfv1.SalesforceDestination{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "prod", UID: uid}}
	if mark != "" {
		d.Annotations = map[string]string{sfv1.AnnotationLeadCreates: mark}
	}
	return d
}

func TestLeadCreatesHoldUntil(t *testing.T) {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	const grace = 6 * time.Second
	at := func(d time.Duration) string { return start.Add(d).Format(time.RFC3339Nano) }
	tests := []struct {
		name string
		mark string
		want time.Time
	}{
		{"no mark: nothing to wait for", "", time.Time{}},
		{"earlier process's mark lapsed before this one started", "old " + at(-time.Second), time.Time{}},
		{"earlier process's mark live: wait a grace from start", "old " + at(time.Minute), start.Add(grace)},
		{"earlier process's mark lapses sooner than a grace: wait until it", "old " + at(2*time.Second), start.Add(2 * time.Second)},
		{"unreadable mark: nothing to go by", "old yesterday", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: start}
			g := New(nil, grace, clk.now)
			g.Started()
			if got := g.HoldUntil(markedDestination("d1", tt.mark)); !got.Equal(tt.want) {
				t.Fatalf("holdUntil = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLeadCreatesOwnMarkDoesNotHold(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	g := New(nil, time.Second, clk.now)
	g.Started()
	mark := g.process + " " + clk.t.Add(time.Minute).Format(time.RFC3339Nano)
	if got := g.HoldUntil(markedDestination("d1", mark)); !got.IsZero() {
		t.Fatalf("holdUntil(own mark) = %v, want none", got)
	}
}

func TestLeadCreatesBeforeCreateWritesOncePerGrace(t *testing.T) {
	const grace = 10 * time.Second
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	dest := markedDestination("d1", "")
	patches := 0
	scheme := runtime.NewScheme()
	if err := sfv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(dest.DeepCopy()).
		WithInterceptorFuncs(interceptor.Funcs{Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
			patches++
			return c.Patch(ctx, obj, p, opts...)
		}}).Build()
	g := New(c, grace, clk.now)
	g.Started()

	steps := []struct {
		after       time.Duration
		wantPatches int
	}{
		{0, 1},                     // first create: the mark is written, good for two graces
		{grace / 2, 1},             // still more than a grace left
		{grace/2 - time.Second, 1}, // a second more than a grace left: still covered
		{2 * time.Second, 2},       // less than a grace left: renewed
		{100 * time.Millisecond, 2},
	}
	for i, st := range steps {
		clk.t = clk.t.Add(st.after)
		if err := g.BeforeCreate(context.Background(), dest); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if patches != st.wantPatches {
			t.Fatalf("step %d: %d patches, want %d", i, patches, st.wantPatches)
		}
	}
	stored := &sfv1.SalesforceDestination{}
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(dest), stored); err != nil {
		t.Fatal(err)
	}
	process, until, ok := parseLeadMark(stored.Annotations[sfv1.AnnotationLeadCreates])
	if !ok || process != g.process || !until.Equal(clk.t.Add(-100*time.Millisecond).Add(2*grace)) {
		t.Fatalf("stored mark = %q", stored.Annotations[sfv1.AnnotationLeadCreates])
	}
	// The next process sees it and holds its Lead creates.
	next := New(c, grace, clk.now)
	next.Started()
	if hold := next.HoldUntil(stored); !hold.Equal(clk.t.Add(grace)) {
		t.Fatalf("next process holdUntil = %v, want %v", hold, clk.t.Add(grace))
	}
}

func TestLeadCreatesLostAnswerWaitsOutTheGrace(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	g := New(nil, 4*time.Second, clk.now)
	if w := g.WaitForLost("id1"); w != 0 {
		t.Fatalf("wait before any lost answer = %v", w)
	}
	g.LostAnswer("id1")
	clk.t = clk.t.Add(time.Second)
	if w := g.WaitForLost("id1"); w != 3*time.Second {
		t.Fatalf("wait = %v, want 3s", w)
	}
	if w := g.WaitForLost("id2"); w != 0 {
		t.Fatalf("another identity waits %v", w)
	}
	clk.t = clk.t.Add(3 * time.Second)
	if w := g.WaitForLost("id1"); w != 0 {
		t.Fatalf("wait after the grace = %v", w)
	}
	if _, remembered := g.unanswered["id1"]; remembered {
		t.Fatalf("a lost answer past its grace is still remembered")
	}
}

func TestLeadCreatesMarkTakenBackWhenIdle(t *testing.T) {
	const grace = 6 * time.Second
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	dest := markedDestination("d1", "")
	scheme := runtime.NewScheme()
	if err := sfv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(dest.DeepCopy()).Build()
	g := New(c, grace, clk.now)
	g.Started()
	holdOfNextProcess := func() time.Time {
		stored := &sfv1.SalesforceDestination{}
		if err := c.Get(context.Background(), client.ObjectKeyFromObject(dest), stored); err != nil {
			t.Fatal(err)
		}
		clk.t = clk.t.Add(time.Millisecond) // the next process starts after this one stopped
		next := New(c, grace, clk.now)
		next.Started()
		return next.HoldUntil(stored)
	}
	send := func(answered bool) {
		if err := g.BeforeCreate(context.Background(), dest); err != nil {
			t.Fatal(err)
		}
		g.Sent(dest, answered)
	}

	send(true)
	if err := g.BeforeCreate(context.Background(), dest); err != nil { // a second create still under way
		t.Fatal(err)
	}
	g.lower(dest.UID)
	if holdOfNextProcess().IsZero() {
		t.Fatal("the mark was taken back while a create was under way")
	}
	g.Sent(dest, true)
	g.lower(dest.UID)
	if hold := holdOfNextProcess(); !hold.IsZero() {
		t.Fatalf("after every create was answered the next process still holds until %v", hold)
	}

	// An unanswered create keeps the mark until it can no longer land.
	send(false)
	g.lower(dest.UID)
	if holdOfNextProcess().IsZero() {
		t.Fatal("the mark was taken back while an unanswered create could still land")
	}
	clk.t = clk.t.Add(grace)
	g.lower(dest.UID)
	if hold := holdOfNextProcess(); !hold.IsZero() {
		t.Fatalf("a grace after the lost answer the next process still holds until %v", hold)
	}
}

func TestLeadCreatesGracefulStopTakesMarksBack(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	scheme := runtime.NewScheme()
	if err := sfv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	idle, busy := markedDestination("d1", ""), markedDestination("d2", "")
	busy.Name = "busy"
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(idle.DeepCopy(), busy.DeepCopy()).Build()
	g := New(c, 6*time.Second, clk.now)
	g.Started()
	for _, d := range []*sfv1.SalesforceDestination{idle, busy} {
		if err := g.BeforeCreate(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	g.Sent(idle, true) // busy's create is still under way when the manager stops

	ctx, stop := context.WithCancel(context.Background())
	stop()
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(time.Millisecond)
	for _, tc := range []struct {
		dest     *sfv1.SalesforceDestination
		wantHold bool
	}{{idle, false}, {busy, true}} {
		stored := &sfv1.SalesforceDestination{}
		if err := c.Get(context.Background(), client.ObjectKeyFromObject(tc.dest), stored); err != nil {
			t.Fatal(err)
		}
		next := New(c, 6*time.Second, clk.now)
		next.Started()
		if held := !next.HoldUntil(stored).IsZero(); held != tc.wantHold {
			t.Errorf("%s: next process holds = %v, want %v", tc.dest.Name, held, tc.wantHold)
		}
	}
}
