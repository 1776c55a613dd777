package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
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

// make dev builds its runner through hack/with-progress.sh, which must talk while the build
// runs and hand back the build's exit status.
func TestWithProgressScript(t *testing.T) {
	for _, tc := range []struct {
		command   []string
		wantTicks int
		wantCode  int
	}{
		{[]string{"sleep", "3.5"}, 2, 0},
		{[]string{"false"}, 0, 1},
		{[]string{"sh", "-c", "sleep 2.5; exit 3"}, 1, 3},
	} {
		cmd := exec.Command("../with-progress.sh", append([]string{"building x"}, tc.command...)...)
		cmd.Env = append(os.Environ(), "PROGRESS_SECONDS=1")
		output, err := cmd.Output()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		ticks := strings.Count(string(output), "    ... building x: ")
		if (ticks == 0) != (tc.wantTicks == 0) || ticks < tc.wantTicks || code != tc.wantCode {
			t.Errorf("%v: %d progress lines and exit %d, want at least %d and %d:\n%s", tc.command, ticks, code, tc.wantTicks, tc.wantCode, output)
		}
	}
}
