package main

import (
	"errors"
	"io"
	"os"
	"sync"
)

// errOutputClosed ends a run whose reader went away (`make dev | head`, a tee killed by the
// same Ctrl-C): nobody can see the view any more, and what it started must not outlive it.
var errOutputClosed = errors.New("standard output was closed")

// console is where everything the view prints goes. The first failed write calls closed once
// and later output is dropped, so the clean-up that follows runs to the end instead of
// failing, or dying of SIGPIPE, on its own progress lines.
type console struct {
	mu     sync.Mutex
	w      io.Writer
	broken bool
	closed func()
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken {
		return len(p), nil
	}
	if _, err := c.w.Write(p); err != nil {
		c.broken = true
		if c.closed != nil {
			go c.closed()
		}
	}
	return len(p), nil
}

// out and errOut replace os.Stdout and os.Stderr for everything dev prints.
var (
	out    = &console{w: os.Stdout}
	errOut = &console{w: os.Stderr}
)
