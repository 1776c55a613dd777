package mapping

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
)

// Canonical returns a stable JSON encoding of a planned write: object keys
// sorted, json.Number written with exactly the digits it holds. Equal writes
// give equal bytes whatever order their maps were filled in.
func Canonical(v any) []byte {
	var b bytes.Buffer
	writeCanonical(&b, v)
	return b.Bytes()
}

// Hash is the hex SHA-256 of the plan's canonical form. It covers the bodies
// and targets only: a change of record or setting is the caller's to track.
func (p Plan) Hash() string {
	sum := sha256.Sum256(Canonical(p))
	return hex.EncodeToString(sum[:])
}

// jsonNumber is the grammar of a JSON number; anything else in a json.Number
// is written as a string so the output stays valid JSON.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func writeCanonical(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		writeString(b, x)
	case json.Number:
		if jsonNumber.MatchString(string(x)) {
			b.WriteString(string(x))
		} else {
			writeString(b, string(x))
		}
	case float64:
		writeFloat(b, x)
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case map[string]any:
		writeObject(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, e)
		}
		b.WriteByte(']')
	case Plan:
		writeCanonical(b, planView(x))
	case *LeadPlan:
		writeCanonical(b, leadView(x))
	case LeadPlan:
		writeCanonical(b, leadView(&x))
	case Target:
		writeCanonical(b, targetView(x))
	case *ValidationError:
		if x == nil {
			b.WriteString("null")
			return
		}
		writeCanonical(b, map[string]any{"reason": x.Reason, "trait": x.Trait, "message": x.Message})
	default:
		writeViaJSON(b, x)
	}
}

func writeObject(b *bytes.Buffer, m map[string]any) {
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, k)
		b.WriteByte(':')
		writeCanonical(b, m[k])
	}
	b.WriteByte('}')
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode appends a newline
}

func writeFloat(b *bytes.Buffer, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		writeString(b, strconv.FormatFloat(f, 'g', -1, 64))
		return
	}
	b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
}

// writeViaJSON handles types the mapping never produces by going through
// their JSON form, which is then canonicalised like any decoded value.
func writeViaJSON(b *bytes.Buffer, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		writeString(b, fmt.Sprintf("%v", v))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var decoded any
	if err := dec.Decode(&decoded); err != nil {
		writeString(b, string(raw))
		return
	}
	writeCanonical(b, decoded)
}

func planView(p Plan) map[string]any {
	targets := make([]any, len(p.Targets))
	for i, t := range p.Targets {
		targets[i] = targetView(t)
	}
	var lead any
	if p.Lead != nil {
		lead = leadView(p.Lead)
	}
	return map[string]any{"lead": lead, "targets": targets}
}

func leadView(l *LeadPlan) any {
	if l == nil {
		return nil
	}
	var contactError any
	if l.ContactError != nil {
		contactError = l.ContactError
	}
	return map[string]any{
		"email":         l.Email,
		"leadFields":    nullableMap(l.LeadFields),
		"contactFields": nullableMap(l.ContactFields),
		"contactError":  contactError,
	}
}

func targetView(t Target) map[string]any {
	return map[string]any{"sobject": t.SObject, "id": t.ID, "fields": nullableMap(t.Fields)}
}

// nullableMap keeps a nil map distinct from an empty one, as JSON does.
func nullableMap(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}
