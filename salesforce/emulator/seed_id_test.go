package emulator

import "testing"

func TestSeedWithChosenID(t *testing.T) {
	e := New(Options{})
	id, err := e.Seed("Contact", map[string]any{"Id": "003000000000001AAA", "LastName": "Gibbs"})
	if err != nil || id != "003000000000001AAA" {
		t.Fatalf("Seed = %q, %v; want the chosen id", id, err)
	}
	if _, ok := e.Record("Contact", "003000000000001"); !ok {
		t.Fatal("the seeded contact is not found by its 15-character id")
	}
	for name, fields := range map[string]map[string]any{
		"taken":        {"Id": "003000000000001AAA", "LastName": "Again"},
		"wrong prefix": {"Id": "001000000000002AAA", "LastName": "X"},
		"malformed":    {"Id": "003/../x", "LastName": "X"},
	} {
		if _, err := e.Seed("Contact", fields); err == nil {
			t.Errorf("%s: Seed accepted Id %v", name, fields["Id"])
		}
	}
	// API-created records still get generated ids after a chosen one.
	next, err := e.Seed("Contact", map[string]any{"LastName": "Next"})
	if err != nil || next == "003000000000001AAA" {
		t.Fatalf("Seed after chosen id = %q, %v", next, err)
	}
}
