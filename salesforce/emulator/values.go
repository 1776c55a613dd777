package emulator

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	datetimeLayout = "2006-01-02T15:04:05.000-0700"
	dateLayout     = "2006-01-02"
)

var emailPattern = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

// formatDatetime renders t the way Salesforce stores it: whole seconds, .000 and a +0000 offset.
func formatDatetime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(datetimeLayout) }

var datetimeInputs = []string{
	datetimeLayout, "2006-01-02T15:04:05-0700", time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05.000Z07:00",
}

func parseDatetime(s string) (time.Time, bool) {
	for _, layout := range datetimeInputs {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func deserializeError(javaType string, v any) *apiError {
	token, shown := "VALUE_STRING", fmt.Sprint(v)
	switch v.(type) {
	case map[string]any:
		token, shown = "START_OBJECT", "{"
	case []any:
		token, shown = "START_ARRAY", "["
	case bool:
		token = "VALUE_" + strings.ToUpper(shown)
	case json.Number:
		token = "VALUE_NUMBER_INT"
	}
	return errJSON(fmt.Sprintf("Cannot deserialize instance of %s from %s value %s or request may be missing a required field",
		javaType, token, shown))
}

// toNumber normalises Go and JSON numbers to json.Number so values compare and render uniformly.
func toNumber(v any) (json.Number, bool) {
	switch n := v.(type) {
	case json.Number:
		return n, true
	case int:
		return json.Number(strconv.Itoa(n)), true
	case int64:
		return json.Number(strconv.FormatInt(n, 10)), true
	case float64:
		return json.Number(strconv.FormatFloat(n, 'f', -1, 64)), true
	case string:
		if _, err := strconv.ParseFloat(n, 64); err == nil {
			return json.Number(n), true
		}
	}
	return "", false
}

// coerce converts an incoming value to the stored form of field f, or returns the Salesforce error.
func (e *Emulator) coerce(f *fieldDef, v any) (any, *apiError) {
	if v == nil {
		if f.Type == tBoolean {
			return false, nil
		}
		return nil, nil
	}
	switch f.Type {
	case tBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, deserializeError("boolean", v)
	case tDouble, tInt, tCurrency, tPercent:
		n, ok := toNumber(v)
		if !ok {
			return nil, deserializeError("double", v)
		}
		if f.Type == tInt {
			if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
				return nil, deserializeError("int", v)
			}
		}
		return n, nil
	case tDate:
		s, ok := v.(string)
		if !ok {
			return nil, deserializeError("date", v)
		}
		if s == "" {
			return nil, nil
		}
		if t, err := time.Parse(dateLayout, s); err == nil {
			return t.Format(dateLayout), nil
		}
		if t, ok := parseDatetime(s); ok {
			return t.UTC().Format(dateLayout), nil
		}
		return nil, deserializeError("date", v)
	case tDatetime:
		s, ok := v.(string)
		if !ok {
			return nil, deserializeError("datetime", v)
		}
		if s == "" {
			return nil, nil
		}
		if t, ok := parseDatetime(s); ok {
			return formatDatetime(t), nil
		}
		return nil, deserializeError("datetime", v)
	case tReference, tID:
		s, ok := v.(string)
		if !ok {
			return nil, deserializeError("id", v)
		}
		if s == "" {
			return nil, nil
		}
		id15, ok := canonicalID(s)
		if !ok || !e.prefixAllowed(f, id15[:3]) {
			return nil, &apiError{Status: 400, Code: "MALFORMED_ID",
				Message: f.Label + ": id value of incorrect type: " + s, Fields: []string{f.Name}}
		}
		return To18(id15), nil
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = string(x)
	case bool:
		s = strconv.FormatBool(x)
	case int, int64, float64:
		n, _ := toNumber(x)
		s = string(n)
	default:
		return nil, deserializeError("string", v)
	}
	if s == "" {
		return nil, nil
	}
	if f.Length > 0 && utf8.RuneCountInString(s) > f.Length {
		return nil, &apiError{Status: 400, Code: "STRING_TOO_LONG",
			Message: fmt.Sprintf("%s: data value too large: %s (max length=%d)", f.Label, s, f.Length),
			Fields:  []string{f.Name}}
	}
	if f.Type == tEmail && !emailPattern.MatchString(s) {
		return nil, &apiError{Status: 400, Code: "INVALID_EMAIL_ADDRESS",
			Message: f.Label + ": invalid email address: " + s, Fields: []string{f.Name}}
	}
	return s, nil
}

var referencePrefixes = map[string][]string{
	"User": {"005"}, "Group": {"00G"}, "RecordType": {"012"}, "Individual": {"0PK"},
}

// prefixAllowed checks that a lookup value points at an object of the type the field references.
func (e *Emulator) prefixAllowed(f *fieldDef, prefix string) bool {
	if len(f.ReferenceTo) == 0 {
		return true
	}
	for _, target := range f.ReferenceTo {
		if t := e.tables[strings.ToLower(target)]; t != nil && t.def.KeyPrefix == prefix {
			return true
		}
		for _, p := range referencePrefixes[target] {
			if p == prefix {
				return true
			}
		}
	}
	return false
}

// valuesEqual compares stored values the way SOQL "=" does: strings case-insensitively.
func valuesEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && strings.EqualFold(x, y)
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case json.Number:
		y, ok := toNumber(b)
		if !ok {
			return false
		}
		fx, _ := strconv.ParseFloat(string(x), 64)
		fy, _ := strconv.ParseFloat(string(y), 64)
		return fx == fy
	}
	return false
}
