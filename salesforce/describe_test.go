package salesforce_test

import (
	"strings"
	"testing"
)

func TestDescribeFields(t *testing.T) {
	org := startEmulator(t, emuOptions)
	c := org.client(t, passwordCreds())
	ctx := ctxFor(t)
	describes := func() int {
		n := 0
		for _, r := range org.emu.Requests() {
			if strings.HasSuffix(r.Path, "/sobjects/Lead/describe") {
				n++
			}
		}
		return n
	}

	fields, err := c.DescribeFields(ctx, "Lead", false)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]struct {
		name   string
		length int
		write  bool
	}{
		"lastname": {"LastName", 80, true}, "email": {"Email", 80, true}, "company": {"Company", 255, true},
		"photourl": {"PhotoUrl", 255, false}, "numberofemployees": {"NumberOfEmployees", 0, true},
	} {
		f, ok := fields[key]
		if !ok || f.Name != want.name || f.Length != want.length || f.Createable != want.write {
			t.Errorf("fields[%q] = %+v (found %v), want %+v", key, f, ok, want)
		}
	}
	if _, err := c.DescribeFields(ctx, "lead", false); err != nil || describes() != 1 {
		t.Errorf("a second describe of Lead: err %v, %d describe calls, want the kept answer", err, describes())
	}
	if _, err := c.DescribeFields(ctx, "Lead", true); err != nil || describes() != 2 {
		t.Errorf("a fresh describe: err %v, %d describe calls, want a new call", err, describes())
	}
	if _, err := c.DescribeFields(ctx, "Lead/../Account", false); err == nil {
		t.Error("an object name with a path was described")
	}
}
