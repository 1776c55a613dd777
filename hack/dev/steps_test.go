package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// A step that runs for several progress intervals says so while it runs, and a failed one
// says which step failed.
func TestStepReportsProgress(t *testing.T) {
	var buf bytes.Buffer
	saved, savedEvery := out.w, progressEvery
	out.w, progressEvery = &buf, 20*time.Millisecond
	defer func() { out.w, progressEvery = saved, savedEvery }()

	for _, tc := range []struct {
		name      string
		fn        func() error
		wantTicks bool
		wantErr   string
	}{
		{"building the manager", func() error { time.Sleep(150 * time.Millisecond); return nil }, true, ""},
		{"quick", func() error { return nil }, false, ""},
		{"failing", func() error { return errors.New("boom") }, false, "failing: boom"},
	} {
		buf.Reset()
		err := step(tc.name, tc.fn)
		if got := errString(err); got != tc.wantErr {
			t.Errorf("%s: error %q, want %q", tc.name, got, tc.wantErr)
		}
		ticks := strings.Count(buf.String(), "    ... "+tc.name+": ")
		if (ticks >= 2) != tc.wantTicks {
			t.Errorf("%s: %d progress lines:\n%s", tc.name, ticks, buf.String())
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A write that fails closes the console once and later output is dropped without error.
func TestConsoleClosesOnce(t *testing.T) {
	calls := make(chan struct{}, 4)
	c := &console{w: failingWriter{}, closed: func() { calls <- struct{}{} }}
	for range 3 {
		if n, err := c.Write([]byte("x\n")); n != 2 || err != nil {
			t.Fatalf("Write = %d, %v; want 2, nil", n, err)
		}
	}
	<-calls
	select {
	case <-calls:
		t.Error("closed called more than once")
	case <-time.After(50 * time.Millisecond):
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }
