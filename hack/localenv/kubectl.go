package localenv

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Kubectl runs the real kubectl against one kubeconfig, from the repository root so that
// paths such as config/default resolve.
type Kubectl struct {
	Kubeconfig string
	Dir        string
}

// Run runs kubectl with args and returns its stdout; a failure carries stderr.
func (k Kubectl) Run(ctx context.Context, args ...string) (string, error) {
	return k.RunWithInput(ctx, nil, args...)
}

// RunWithInput is Run with stdin, for manifests built in memory (kubectl apply -f -).
func (k Kubectl) RunWithInput(ctx context.Context, stdin []byte, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "kubectl", append([]string{"--kubeconfig", k.Kubeconfig}, args...)...)
	cmd.Dir = k.Dir
	// A KUBECONFIG from the user's shell must never redirect us to their real cluster.
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.Kubeconfig)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
