// Command dev is `make dev`: a local control plane, the Salesforce emulator (or a real org
// named by SALESFORCE_* variables), the manager and the samples, with a live view of the
// identities until Ctrl-C, which takes everything down again.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx)
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		os.Exit(1)
	}
}
