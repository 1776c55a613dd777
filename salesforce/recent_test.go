package salesforce_test

import (
	"errors"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

func TestFindCreatedSince(t *testing.T) {
	org := startEmulator(t, emuOptions)
	c := org.client(t, passwordCreds())
	ctx := ctxFor(t)
	before := time.Now().Add(-time.Minute)
	old, err := org.emu.Seed("Account", map[string]any{"Name": "O'Brien & Sons", "CreatedDate": "2020-01-01T00:00:00.000+0000"})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := c.Create(ctx, "Account", map[string]any{"Name": "O'Brien & Sons", "Description": "x", "BillingCity": "Cork"})
	if err != nil {
		t.Fatal(err)
	}
	// Five short string fields that sort after a long text area: the query must drop the
	// long text area (SOQL refuses to filter on it) and still use five.
	wide := map[string]any{"AccountNumber": "A-1", "BillingCity": "Paris", "BillingCountry": "FR",
		"Description": "short", "Name": "Wide", "Phone": "+33 1", "ShippingCity": "Lyon"}
	wideID, err := c.Create(ctx, "Account", wide)
	if err != nil {
		t.Fatal(err)
	}

	cases := map[string]struct {
		fields map[string]any
		since  time.Time
		want   []string
		err    error
	}{
		"only the record created in the window": {
			fields: map[string]any{"Name": "O'Brien & Sons"}, since: before, want: []string{fresh},
		},
		"both when the window is wide": {
			fields: map[string]any{"Name": "O'Brien & Sons"}, since: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), want: []string{fresh, old},
		},
		"non-string values are not matched on": {
			fields: map[string]any{"Name": "O'Brien & Sons", "NumberOfEmployees": 3}, since: before, want: []string{fresh},
		},
		"nothing when a field differs": {
			fields: map[string]any{"Name": "O'Brien & Sons", "BillingCity": "Dublin"}, since: before, want: nil,
		},
		"a long text area is not filtered on": {
			fields: map[string]any{"Name": "O'Brien & Sons", "Description": "y"}, since: before, want: []string{fresh},
		},
		"a long text area among the first five names": {
			fields: wide, since: before, want: []string{wideID},
		},
		"only a long text area": {
			fields: map[string]any{"Description": "x"}, since: before, err: salesforce.ErrNoMatchableFields,
		},
		"an injection attempt is only a value": {
			fields: map[string]any{"Name": "x' OR Name != '"}, since: before, want: nil,
		},
		"no usable field": {
			fields: map[string]any{"NumberOfEmployees": 3}, since: before, err: salesforce.ErrNoMatchableFields,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := c.FindCreatedSince(ctx, "Account", salesforce.MatchFields(tc.fields), tc.since)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v; want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v; want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v; want %v", got, tc.want)
				}
			}
		})
	}
}

func TestMatchFields(t *testing.T) {
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'x'
	}
	got := salesforce.MatchFields(map[string]any{
		"Name": "Acme", "Description": string(long), "NumberOfEmployees": 3, "Site": "",
		"A1": "a", "A2": "b", "A3": "c", "A4": "d", "Bad Name": "e",
	})
	want := map[string]string{"A1": "a", "A2": "b", "A3": "c", "A4": "d", "Name": "Acme"}
	if len(got) != len(want) {
		t.Fatalf("MatchFields = %v; want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("MatchFields = %v; want %v", got, want)
		}
	}
}

// A date sent as a string is not a text field: SOQL wants its literal bare, so a quoted one
// would make a real org refuse the whole search. It is left out of the match.
func TestFindCreatedSinceMatchesOnTextOnly(t *testing.T) {
	org := startEmulator(t, emuOptions)
	c := org.client(t, passwordCreds())
	ctx := ctxFor(t)
	fields := map[string]any{"LastName": "Quoted", "Birthdate": "1990-01-31", "Email": "quoted@example.com"}
	id, err := c.Create(ctx, "Contact", fields)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.FindCreatedSince(ctx, "Contact", salesforce.MatchFields(fields), time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != id {
		t.Fatalf("got %v; want [%s]", got, id)
	}
	if _, err := c.FindCreatedSince(ctx, "Contact", map[string]string{"Birthdate": "1990-01-31"}, time.Now().Add(-time.Minute)); !errors.Is(err, salesforce.ErrNoMatchableFields) {
		t.Fatalf("matching on a date alone: err = %v; want ErrNoMatchableFields", err)
	}
}
