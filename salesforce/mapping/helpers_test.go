package mapping

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

var mappingOn = Settings{MapRudderProperties: true}

// num spells a JSON number as the decoder keeps it.
func num(s string) json.Number { return json.Number(s) }

// buildLead runs the Lead flow and fails the test on any error.
func buildLead(t *testing.T, traits string, s Settings) *LeadPlan {
	t.Helper()
	p, err := Build([]byte(traits), nil, s)
	if err != nil {
		t.Fatalf("Build(%s): unexpected error: %v", traits, err)
	}
	if p.Lead == nil {
		t.Fatalf("Build(%s): no Lead plan: %#v", traits, p)
	}
	return p.Lead
}

// wantError checks that err is a ValidationError with the given reason and trait.
func wantError(t *testing.T, err error, reason, trait string) {
	t.Helper()
	ve, ok := AsValidationError(err)
	if !ok {
		t.Fatalf("error = %v, want a *ValidationError with reason %s", err, reason)
	}
	if ve.Reason != reason || ve.Trait != trait {
		t.Errorf("error = {Reason:%q Trait:%q} (%v), want {Reason:%q Trait:%q}", ve.Reason, ve.Trait, ve, reason, trait)
	}
}

func assertFields(t *testing.T, got, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields differ\n got: %s\nwant: %s", Canonical(got), Canonical(want))
	}
}

// mustJSON builds a traits document; dotted keys become nested objects.
func mustJSON(t *testing.T, flat map[string]any) string {
	t.Helper()
	root := map[string]any{}
	for path, v := range flat {
		cur := root
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := cur[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[p] = next
			}
			cur = next
		}
		cur[parts[len(parts)-1]] = v
	}
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withEmail wraps object members into traits that pass the email check.
func withEmail(members string) string {
	if members == "" {
		return `{"email":"t@example.com"}`
	}
	return `{"email":"t@example.com",` + members + `}`
}
