//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// chartNamespace differs from config/default's, so a name the chart forgot to template shows.
const chartNamespace = "sfc-helm"

// TestHelmChart installs the chart's CRDs and RBAC as helm renders them and runs the manager
// with the rendered Deployment's args under the chart's ServiceAccount.
func TestHelmChart(t *testing.T) {
	s := setUpWith(t, (*suite).installChart)
	t.Run("lead identity becomes Ready and creates the mapped Lead", s.specLeadCreated)
	t.Run("manager log has no forbidden errors", s.specNoForbidden)
}

// helmBinary is the helm make test-e2e builds from the Go module proxy (hack/tools).
func helmBinary(t *testing.T, root string) string {
	if h := os.Getenv("HELM"); h != "" {
		return h
	}
	h := filepath.Join(root, "bin", "helm")
	if _, err := os.Stat(h); err != nil {
		t.Fatalf("no helm: run make test-e2e, which builds bin/helm (%v)", err)
	}
	return h
}

func (s *suite) installChart(t *testing.T) installed {
	cmd := exec.Command(helmBinary(t, s.root), "template", "salesforce-controller", filepath.Join(s.root, "config", "helm", "salesforce-controller"),
		"--namespace", chartNamespace, "--include-crds", "--set", "metrics.secure=false", "--set", "extraArgs={--kube-api-qps=500}")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	rendered, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, stderr.String())
	}
	path := filepath.Join(s.dir, "chart.yaml")
	if err := os.WriteFile(path, rendered, 0o600); err != nil {
		t.Fatal(err)
	}
	var objects [][]byte
	for _, doc := range strings.Split(string(rendered), "\n---\n") {
		// Without nodes the Deployment would never run: the manager runs here, with its args.
		if strings.Contains(doc, "\nkind: Deployment\n") || strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		objects = append(objects, []byte(doc))
	}
	s.runCluster(t, "create", "namespace", chartNamespace)
	manifest := bytes.Join(objects, []byte("\n---\n"))
	if _, err := s.kubectl.RunWithInput(context.Background(), manifest, "apply", "--dry-run=server", "-f", "-"); err != nil {
		t.Fatalf("the rendered chart fails a server-side dry run: %v", err)
	}
	s.applyCluster(t, manifest)
	s.waitCRDs(t)
	args, err := localenv.DeploymentArgs(path, "manager")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(args, " "), "--kube-api-qps=500") {
		t.Fatalf("the rendered Deployment lacks the extra arg: %q", args)
	}
	return installed{namespace: chartNamespace, args: args}
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
