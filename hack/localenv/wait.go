package localenv

import (
	"context"
	"fmt"
	"time"
)

// Poll calls check every interval until it reports done, returns an error, or timeout passes.
// The last "not yet" reason is part of the timeout error, so a failure says what was missing.
func Poll(ctx context.Context, interval, timeout time.Duration, check func(context.Context) (done bool, reason string, err error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		done, reason, err := check(ctx)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up after %s: %s", timeout, reason)
		case <-ticker.C:
		}
	}
}
