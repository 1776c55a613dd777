package driftreads

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/destinations/salesforce-controller/salesforce"
)

// gatedRetrieves answers Retrieve only once `want` reads are waiting at the same time, which
// a reader that held its caller could never reach from one goroutine.
type gatedRetrieves struct {
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

// readTarget is one record to read back.
type readTarget struct {
	sobject, id string
	fields      []string
}

// result asks d for the read of targets, as a drift check does: one Retrieve per target.
func result(d *Reads, name string, uid types.UID, api *gatedRetrieves, targets []readTarget, since time.Time) ([]salesforce.Record, error, bool) {
	what := fmt.Sprint(targets)
	read := func(ctx context.Context) ([]salesforce.Record, error) {
		records := make([]salesforce.Record, len(targets))
		for i, t := range targets {
			rec, err := api.Retrieve(ctx, t.sobject, t.id, t.fields)
			if err != nil {
				return nil, err
			}
			records[i] = rec
		}
		return records, nil
	}
	return d.Result(types.NamespacedName{Namespace: "ns", Name: name}, uid, what, since, read)
}

func uidOf(name string) types.UID { return types.UID("uid-" + name) }

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestDriftReadsDoNotHoldTheCaller(t *testing.T) {
	const n = 3000
	api := &gatedRetrieves{want: n, open: make(chan struct{}), fail: map[string]bool{"id7": true}}
	d := New(time.Minute, time.Now)
	target := func(i int) []readTarget {
		return []readTarget{{sobject: "Lead", id: fmt.Sprintf("id%d", i), fields: []string{"Company"}}}
	}
	for i := range n {
		if _, _, answered := result(d, fmt.Sprint(i), uidOf(fmt.Sprint(i)), api, target(i), time.Time{}); answered {
			t.Fatalf("identity %d answered before any read", i)
		}
	}
	// A second look while the read is under way starts nothing new.
	if _, _, answered := result(d, "0", uidOf("0"), api, target(0), time.Time{}); answered {
		t.Fatal("answered while still reading")
	}

	woken := map[string]bool{}
	deadline := time.After(30 * time.Second)
	for len(woken) < n {
		select {
		case ev := <-d.Wakes():
			woken[ev.Object.GetName()] = true
		case <-deadline:
			t.Fatalf("%d of %d identities woken", len(woken), n)
		}
	}
	if api.waiting != n {
		t.Fatalf("%d reads sent, want %d (one each)", api.waiting, n)
	}

	recs, err, answered := result(d, "3", uidOf("3"), api, target(3), time.Time{})
	if !answered || err != nil || recs[0].String("Company") != "Acme id3" {
		t.Fatalf("result(3) = %v, %v, %v", recs, err, answered)
	}
	if _, err, answered := result(d, "7", uidOf("7"), api, target(7), time.Time{}); !answered || err == nil {
		t.Fatalf("result(7) = %v, %v; want its own read error", err, answered)
	}
	// Taken once: the next check starts a new read.
	if _, _, answered := result(d, "3", uidOf("3"), api, target(3), time.Time{}); answered {
		t.Fatal("an answered read was handed out twice")
	}
	// Asking for other records or fields does not take someone else's answer.
	if _, _, answered := result(d, "4", uidOf("4"), api, []readTarget{{sobject: "Lead", id: "id4", fields: []string{"Email"}}}, time.Time{}); answered {
		t.Fatal("a read of other fields was handed out")
	}
	// A read sent before a lost write could no longer land is not taken as its verification.
	if _, _, answered := result(d, "6", uidOf("6"), api, target(6), time.Now().Add(time.Second)); answered {
		t.Fatal("a read started before the verification was due was handed out as one")
	}
	// A recreated identity (same name, new UID) does not get its predecessor's answer.
	if _, _, answered := result(d, "5", "uid-5-again", api, target(5), time.Time{}); answered {
		t.Fatal("a recreated identity got its predecessor's read")
	}
}

func TestDriftReadsStaleAnswersAreDropped(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	api := &gatedRetrieves{want: 1, open: make(chan struct{})}
	d := New(time.Minute, clk.now)
	targets := []readTarget{{sobject: "Lead", id: "id1", fields: []string{"Company"}}}
	result(d, "a", uidOf("a"), api, targets, time.Time{})
	<-d.Wakes()
	clk.t = clk.t.Add(FreshFor + time.Second)
	if _, _, answered := result(d, "a", uidOf("a"), api, targets, time.Time{}); answered {
		t.Fatal("an answer older than FreshFor was used")
	}
	d.Forget(types.NamespacedName{Namespace: "ns", Name: "a"})
	if len(d.reads) != 0 {
		t.Fatalf("%d reads remembered after forget", len(d.reads))
	}
}

func TestReadsAreBoundedAcrossIdentities(t *testing.T) {
	cases := []struct{ slots, identities, want int }{
		{slots: 3, identities: 50, want: 3},
		{slots: 100, identities: 20, want: 20},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d slots", tc.slots), func(t *testing.T) {
			var inFlight atomic.Int64
			release := make(chan struct{})
			blocked := func(ctx context.Context) ([]salesforce.Record, error) {
				inFlight.Add(1)
				defer inFlight.Add(-1)
				select {
				case <-release:
				case <-ctx.Done():
				}
				return nil, nil
			}
			d := New(time.Minute, time.Now)
			d.LimitTo(tc.slots)
			for i := range tc.identities {
				d.Result(types.NamespacedName{Namespace: "ns", Name: fmt.Sprint(i)}, types.UID(fmt.Sprint(i)), "Lead/"+fmt.Sprint(i), time.Time{}, blocked)
			}
			deadline := time.Now().Add(2 * time.Second)
			for inFlight.Load() < int64(tc.want) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond)
			if got := inFlight.Load(); got != int64(tc.want) {
				t.Fatalf("%d reads under way, want %d", got, tc.want)
			}
			close(release)
			// Answered reads give their slots back.
			deadline = time.Now().Add(2 * time.Second)
			for len(d.slots.ch) > 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if n := len(d.slots.ch); n != 0 {
				t.Fatalf("%d slots still taken after every read was answered", n)
			}
		})
	}
}
