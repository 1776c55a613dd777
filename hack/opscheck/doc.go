// Package opscheck holds the tests of the operations files in config/: the Argo CD health
// script run in gopher-lua (the interpreter Argo CD embeds) against statuses the controller
// wrote in an end-to-end run, and the Prometheus rules and Grafana dashboard read with
// Prometheus's own parsers, checked against the metrics the manager really exposes and
// evaluated in Prometheus's own PromQL engine over series built from them.
//
// The captures in testdata/ are written by the e2e suite (make test-e2e), which runs first
// in make test, so a changed status or a renamed metric fails here.
package opscheck

import (
	"os"
	"path/filepath"
	"runtime"
)

// repoFile is a path relative to the repository root, wherever the test runs from.
func repoFile(rel string) string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", rel)
}

func readRepoFile(rel string) ([]byte, error) { return os.ReadFile(repoFile(rel)) }
