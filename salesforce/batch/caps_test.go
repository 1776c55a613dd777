package batch

import (
	"context"
	"fmt"
	"testing"

	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func TestRecordCapsPerKind(t *testing.T) {
	const n = 3000
	type send func(c *Coalescer, ids []string, i int) error
	retrieve := func(c *Coalescer, ids []string, i int) error {
		rec, err := c.Retrieve(context.Background(), "Lead", ids[i], []string{"Email"})
		if err == nil && (rec == nil || rec.ID() != ids[i]) {
			err = fmt.Errorf("got %v, want Lead %s", rec, ids[i])
		}
		return err
	}
	save := func(c *Coalescer, _ []string, i int) error {
		_, err := c.Save(context.Background(), lead(n+i))
		return err
	}
	del := func(c *Coalescer, ids []string, i int) error {
		return c.Delete(context.Background(), "Lead", ids[i])
	}
	tests := []struct {
		name      string
		opts      Options
		send      send
		wantCalls int
	}{
		{"3,000 retrieves go out in one call", Options{}, retrieve, 1},
		{"3,000 saves need three calls", Options{}, save, 3},
		{"3,000 deletes need three calls", Options{}, del, 3},
		{"an explicit MaxRecords caps retrieves too", Options{MaxRecords: 1000}, retrieve, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrg(t, emulator.Options{})
			ids := make([]string, n)
			for i := range ids {
				ids[i] = o.seedLead(t, fmt.Sprintf("cap%d@example.com", i))
			}
			opts := tt.opts
			// A window this wide keeps the burst in one batch however slowly
			// its callers start; only the record cap splits it.
			opts.Window = 5 * countWindow
			c := o.coalescer(t, opts)
			var got []result[struct{}]
			calls := o.calls(func() {
				got = all(n, func(i int) (struct{}, error) { return struct{}{}, tt.send(c, ids, i) })
			})
			for i, r := range got {
				if r.err != nil {
					t.Fatalf("request %d: %v", i, r.err)
				}
			}
			if calls != tt.wantCalls {
				t.Errorf("%d requests cost %d API calls, want %d", n, calls, tt.wantCalls)
			}
		})
	}
}
