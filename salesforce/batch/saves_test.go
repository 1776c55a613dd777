package batch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func TestThousandCreatesCostAtMostTwoCalls(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	b := o.coalescer(t, Options{Window: countWindow})
	var got []result[string]
	calls := o.calls(func() {
		got = all(1000, func(i int) (string, error) { return b.Save(context.Background(), lead(i)) })
	})
	if calls > 2 {
		t.Errorf("1,000 creates cost %d API calls, want at most 2", calls)
	}
	seen := map[string]bool{}
	for i, r := range got {
		if r.err != nil {
			t.Fatalf("create %d: %v", i, r.err)
		}
		if seen[r.val] {
			t.Fatalf("create %d: ID %s given twice", i, r.val)
		}
		seen[r.val] = true
		rec, ok := o.emu.Record("Lead", r.val)
		if !ok || rec["Email"] != lead(i).Fields["Email"] {
			t.Fatalf("create %d: ID %s does not hold its Lead (found %v)", i, r.val, ok)
		}
	}
	t.Logf("1,000 concurrent creates: %d API calls", calls)
}

func TestFailedRowFailsOnlyItsCaller(t *testing.T) {
	tests := []struct {
		name     string
		bad      func(salesforce.RecordWrite) salesforce.RecordWrite
		wantCode string
	}{
		{"unknown field", func(w salesforce.RecordWrite) salesforce.RecordWrite {
			w.Fields["Nope__c"] = "x"
			return w
		}, "INVALID_FIELD"},
		{"invalid email", func(w salesforce.RecordWrite) salesforce.RecordWrite {
			w.Fields["Email"] = "not an email"
			return w
		}, "INVALID_EMAIL_ADDRESS"},
		{"missing required field", func(w salesforce.RecordWrite) salesforce.RecordWrite {
			delete(w.Fields, "Company")
			return w
		}, "REQUIRED_FIELD_MISSING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrg(t, emulator.Options{})
			b := o.coalescer(t, Options{Window: 100 * time.Millisecond})
			const n, badRow = 50, 17
			var got []result[string]
			calls := o.calls(func() {
				got = all(n, func(i int) (string, error) {
					w := lead(i)
					if i == badRow {
						w = tt.bad(w)
					}
					return b.Save(context.Background(), w)
				})
			})
			if calls != 1 {
				t.Errorf("batch cost %d API calls, want 1", calls)
			}
			for i, r := range got {
				switch {
				case i == badRow && errorCode(r.err) != tt.wantCode:
					t.Errorf("bad row: got %v, want a *salesforce.Error with code %s", r.err, tt.wantCode)
				case i != badRow && r.err != nil:
					t.Errorf("row %d failed with its neighbour: %v", i, r.err)
				}
			}
		})
	}
}

func TestLoneSaveWaitsNoLongerThanTheWindow(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	const window = 50 * time.Millisecond
	b := o.coalescer(t, Options{Window: window})
	start := time.Now()
	if _, err := b.Save(context.Background(), lead(1)); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > window+200*time.Millisecond {
		t.Errorf("lone save took %v, want under %v", took, window+200*time.Millisecond)
	}
}

func TestSameEmailLeadCreatesCollapse(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	b := o.coalescer(t, Options{Window: 100 * time.Millisecond})
	writes := []salesforce.RecordWrite{
		{SObject: "Lead", Fields: map[string]any{"LastName": "One", "Company": "Acme", "Email": "Same@Example.com"}},
		{SObject: "Lead", Fields: map[string]any{"LastName": "Two", "Company": "Acme", "Email": "same@example.com", "Title": "CTO"}},
		{SObject: "Lead", Fields: map[string]any{"LastName": "Other", "Company": "Acme", "Email": "other@example.com"}},
		{SObject: "Contact", Fields: map[string]any{"LastName": "C1", "Email": "same@example.com"}},
		{SObject: "Contact", Fields: map[string]any{"LastName": "C2", "Email": "same@example.com"}},
	}
	got := all(len(writes), func(i int) (string, error) { return b.Save(context.Background(), writes[i]) })
	for i, r := range got {
		if r.err != nil {
			t.Fatalf("write %d: %v", i, r.err)
		}
	}
	if got[0].val != got[1].val {
		t.Errorf("same-email Lead creates got IDs %s and %s, want one", got[0].val, got[1].val)
	}
	if got[2].val == got[0].val || got[3].val == got[4].val {
		t.Errorf("creates that must stay apart were merged: %v", got)
	}
	var same []map[string]any
	for _, rec := range o.emu.Records("Lead") {
		if strings.EqualFold(strings.TrimSpace(rec["Email"].(string)), "same@example.com") {
			same = append(same, rec)
		}
	}
	if len(same) != 1 {
		t.Fatalf("%d Leads hold same@example.com, want 1", len(same))
	}
	if same[0]["Title"] != "CTO" {
		t.Errorf("merged Lead lost a field: %v", same[0])
	}
}

func TestUpdatesOfOneRecordMerge(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	id := o.seedLead(t, "merge@example.com")
	b := o.coalescer(t, Options{Window: 300 * time.Millisecond})
	writes := []salesforce.RecordWrite{
		{SObject: "Lead", ID: id, Fields: map[string]any{"Title": "First", "City": "Oslo"}},
		{SObject: "Lead", ID: id[:15], Fields: map[string]any{"title": "Second"}},
	}
	var got []result[string]
	calls := o.calls(func() {
		got = all(len(writes), func(i int) (string, error) {
			// The stagger fixes which update is the later one.
			time.Sleep(time.Duration(i) * 50 * time.Millisecond)
			return b.Save(context.Background(), writes[i])
		})
	})
	for i, r := range got {
		if r.err != nil || r.val != id {
			t.Errorf("update %d: got %q, %v; want %s", i, r.val, r.err, id)
		}
	}
	if calls != 1 {
		t.Errorf("two updates cost %d calls, want 1", calls)
	}
	rec, _ := o.emu.Record("Lead", id)
	if rec["Title"] != "Second" || rec["City"] != "Oslo" {
		t.Errorf("record after merged updates: Title=%v City=%v, want Second, Oslo", rec["Title"], rec["City"])
	}
	if _, ok := writes[0].Fields["title"]; ok {
		t.Error("merging changed a caller's map")
	}
}
