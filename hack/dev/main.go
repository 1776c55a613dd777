// Command dev is `make dev`: a local control plane, the Salesforce emulator (or a real org
// named by SALESFORCE_* variables), the manager and the samples, with a live view of the
// identities until it is stopped, which takes everything down again: Ctrl-C, SIGTERM, SIGHUP
// (a closed terminal), a closed standard output or the manager dying.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(devMain())
}

func devMain() int {
	// Without this a write to a closed pipe kills the process before it has cleaned up; with
	// it the write fails and the console ends the run.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stopSignals()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out.closed = func() { cancel(errOutputClosed) }
	errOut.closed = func() { cancel(errOutputClosed) }

	err := run(ctx)
	// Signals stay caught until here, so a second Ctrl-C cannot cut the clean-up short.
	switch {
	case err != nil && ctx.Err() == nil:
		fmt.Fprintln(errOut, "dev:", err)
		return 1
	case errors.Is(context.Cause(ctx), errOutputClosed):
		return 1
	}
	return 0
}
