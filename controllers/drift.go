package controllers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// fieldNames lists the fields of a planned write in a stable order, for reading them back.
func fieldNames(fields map[string]any) []string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// driftedFields compares what the plan writes with what Salesforce holds and returns the
// fields that differ, sorted. Salesforce answers field names case-insensitively and reformats
// some values (numbers as floats, datetimes with milliseconds and +0000), so equality is
// semantic, not textual.
func driftedFields(want map[string]any, got salesforce.Record) []string {
	actual := make(map[string]any, len(got))
	for k, v := range got {
		actual[strings.ToLower(k)] = v
	}
	var drifted []string
	for _, name := range fieldNames(want) {
		if !sameValue(want[name], actual[strings.ToLower(name)]) {
			drifted = append(drifted, name)
		}
	}
	return drifted
}

func sameValue(want, got any) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	// Numbers may come back as strings and the other way round (a numeric trait written to a
	// text field, or a numeric string to a number field).
	if wn, ok := asNumber(want); ok {
		if gn, ok := asNumber(got); ok {
			return wn == gn
		}
	}
	if ws, ok := want.(string); ok {
		gs, ok := got.(string)
		if !ok {
			return ws == fmt.Sprint(got)
		}
		if ws == gs {
			return true
		}
		wt, werr := parseTime(ws)
		gt, gerr := parseTime(gs)
		return werr == nil && gerr == nil && wt.Equal(gt)
	}
	if wb, ok := want.(bool); ok {
		gb, ok := got.(bool)
		return (ok && wb == gb) || fmt.Sprint(wb) == fmt.Sprint(got)
	}
	// Objects and arrays (traits sent unchanged to an externalId target): compare as JSON.
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	return string(wj) == string(gj)
}

func asNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", "2006-01-02"}

func parseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Time{}, fmt.Errorf("a number, not a time")
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}
