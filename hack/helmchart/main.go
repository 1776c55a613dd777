// Command helmchart writes the Helm chart in config/helm from the rendered kustomize output of
// config/default, so the chart installs exactly what kustomize does: the CRDs and RBAC are the
// same objects, the Deployment the same pod with its settings turned into values.
//
// Usage: kubectl kustomize config/default | go run ./hack/helmchart -out config/helm/salesforce-controller
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	out := flag.String("out", "config/helm/salesforce-controller", "chart directory to write")
	version := flag.String("version", "0.1.0", "chart version and appVersion")
	flag.Parse()
	rendered, err := io.ReadAll(os.Stdin)
	if err == nil {
		err = writeChart(*out, *version, rendered)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "helmchart:", err)
		os.Exit(1)
	}
}
