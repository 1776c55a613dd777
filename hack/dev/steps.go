package main

import (
	"fmt"
	"time"
)

// step prints what is about to happen and, when it is done, how long it took: the first run
// builds the control plane for minutes and should say so.
func step(name string, fn func() error) error {
	fmt.Printf("==> %s\n", name)
	started := time.Now()
	if err := fn(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Printf("    done in %s\n", time.Since(started).Round(100*time.Millisecond))
	return nil
}

// cleanups runs undo actions in reverse order of registration, reporting each.
type cleanups []func()

func (c *cleanups) add(name string, undo func() error) {
	*c = append(*c, func() {
		if err := undo(); err != nil {
			fmt.Printf("    %s: %v\n", name, err)
			return
		}
		fmt.Printf("    %s\n", name)
	})
}

// run takes a pointer so that a deferred call sees the actions added after the defer.
func (c *cleanups) run() {
	if len(*c) == 0 {
		return
	}
	fmt.Println("==> cleaning up")
	for i := len(*c) - 1; i >= 0; i-- {
		(*c)[i]()
	}
	*c = nil
}
