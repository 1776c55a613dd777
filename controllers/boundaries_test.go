package controllers

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/destinations/salesforce-controller"

// The salesforce packages are a plain client of Salesforce: nothing of Kubernetes, the API
// types or the controllers may reach them, directly or through another package.
func TestSalesforcePackagesKnowNothingOfKubernetes(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", module+"/salesforce/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, module+"/salesforce/mapping") {
		t.Fatalf("go list did not list the salesforce packages: %q", deps)
	}
	for _, dep := range deps {
		if forbiddenForSalesforce(dep) {
			t.Errorf("the salesforce packages depend on %s", dep)
		}
	}
}

func forbiddenForSalesforce(pkg string) bool {
	for _, prefix := range []string{"k8s.io/", "sigs.k8s.io/", module + "/api", module + "/controllers"} {
		if strings.HasPrefix(pkg, prefix) {
			return true
		}
	}
	return false
}

// The external client makes Salesforce calls only: it imports nothing that could write to
// Kubernetes, record an event or a metric.
func TestExternalClientOnlyTalksToSalesforce(t *testing.T) {
	allowed := map[string]bool{"context": true, "errors": true, "sync": true, "time": true, module + "/salesforce": true}
	for _, imp := range importsOf(t, "salesforceidentity_external.go") {
		if !allowed[imp] {
			t.Errorf("salesforceidentity_external.go imports %s", imp)
		}
	}
}

// The rest of the identity reconciler reaches Salesforce only through the external client.
func TestIdentityReconcilerCallsSalesforceOnlyThroughTheExternalClient(t *testing.T) {
	files, err := filepath.Glob("salesforceidentity_*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "salesforceidentity_external.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bypass := range []string{"conn.client", "conn.api", "*salesforce.Client", "orgAPI", "salesforce.New("} {
			if strings.Contains(string(src), bypass) {
				t.Errorf("%s bypasses the external client: %s", f, bypass)
			}
		}
	}
}

func importsOf(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		out = append(out, path)
	}
	return out
}
