package batch

import (
	"strings"

	"github.com/destinations/salesforce-controller/salesforce"
)

// mergeWrites folds the writes Salesforce must see as one row: updates of the
// same record (a collection rejects a duplicate id) and creates of Leads with
// the same email (which would create duplicate Leads). rowOf maps each write
// to its row in rows.
func mergeWrites(writes []salesforce.RecordWrite) (rows []salesforce.RecordWrite, rowOf []int) {
	rowOf = make([]int, len(writes))
	byKey := map[string]int{}
	for i, w := range writes {
		key := mergeKey(w)
		if r, ok := byKey[key]; ok && key != "" {
			rows[r].Fields = mergeFields(rows[r].Fields, w.Fields)
			rowOf[i] = r
			continue
		}
		if key != "" {
			byKey[key] = len(rows)
		}
		rowOf[i] = len(rows)
		rows = append(rows, w)
	}
	return rows, rowOf
}

// mergeKey names the record a write lands on, or "" when the write must
// stand alone.
func mergeKey(w salesforce.RecordWrite) string {
	if w.ID != "" {
		return "id:" + idKey(w.ID)
	}
	if !strings.EqualFold(w.SObject, "Lead") {
		return ""
	}
	email, _ := field(w.Fields, "Email").(string)
	if key := emailKey(email); key != "" {
		return "lead-email:" + key
	}
	return ""
}

// field reads a field the way Salesforce does, ignoring the name's case.
func field(fields map[string]any, name string) any {
	if v, ok := fields[name]; ok {
		return v
	}
	for k, v := range fields {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// mergeFields returns a new map of earlier overlaid by later, as applying the
// two writes in turn would leave the record. Names differing only in case are
// one field to Salesforce, so the later spelling replaces the earlier. The
// callers' maps are not touched.
func mergeFields(earlier, later map[string]any) map[string]any {
	merged := make(map[string]any, len(earlier)+len(later))
	for k, v := range earlier {
		merged[k] = v
	}
	for k, v := range later {
		for old := range merged {
			if old != k && strings.EqualFold(old, k) {
				delete(merged, old)
			}
		}
		merged[k] = v
	}
	return merged
}
