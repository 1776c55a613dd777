package batch

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func TestThousandLookupsCostAtMostTwoCalls(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	want := map[string]string{} // lower-case email -> Lead ID
	for i := 0; i < 1000; i += 3 {
		email := fmt.Sprintf("person%d@example.com", i)
		want[email] = o.seedLead(t, email)
	}
	b := o.coalescer(t, Options{Window: countWindow})
	email := func(i int) string {
		if i%2 == 0 {
			return strings.ToUpper(fmt.Sprintf("person%d@example.com", i))
		}
		return fmt.Sprintf("person%d@example.com", i)
	}
	var got []result[[]salesforce.LeadMatch]
	calls := o.calls(func() {
		got = all(1000, func(i int) ([]salesforce.LeadMatch, error) {
			return b.FindLeadsByEmail(context.Background(), email(i))
		})
	})
	if calls > 2 {
		t.Errorf("1,000 lookups cost %d API calls, want at most 2", calls)
	}
	for i, r := range got {
		if r.err != nil {
			t.Fatalf("lookup %d: %v", i, r.err)
		}
		wantID, found := want[strings.ToLower(email(i))]
		switch {
		case !found && len(r.val) != 0:
			t.Errorf("lookup %d: got %v, want no match", i, r.val)
		case found && (len(r.val) != 1 || r.val[0].ID != wantID):
			t.Errorf("lookup %d: got %v, want Lead %s", i, r.val, wantID)
		}
	}
	t.Logf("1,000 concurrent lookups: %d API calls", calls)
}

func TestLookupsOfOneEmailShareOneQuery(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	first := o.seedLead(t, "twice@example.com")
	second := o.seedLead(t, "TWICE@example.com")
	b := o.coalescer(t, Options{})
	emails := []string{"twice@example.com", "Twice@Example.com", " twice@example.com", "", "none@example.com"}
	var got []result[[]salesforce.LeadMatch]
	calls := o.calls(func() {
		got = all(len(emails), func(i int) ([]salesforce.LeadMatch, error) {
			return b.FindLeadsByEmail(context.Background(), emails[i])
		})
	})
	if calls != 1 {
		t.Errorf("lookups cost %d calls, want 1", calls)
	}
	for i, r := range got {
		wantN := 0
		if i < 3 {
			wantN = 2
		}
		if r.err != nil || len(r.val) != wantN {
			t.Errorf("lookup %q: got %v, %v; want %d matches", emails[i], r.val, r.err, wantN)
		}
	}
	ids := map[string]bool{}
	for _, m := range got[0].val {
		ids[m.ID] = true
	}
	if !ids[first] || !ids[second] {
		t.Errorf("matches %v, want %s and %s", got[0].val, first, second)
	}
}
