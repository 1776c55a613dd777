package salesforce_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce/emulator"
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

// Reconciles that start together share one describe: a thousand of them would otherwise each
// describe the object before the first answer is kept (the cold sync of ten thousand new
// identities paid for dozens).
func TestConcurrentDescribesShareOneCall(t *testing.T) {
	org := startEmulator(t, emuOptions)
	c := org.client(t, passwordCreds())
	ctx := ctxFor(t)
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	// The first answer takes a while, as a real org's does: every caller arrives before it.
	org.emu.AddFault(emulator.Fault{PathContains: "/describe", Latency: 200 * time.Millisecond})
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if _, err := c.DescribeFields(ctx, "Lead", false); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	n := 0
	for _, r := range org.emu.Requests() {
		if strings.HasSuffix(r.Path, "/sobjects/Lead/describe") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d describes for 200 concurrent callers, want 1", n)
	}
}
