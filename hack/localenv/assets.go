package localenv

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ControlPlaneAssets returns the directory holding kube-apiserver and etcd. It trusts
// KUBEBUILDER_ASSETS when that already has both binaries (make test sets it); otherwise it runs
// hack/envtest-assets.sh, whose progress lines go to progress because the first build takes
// minutes and silence would look like a hang.
func ControlPlaneAssets(ctx context.Context, root string, progress io.Writer) (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" && hasControlPlaneBinaries(dir) {
		return dir, nil
	}
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(root, "hack", "envtest-assets.sh"))
	cmd.Dir = root
	ownGroup(cmd)
	cmd.Stdout = &stdout
	cmd.Stderr = progress
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("hack/envtest-assets.sh: %w", err)
	}
	dir := strings.TrimSpace(stdout.String())
	if !hasControlPlaneBinaries(dir) {
		return "", fmt.Errorf("hack/envtest-assets.sh printed %q, which lacks kube-apiserver or etcd", dir)
	}
	return dir, nil
}

func hasControlPlaneBinaries(dir string) bool {
	for _, name := range []string{"kube-apiserver", "etcd"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}
