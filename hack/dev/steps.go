package main

import (
	"fmt"
	"time"
)

// progressEvery is how often a step that is still running says so: a first run builds for
// minutes, and silence would look like a hang.
var progressEvery = 5 * time.Second

// step prints what is about to happen, a line every progressEvery while it runs and, when it
// is done, how long it took.
func step(name string, fn func() error) error {
	fmt.Fprintf(out, "==> %s\n", name)
	started := time.Now()
	done := make(chan struct{})
	ticked := make(chan struct{})
	go func() {
		defer close(ticked)
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				fmt.Fprintf(out, "    ... %s: %s so far\n", name, time.Since(started).Round(time.Second))
			}
		}
	}()
	err := fn()
	close(done)
	<-ticked
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintf(out, "    done in %s\n", time.Since(started).Round(100*time.Millisecond))
	return nil
}

// cleanups runs undo actions in reverse order of registration, reporting each.
type cleanups []func()

func (c *cleanups) add(name string, undo func() error) {
	*c = append(*c, func() {
		if err := undo(); err != nil {
			fmt.Fprintf(out, "    %s: %v\n", name, err)
			return
		}
		fmt.Fprintf(out, "    %s\n", name)
	})
}

// run takes a pointer so that a deferred call sees the actions added after the defer.
func (c *cleanups) run() {
	if len(*c) == 0 {
		return
	}
	fmt.Fprintln(out, "==> cleaning up")
	for i := len(*c) - 1; i >= 0; i-- {
		(*c)[i]()
	}
	*c = nil
}
