package localenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Process is a child program with its combined output going to a log file (and optionally
// somewhere else too). It runs in its own process group, so a Ctrl-C in the terminal reaches
// only the program that started it, which then stops children in order, and it is killed if
// its parent dies first.
type Process struct {
	Name    string
	LogPath string
	cmd     *exec.Cmd
	log     *os.File
	done    chan struct{}
	err     error
}

// StartProcess starts bin with args; output is appended to logPath and copied to also when
// that is not nil.
func StartProcess(name, bin string, args []string, env []string, logPath string, also io.Writer) (*Process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s log: %w", name, err)
	}
	var out io.Writer = logFile
	if also != nil {
		out = io.MultiWriter(logFile, also)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{Name: name, LogPath: logPath, cmd: cmd, log: logFile, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// Exited is closed when the process has ended.
func (p *Process) Exited() <-chan struct{} { return p.done }

// Err is the exit error once Exited is closed.
func (p *Process) Err() error {
	<-p.done
	return p.err
}

// Stop asks the process to end with SIGTERM and kills it when it has not ended within grace.
// It reports an error only when the kill was needed.
func (p *Process) Stop(grace time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("%s did not stop within %s after SIGTERM and was killed", p.Name, grace)
}

// Running reports whether the process has not ended yet.
func (p *Process) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// ErrExitedEarly says a process ended while it was expected to serve.
var ErrExitedEarly = errors.New("process exited")

// WaitWhileRunning runs check until it succeeds, failing fast when the process dies meanwhile
// instead of waiting out the timeout.
func (p *Process) WaitWhileRunning(ctx context.Context, interval, timeout time.Duration, check func(context.Context) (bool, string, error)) error {
	return Poll(ctx, interval, timeout, func(ctx context.Context) (bool, string, error) {
		if !p.Running() {
			return false, "", fmt.Errorf("%s: %w (%v); see %s", p.Name, ErrExitedEarly, p.err, p.LogPath)
		}
		return check(ctx)
	})
}

// Kill ends the process with SIGKILL, as a node failure or an OOM kill would, and waits until
// it is gone. Nothing of the program's own shutdown runs.
func (p *Process) Kill() error {
	if !p.Running() {
		return nil
	}
	if err := p.cmd.Process.Kill(); err != nil {
		return fmt.Errorf("kill %s: %w", p.Name, err)
	}
	<-p.done
	return nil
}
