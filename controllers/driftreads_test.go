package controllers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

// gatedRetrieves answers Retrieve only once `want` reads are waiting at the same time, which
// a reader that held its caller could never reach from one goroutine.
type gatedRetrieves struct {
	orgAPI
	want int

	mu      sync.Mutex
	waiting int
	open    chan struct{}
	fail    map[string]bool
}

func (g *gatedRetrieves) Retrieve(ctx context.Context, sobject, id string, fields []string) (salesforce.Record, error) {
	g.mu.Lock()
	g.waiting++
	if g.waiting == g.want {
		close(g.open)
	}
	g.mu.Unlock()
	select {
	case <-g.open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if g.fail[id] {
		return nil, errors.New("read failed")
	}
	return salesforce.Record{"Id": id, "Company": "Acme " + id}, nil
}

// readBack asks d for the read-back of targets through api, as a drift check does.
func readBack(d *driftReads, obj *sfv1.SalesforceIdentity, api orgAPI, targets []recordFields, since time.Time) ([]salesforce.Record, error, bool) {
	ext := salesforceExternal{api: api}
	return d.result(obj, describeReads(targets), since, func(ctx context.Context) ([]salesforce.Record, error) {
		return ext.ObserveFields(ctx, targets)
	})
}

func identityNamed(name string) *sfv1.SalesforceIdentity {
	return &sfv1.SalesforceIdentity{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, UID: types.UID("uid-" + name)}}
}

func TestDriftReadsDoNotHoldTheCaller(t *testing.T) {
	const n = 3000
	api := &gatedRetrieves{want: n, open: make(chan struct{}), fail: map[string]bool{"id7": true}}
	d := newDriftReads(time.Minute, time.Now)
	target := func(i int) []recordFields {
		return []recordFields{{sobject: "Lead", id: fmt.Sprintf("id%d", i), fields: []string{"Company"}}}
	}
	for i := range n {
		if _, _, answered := readBack(d, identityNamed(fmt.Sprint(i)), api, target(i), time.Time{}); answered {
			t.Fatalf("identity %d answered before any read", i)
		}
	}
	// A second look while the read is under way starts nothing new.
	if _, _, answered := readBack(d, identityNamed("0"), api, target(0), time.Time{}); answered {
		t.Fatal("answered while still reading")
	}

	woken := map[string]bool{}
	deadline := time.After(30 * time.Second)
	for len(woken) < n {
		select {
		case ev := <-d.wake:
			woken[ev.Object.GetName()] = true
		case <-deadline:
			t.Fatalf("%d of %d identities woken", len(woken), n)
		}
	}
	if api.waiting != n {
		t.Fatalf("%d reads sent, want %d (one each)", api.waiting, n)
	}

	recs, err, answered := readBack(d, identityNamed("3"), api, target(3), time.Time{})
	if !answered || err != nil || recs[0].String("Company") != "Acme id3" {
		t.Fatalf("result(3) = %v, %v, %v", recs, err, answered)
	}
	if _, err, answered := readBack(d, identityNamed("7"), api, target(7), time.Time{}); !answered || err == nil {
		t.Fatalf("result(7) = %v, %v; want its own read error", err, answered)
	}
	// Taken once: the next check starts a new read.
	if _, _, answered := readBack(d, identityNamed("3"), api, target(3), time.Time{}); answered {
		t.Fatal("an answered read was handed out twice")
	}
	// Asking for other records or fields does not take someone else's answer.
	if _, _, answered := readBack(d, identityNamed("4"), api, []recordFields{{sobject: "Lead", id: "id4", fields: []string{"Email"}}}, time.Time{}); answered {
		t.Fatal("a read of other fields was handed out")
	}
	// A read sent before a lost write could no longer land is not taken as its verification.
	if _, _, answered := readBack(d, identityNamed("6"), api, target(6), time.Now().Add(time.Second)); answered {
		t.Fatal("a read started before the verification was due was handed out as one")
	}
	// A recreated identity (same name, new UID) does not get its predecessor's answer.
	recreated := identityNamed("5")
	recreated.UID = "uid-5-again"
	if _, _, answered := readBack(d, recreated, api, target(5), time.Time{}); answered {
		t.Fatal("a recreated identity got its predecessor's read")
	}
}

func TestDriftReadsStaleAnswersAreDropped(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	api := &gatedRetrieves{want: 1, open: make(chan struct{})}
	d := newDriftReads(time.Minute, clk.now)
	targets := []recordFields{{sobject: "Lead", id: "id1", fields: []string{"Company"}}}
	readBack(d, identityNamed("a"), api, targets, time.Time{})
	<-d.wake
	clk.t = clk.t.Add(freshFor + time.Second)
	if _, _, answered := readBack(d, identityNamed("a"), api, targets, time.Time{}); answered {
		t.Fatal("an answer older than freshFor was used")
	}
	d.forget(types.NamespacedName{Namespace: "ns", Name: "a"})
	if len(d.reads) != 0 {
		t.Fatalf("%d reads remembered after forget", len(d.reads))
	}
}
