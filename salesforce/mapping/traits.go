package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// parseTraits decodes the traits object keeping numbers as json.Number, so a
// value reaches Salesforce with the digits the user wrote.
func parseTraits(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &ValidationError{Reason: ReasonInvalidTraits, Message: "traits are not valid JSON: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ValidationError{Reason: ReasonInvalidTraits, Message: "traits hold more than one JSON value"}
	}
	traits, ok := v.(map[string]any)
	if !ok {
		return nil, &ValidationError{Reason: ReasonInvalidTraits, Message: "traits must be a JSON object, not " + kindOf(v)}
	}
	return traits, nil
}

// lookup reads a dotted path as lodash's get does: a key equal to the whole
// path (a flattened {"address.city": …}) first, otherwise a walk through
// nested objects, where a step through anything other than an object finds
// nothing.
func lookup(traits map[string]any, path string) (any, bool) {
	if v, ok := traits[path]; ok {
		return v, true
	}
	var cur any = traits
	for part := range strings.SplitSeq(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// present is the reference's test for a mapped value: ” and null fall
// through to the next source, while 0 and false count.
func present(v any) bool {
	return v != nil && v != ""
}

// truthy mirrors JavaScript truthiness, which decides whether a custom
// trait is sent: false, 0, ” and null are not.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case json.Number:
		return !isZeroNumber(x)
	default:
		return true
	}
}

// isZeroNumber reports whether a JSON number literal denotes zero, judged on
// its digits so that no float rounding can turn a tiny value into zero.
func isZeroNumber(n json.Number) bool {
	mantissa, _, _ := strings.Cut(strings.ToLower(string(n)), "e")
	return strings.Trim(mantissa, "-+0.") == ""
}

// composite reports values Salesforce cannot store in a single field.
func composite(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "an unsupported value"
}
