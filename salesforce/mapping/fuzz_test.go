package mapping

import (
	"bytes"
	"encoding/json"
	"testing"
)

func FuzzBuild(f *testing.F) {
	for _, seed := range []string{
		alexKeener,
		`{}`,
		`[]`,
		`null`,
		`{"email":"a@example.com","name":42}`,
		`{"email":"a@example.com","company":{"industry":"x"}}`,
		`{"email":"a@example.com","address":{"city":0},"foo":"a","foo__c":"b"}`,
		`{"email":"a@example.com","n":1e-400,"m":-0.0,"z":[{"b":1,"a":2}]}`,
		`{"email":"a@example.com","name":"  a  b "}`,
		"{\"email\":\"\xff\"}",
	} {
		f.Add([]byte(seed), true, "", "")
		f.Add([]byte(seed), false, "Salesforce-Account", "001D000000IqhSL")
	}

	f.Fuzz(func(t *testing.T, traits []byte, mapOn bool, extType, extID string) {
		s := Settings{MapRudderProperties: mapOn}
		var ids []ExternalID
		if extType != "" || extID != "" {
			ids = []ExternalID{{Type: extType, ID: extID}}
		}

		p, err := Build(traits, ids, s)
		if err != nil {
			if _, ok := AsValidationError(err); !ok {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			if p.Lead != nil || p.Targets != nil {
				t.Fatalf("error %v came with a plan %s", err, Canonical(p))
			}
			return
		}
		if (p.Lead == nil) == (len(p.Targets) == 0) {
			t.Fatalf("plan must hold a Lead or targets, not both or neither: %s", Canonical(p))
		}
		if !json.Valid(Canonical(p)) {
			t.Fatalf("Canonical is not JSON: %s", Canonical(p))
		}

		// The same traits spelt with other key order and spacing plan the same writes.
		again, err := Build(reencode(t, traits), ids, s)
		if err != nil {
			t.Fatalf("re-encoded traits failed: %v", err)
		}
		if p.Hash() != again.Hash() {
			t.Fatalf("hash changed with key order:\n%s\n%s", Canonical(p), Canonical(again))
		}
	})
}

// reencode rewrites a JSON object with sorted keys and indentation, keeping
// every number's digits.
func reencode(t *testing.T, raw []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("traits that planned do not decode: %v", err)
	}
	out, err := json.MarshalIndent(v, "", "\t")
	if err != nil {
		t.Fatalf("cannot re-encode traits: %v", err)
	}
	return out
}
