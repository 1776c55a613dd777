//go:build faults

package faults

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/hack/localenv"
)

// outcome compares Salesforce with the identities' final specs.
type outcome struct {
	identities, ready int
	// recordsPerIdentity maps a count of matching Salesforce records to how many identities
	// have that many: everything at 1 is the goal.
	recordsPerIdentity map[int]int
	duplicates         int // identities with more than one matching record
	lostUpdates        int // records whose fields differ from the final spec
	statusMismatch     int // status.records does not name the one record
	strays             int // records no identity accounts for
	problems           []string
}

func (e *env) verify(ctx context.Context) (outcome, error) {
	out := outcome{recordsPerIdentity: map[int]int{}}
	var list sfv1.SalesforceIdentityList
	if err := e.k8s.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return out, err
	}
	byKey := map[string][]localenv.Record{}
	for objType, field := range map[string]string{"Lead": "Email", "Account": "Name"} {
		rows, err := e.emu.Records(ctx, objType)
		if err != nil {
			return out, err
		}
		for _, r := range rows {
			k := objType + "/" + strings.ToLower(r.String(field))
			byKey[k] = append(byKey[k], r)
		}
	}
	claimed := 0
	for i := range list.Items {
		obj := &list.Items[i]
		out.identities++
		if readyNow(obj) {
			out.ready++
		}
		want, err := expectedFields(obj)
		if err != nil {
			return out, fmt.Errorf("%s: %w", obj.Name, err)
		}
		key := "Lead/" + strings.ToLower(fmt.Sprint(want["Email"]))
		if len(obj.Spec.ExternalID) > 0 {
			key = "Account/" + strings.ToLower(fmt.Sprint(want["Name"]))
		}
		rows := byKey[key]
		claimed += len(rows)
		out.recordsPerIdentity[len(rows)]++
		if len(rows) > 1 {
			out.duplicates++
			made := make([]string, len(rows))
			for j, r := range rows {
				made[j] = r.String("Id") + " created " + r.String("CreatedDate")
			}
			out.problem("%s: %d records for %s (%s)", obj.Name, len(rows), key, strings.Join(made, ", "))
		}
		if len(rows) != 1 {
			continue
		}
		if diff := fieldDiff(want, rows[0]); diff != "" {
			out.lostUpdates++
			out.problem("%s: %s %s differs from the spec: %s", obj.Name, key, rows[0].String("Id"), diff)
		}
		if len(obj.Status.Records) != 1 || obj.Status.Records[0].ID != rows[0].String("Id") {
			out.statusMismatch++
			out.problem("%s: status.records %v, Salesforce has %s", obj.Name, obj.Status.Records, rows[0].String("Id"))
		}
	}
	total := 0
	for _, rows := range byKey {
		total += len(rows)
	}
	out.strays = total - claimed
	return out, nil
}

// fieldDiff lists the fields whose stored value is not the one the spec asks for.
func fieldDiff(want map[string]any, got localenv.Record) string {
	var diffs []string
	for f, v := range want {
		if got.String(f) != fmt.Sprint(v) {
			diffs = append(diffs, fmt.Sprintf("%s=%q want %q", f, got.String(f), fmt.Sprint(v)))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, ", ")
}

func (o *outcome) problem(format string, args ...any) {
	if len(o.problems) < 20 {
		o.problems = append(o.problems, fmt.Sprintf(format, args...))
	}
}
