//go:build e2e

package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// destinationManifest is the sample destination renamed, with its own Secret, logging in at loginURL.
func destinationManifest(samplePath, name, secret, loginURL string) ([]byte, error) {
	return localenv.EditManifest(samplePath, func(obj map[string]any) {
		localenv.SetField(obj, name, "metadata", "name")
		localenv.SetField(obj, secret, "spec", "credentialsSecretRef", "name")
		localenv.SetField(obj, loginURL, "spec", "loginURL")
	})
}

// readyAtGeneration is true once Ready=True was computed for the object's current generation,
// so an old condition from before a patch does not count.
func (s *suite) readyAtGeneration(resource string) func(context.Context) (bool, string, error) {
	return func(ctx context.Context) (bool, string, error) {
		out, err := s.kubectl.Run(ctx, "-n", namespace, "get", resource, "-o",
			`jsonpath={.metadata.generation}/{.status.conditions[?(@.type=="Ready")].observedGeneration}/{.status.conditions[?(@.type=="Ready")].status}`)
		if err != nil {
			return false, "", err
		}
		parts := strings.Split(out, "/")
		return len(parts) == 3 && parts[0] == parts[1] && parts[2] == "True",
			"generation/observedGeneration/Ready = " + out, nil
	}
}

// columnGap finds where each column of a kubectl table starts: kubectl left-aligns every
// value under its header, and headers such as "SALESFORCE ID" contain single spaces, so
// columns are split at runs of two or more spaces.
var columnGap = regexp.MustCompile(`\S+( \S+)*`)

func headerColumns(table string) map[string][2]int {
	header, _, _ := strings.Cut(table, "\n")
	cols := map[string][2]int{}
	for _, loc := range columnGap.FindAllStringIndex(header, -1) {
		cols[header[loc[0]:loc[1]]] = [2]int{loc[0], loc[1]}
	}
	return cols
}

// getColumn reads one cell of a kubectl get table: the row whose NAME is name, the column
// with the given header.
func getColumn(t *testing.T, table, name, column string) string {
	t.Helper()
	cols := headerColumns(table)
	col, ok := cols[column]
	if !ok {
		t.Fatalf("no %s column in:\n%s", column, table)
	}
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	for _, line := range lines[1:] {
		if fields := strings.Fields(line); len(fields) == 0 || fields[0] != name {
			continue
		}
		if col[0] >= len(line) {
			return ""
		}
		rest := line[col[0]:]
		value, _, _ := strings.Cut(rest, "  ")
		return strings.TrimSpace(value)
	}
	t.Fatalf("no row %s in:\n%s", name, table)
	return ""
}
