package localenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Binaries are the programs a local run starts.
type Binaries struct {
	Manager  string
	Emulator string
}

// BuildBinaries compiles the manager and the emulator into dir with one go build, so the two
// share compiled packages instead of competing for the cores.
func BuildBinaries(ctx context.Context, root, dir string) (Binaries, error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", dir+string(filepath.Separator), ".", "./hack/salesforce-emulator")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	ownGroup(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		return Binaries{}, fmt.Errorf("go build: %w\n%s", err, out)
	}
	// go build names each binary after the last element of its import path.
	bins := Binaries{
		Manager:  filepath.Join(dir, "salesforce-controller"),
		Emulator: filepath.Join(dir, "salesforce-emulator"),
	}
	for _, b := range []string{bins.Manager, bins.Emulator} {
		if _, err := os.Stat(b); err != nil {
			return Binaries{}, fmt.Errorf("go build did not produce %s: %w", b, err)
		}
	}
	return bins, nil
}
