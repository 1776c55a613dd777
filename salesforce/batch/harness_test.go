package batch

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

// org is an emulated Salesforce org with a logged-in client.
type org struct {
	emu    *emulator.Emulator
	client *salesforce.Client
}

func newOrg(t testing.TB, opts emulator.Options) *org {
	t.Helper()
	if opts.DailyLimit == 0 {
		opts.DailyLimit = 1 << 30
	}
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client, err := salesforce.New(salesforce.Config{
		LoginURL:     srv.URL,
		AllowedHosts: loopback(t),
		Credentials:  salesforce.Credentials{Username: "dev@example.com", Password: "password", SecurityToken: "token"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Logging in up front keeps the login out of every call count.
	if err := client.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &org{emu: emu, client: client}
}

func (o *org) coalescer(t testing.TB, opts Options) *Coalescer {
	b := New(o.client, opts)
	t.Cleanup(b.Close)
	return b
}

// calls returns how many API calls fn cost.
func (o *org) calls(fn func()) int {
	before := o.emu.APICallsUsed()
	fn()
	return o.emu.APICallsUsed() - before
}

func (o *org) seedLead(t testing.TB, email string) string {
	t.Helper()
	id, err := o.emu.Seed("Lead", map[string]any{"LastName": "Seeded", "Company": "Acme", "Email": email})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// countWindow is the default window, widened under the race detector.
const countWindow = defaultWindow * raceSlowdown

// absentLead is a well-formed Lead ID that no record has.
var absentLead = must18("00Q5g00000ZZZZZ")

func must18(id string) string {
	full, err := salesforce.To18(id)
	if err != nil {
		panic(err)
	}
	return full
}

func lead(n int) salesforce.RecordWrite {
	return salesforce.RecordWrite{SObject: "Lead", Fields: map[string]any{
		"LastName": fmt.Sprintf("Person %d", n),
		"Company":  "Acme",
		"Email":    fmt.Sprintf("person%d@example.com", n),
	}}
}

// result is one concurrent caller's answer.
type result[T any] struct {
	val T
	err error
}

// all runs fn for 0..n-1 at once and returns the answers in order. The
// callers start together, so the time spent starting goroutines (long under
// the race detector) does not spread them over several windows.
func all[T any](n int, fn func(i int) (T, error)) []result[T] {
	out := make([]result[T], n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			v, err := fn(i)
			out[i] = result[T]{v, err}
		})
	}
	close(start)
	wg.Wait()
	return out
}

func errorCode(err error) string {
	var e *salesforce.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func loopback(t testing.TB) *salesforce.HostPolicy {
	p, err := salesforce.ParseHostPolicy("http://127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
