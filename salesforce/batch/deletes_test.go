package batch

import (
	"context"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func TestDeletes(t *testing.T) {
	o := newOrg(t, emulator.Options{})
	live := o.seedLead(t, "live@example.com")
	gone := o.seedLead(t, "gone@example.com")
	if err := o.client.Delete(context.Background(), "Lead", gone); err != nil {
		t.Fatal(err)
	}
	c := o.coalescer(t, Options{Window: 100 * time.Millisecond})
	tests := []struct {
		name, id string
		wantErr  bool
	}{
		{"live record", live, false},
		{"same record by its 15-character ID", live[:15], false},
		{"already deleted", gone, false},
		{"never existed", absentLead, false},
		{"malformed ID", "not-an-id", true},
	}
	var got []result[struct{}]
	calls := o.calls(func() {
		got = all(len(tests), func(i int) (struct{}, error) {
			return struct{}{}, c.Delete(context.Background(), "Lead", tests[i].id)
		})
	})
	for i, tt := range tests {
		if (got[i].err != nil) != tt.wantErr {
			t.Errorf("%s: got %v, want error %v", tt.name, got[i].err, tt.wantErr)
		}
	}
	if calls != 1 {
		t.Errorf("deletes cost %d calls, want 1", calls)
	}
	if rec, _ := o.emu.Record("Lead", live); rec["IsDeleted"] != true {
		t.Errorf("record still live after delete: %v", rec["IsDeleted"])
	}
}
