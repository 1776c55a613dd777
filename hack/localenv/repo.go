package localenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// RepoRoot walks up from the working directory to the directory holding go.mod, so the
// programs work from the repository root (make) as well as from their own package (go test).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}
