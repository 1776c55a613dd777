package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// printTable shows every identity next to what the emulator holds for its record, so the
// mapping from traits to Salesforce fields is visible at a glance.
func (s *session) printTable(ctx context.Context) error {
	c, err := s.apiClient()
	if err != nil {
		return err
	}
	var list sfv1.SalesforceIdentityList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return fmt.Errorf("list identities: %w", err)
	}
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	header := "NAME\tREADY\tREASON\tOBJECT\tSALESFORCE ID"
	if s.emulator != nil {
		header += "\tIN THE EMULATOR"
	}
	fmt.Fprintln(w, header)
	for i := range list.Items {
		id := &list.Items[i]
		v := viewOf(id)
		row := strings.Join([]string{id.Name, v.Ready, v.Reason, dash(v.Object), dash(v.ID)}, "\t")
		if s.emulator != nil {
			row += "\t" + s.emulatorSummary(ctx, v)
		}
		fmt.Fprintln(w, row)
	}
	return w.Flush()
}

func (s *session) emulatorSummary(ctx context.Context, v identityView) string {
	if v.ID == "" {
		return "-"
	}
	rec, found, err := s.emulator.Record(ctx, v.Object, v.ID)
	switch {
	case err != nil:
		return "(" + err.Error() + ")"
	case !found:
		return "(no such record)"
	}
	var parts []string
	for _, field := range []string{"FirstName", "LastName", "Email", "Company", "City"} {
		if value := rec.String(field); value != "" {
			parts = append(parts, field+"="+value)
		}
	}
	return strings.Join(parts, " ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
