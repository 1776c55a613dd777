package batch

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

// mixedLoad is what one burst of callers asks for, all at once.
type mixedLoad struct {
	lookups, creates, retrieves, deletes int
	// badField makes the retrieves ask for a field Lead does not have.
	badField bool
}

// run sends the load through c at once and checks every answer; seeded holds
// the IDs of Leads seeded as lookupN@example.com (N < lookups) and the
// records to retrieve and delete after them.
func (l mixedLoad) run(t *testing.T, c *Coalescer, seeded []string) {
	t.Helper()
	total := l.lookups + l.creates + l.retrieves + l.deletes
	errs := all(total, func(i int) (struct{}, error) {
		ctx := context.Background()
		switch {
		case i < l.lookups:
			found, err := c.FindLeadsByEmail(ctx, fmt.Sprintf("LOOKUP%d@example.com", i))
			if err == nil && (len(found) != 1 || found[0].ID != seeded[i]) {
				err = fmt.Errorf("lookup %d found %+v, want Lead %s", i, found, seeded[i])
			}
			return struct{}{}, err
		case i < l.lookups+l.creates:
			id, err := c.Save(ctx, lead(i))
			if err == nil && !salesforce.ValidID(id) {
				err = fmt.Errorf("create %d answered ID %q", i, id)
			}
			return struct{}{}, err
		case i < l.lookups+l.creates+l.retrieves:
			field := "Email"
			if l.badField {
				field = "Nope__c"
			}
			rec, err := c.Retrieve(ctx, "Lead", seeded[i-l.creates], []string{field})
			if err == nil && (rec == nil || rec.ID() != seeded[i-l.creates]) {
				err = fmt.Errorf("retrieve %d got %v", i, rec)
			}
			if l.badField {
				if errorCode(err) != salesforce.CodeInvalidField {
					return struct{}{}, fmt.Errorf("retrieve %d with a bad field: %v, want INVALID_FIELD", i, err)
				}
				err = nil
			}
			return struct{}{}, err
		default:
			return struct{}{}, c.Delete(ctx, "Lead", seeded[i-l.creates])
		}
	})
	for i, r := range errs {
		if r.err != nil {
			t.Errorf("request %d: %v", i, r.err)
		}
	}
}

// Requests of every kind that wait together share Composite calls: what
// decides the calls spent is how many of a call's five query and collection
// requests they fill, not how many kinds there are.
func TestKindsShareCalls(t *testing.T) {
	tests := []struct {
		name      string
		load      mixedLoad
		wantCalls int
	}{
		{"a lookup query and four collections of creates: one call", mixedLoad{lookups: 500, creates: 800}, 1},
		{"lookups, creates, retrieves and deletes: one call", mixedLoad{lookups: 100, creates: 400, retrieves: 300, deletes: 150}, 1},
		{"six collections' worth: two calls", mixedLoad{lookups: 300, creates: 1000}, 2},
		{"a retrieve refused for its field fails only the retrieves", mixedLoad{lookups: 50, creates: 50, retrieves: 10, badField: true}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrg(t, emulator.Options{})
			seeded := make([]string, tt.load.lookups+tt.load.retrieves+tt.load.deletes)
			for i := range seeded {
				seeded[i] = o.seedLead(t, fmt.Sprintf("lookup%d@example.com", i))
			}
			c := o.coalescer(t, Options{Window: 5 * countWindow})
			calls := o.calls(func() { tt.load.run(t, c, seeded) })
			if calls != tt.wantCalls {
				t.Errorf("cost %d API calls, want %d", calls, tt.wantCalls)
			}
			if n := len(o.emu.Records("Lead")); n != len(seeded)+tt.load.creates-tt.load.deletes {
				t.Errorf("%d Leads in the org, want %d", n, len(seeded)+tt.load.creates-tt.load.deletes)
			}
		})
	}
}

// Observe hears of every batch sent: each kind it carries and how many
// requests of it.
func TestObserveReportsEveryKindOfABatch(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	seeded := make([]string, 6)
	for i := range seeded {
		seeded[i] = o.seedLead(t, fmt.Sprintf("lookup%d@example.com", i))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	batches := 0
	c := o.coalescer(t, Options{Window: 5 * countWindow, Observe: func(kind string, n int) {
		mu.Lock()
		defer mu.Unlock()
		seen[kind] += n
		if kind == "saves" {
			batches++
		}
	}})
	mixedLoad{lookups: 3, creates: 2, retrieves: 2, deletes: 1}.run(t, c, seeded)
	c.Close()
	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{"lookups": 3, "saves": 2, "retrieves": 2, "deletes": 1}
	if fmt.Sprint(seen) != fmt.Sprint(want) || batches != 1 {
		t.Errorf("observed %v in %d batches, want %v in one", seen, batches, want)
	}
}
