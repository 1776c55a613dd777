package batch

import (
	"reflect"
	"testing"

	"github.com/destinations/salesforce-controller/salesforce"
)

func TestMergeWrites(t *testing.T) {
	const id18, id15 = "00Q5g0000000001EAA", "00Q5g0000000001"
	leadWith := func(email string, extra ...any) salesforce.RecordWrite {
		f := map[string]any{"LastName": "X", "Email": email}
		for i := 0; i < len(extra); i += 2 {
			f[extra[i].(string)] = extra[i+1]
		}
		return salesforce.RecordWrite{SObject: "Lead", Fields: f}
	}
	tests := []struct {
		name      string
		writes    []salesforce.RecordWrite
		wantRowOf []int
		wantRows  []map[string]any
	}{
		{
			name: "same lead email, any case, one create",
			writes: []salesforce.RecordWrite{
				leadWith("A@x.com", "Title", "1"),
				leadWith("a@X.com", "City", "Oslo"),
			},
			wantRowOf: []int{0, 0},
			wantRows:  []map[string]any{{"LastName": "X", "Email": "a@X.com", "Title": "1", "City": "Oslo"}},
		},
		{
			name: "different emails stay apart",
			writes: []salesforce.RecordWrite{
				leadWith("a@x.com"), leadWith("b@x.com"),
			},
			wantRowOf: []int{0, 1},
		},
		{
			name: "empty emails stay apart",
			writes: []salesforce.RecordWrite{
				leadWith(""), leadWith(" "),
			},
			wantRowOf: []int{0, 1},
		},
		{
			name: "contacts with one email stay apart",
			writes: []salesforce.RecordWrite{
				{SObject: "Contact", Fields: map[string]any{"Email": "a@x.com"}},
				{SObject: "Contact", Fields: map[string]any{"Email": "a@x.com"}},
			},
			wantRowOf: []int{0, 1},
		},
		{
			name: "updates of one record in both ID forms merge, later wins",
			writes: []salesforce.RecordWrite{
				{SObject: "Lead", ID: id18, Fields: map[string]any{"Title": "old", "City": "Oslo"}},
				{SObject: "Lead", ID: id15, Fields: map[string]any{"title": "new"}},
			},
			wantRowOf: []int{0, 0},
			wantRows:  []map[string]any{{"title": "new", "City": "Oslo"}},
		},
		{
			name: "an update and a create with one email stay apart",
			writes: []salesforce.RecordWrite{
				{SObject: "Lead", ID: id18, Fields: map[string]any{"Email": "a@x.com"}},
				leadWith("a@x.com"),
			},
			wantRowOf: []int{0, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, rowOf := mergeWrites(tt.writes)
			if !reflect.DeepEqual(rowOf, tt.wantRowOf) {
				t.Errorf("rowOf = %v, want %v", rowOf, tt.wantRowOf)
			}
			for i, want := range tt.wantRows {
				if !reflect.DeepEqual(rows[i].Fields, want) {
					t.Errorf("row %d fields = %v, want %v", i, rows[i].Fields, want)
				}
			}
		})
	}
}
