package mapping

import (
	"encoding/json"
	"math"
	"testing"
)

func TestCanonical(t *testing.T) {
	cases := map[string]struct {
		in   any
		want string
	}{
		"SortedKeys":     {map[string]any{"b": 1, "a": "x", "C": nil}, `{"C":null,"a":"x","b":1}`},
		"NumbersExact":   {map[string]any{"n": num("1.50e3"), "m": num("-0"), "big": num("123456789012345678901234567890")}, `{"big":123456789012345678901234567890,"m":-0,"n":1.50e3}`},
		"Nested":         {map[string]any{"z": []any{map[string]any{"y": true, "x": false}}}, `{"z":[{"x":false,"y":true}]}`},
		"NoHTMLEscaping": {"<a&b>", `"<a&b>"`},
		"Escapes":        {"q\"\n\\", `"q\"\n\\"`},
		"BadNumber":      {num("abc"), `"abc"`},
		"NaN":            {math.NaN(), `"NaN"`},
		"Float":          {1.5, `1.5`},
		"Empty":          {map[string]any{}, `{}`},
		"Target": {
			Target{SObject: "Account", ID: "001D000000IqhSL", Fields: map[string]any{"Name": "Acme"}},
			`{"fields":{"Name":"Acme"},"id":"001D000000IqhSL","sobject":"Account"}`,
		},
		"LeadPlan": {
			Plan{Lead: &LeadPlan{Email: "a@example.com", LeadFields: map[string]any{"LastName": "n/a"}}},
			`{"lead":{"contactError":null,"contactFields":null,"email":"a@example.com","leadFields":{"LastName":"n/a"}},"targets":[]}`,
		},
		"OtherStruct": {struct{ A int }{A: 1}, `{"A":1}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := string(Canonical(tc.in))
			if got != tc.want {
				t.Errorf("Canonical = %s, want %s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("Canonical = %s is not valid JSON", got)
			}
		})
	}
}

func TestCanonicalIgnoresInsertionOrder(t *testing.T) {
	keys := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
	forward, backward := map[string]any{}, map[string]any{}
	for i, k := range keys {
		forward[k] = num(string(rune('0' + i)))
	}
	for i := len(keys) - 1; i >= 0; i-- {
		backward[keys[i]] = num(string(rune('0' + i)))
	}
	want := string(Canonical(forward))
	for range 50 {
		if got := string(Canonical(backward)); got != want {
			t.Fatalf("Canonical differs by insertion order:\n%s\n%s", got, want)
		}
	}
}

func TestHash(t *testing.T) {
	hashOf := func(traits string, ids []ExternalID) string {
		t.Helper()
		p, err := Build([]byte(traits), ids, mappingOn)
		if err != nil {
			t.Fatal(err)
		}
		return p.Hash()
	}
	account := []ExternalID{{Type: "Salesforce-Account"}}
	cases := map[string]struct {
		a, b      string
		ids       []ExternalID
		wantEqual bool
	}{
		"KeyOrder":        {`{"email":"h@example.com","a":"1","b":"2"}`, `{"b":"2","a":"1","email":"h@example.com"}`, nil, true},
		"Whitespace":      {`{"email":"h@example.com","n":1}`, "{ \"n\" : 1 ,\n\"email\":\"h@example.com\" }", nil, true},
		"NestedKeyOrder":  {`{"x":{"p":1,"q":2}}`, `{"x":{"q":2,"p":1}}`, account, true},
		"NumberSpelling":  {`{"email":"h@example.com","n":1}`, `{"email":"h@example.com","n":1.0}`, nil, false},
		"ValueChange":     {`{"email":"h@example.com","title":"Mr."}`, `{"email":"h@example.com","title":"Dr."}`, nil, false},
		"DroppedNullSame": {`{"email":"h@example.com"}`, `{"email":"h@example.com","title":null}`, nil, true},
		"TargetNullKept":  {`{"a":1}`, `{"a":1,"b":null}`, account, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, b := hashOf(tc.a, tc.ids), hashOf(tc.b, tc.ids)
			if (a == b) != tc.wantEqual {
				t.Errorf("Hash(%s) = %s, Hash(%s) = %s, want equal: %v", tc.a, a, tc.b, b, tc.wantEqual)
			}
			if len(a) != 64 {
				t.Errorf("Hash = %q, want 64 hex digits", a)
			}
		})
	}
}

func TestHashSeparatesFlows(t *testing.T) {
	const traits = `{"email":"h@example.com"}`
	lead, _ := Build([]byte(traits), nil, mappingOn)
	create, _ := Build([]byte(traits), []ExternalID{{Type: "Salesforce-Lead"}}, mappingOn)
	update, _ := Build([]byte(traits), []ExternalID{{Type: "Salesforce-Lead", ID: "00Q000000000001"}}, mappingOn)
	if lead.Hash() == create.Hash() || create.Hash() == update.Hash() {
		t.Errorf("distinct plans share a hash: lead %s, create %s, update %s", lead.Hash(), create.Hash(), update.Hash())
	}
}
