package localenv

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RestartAPIServer stops kube-apiserver and starts it again with the same flags, so the same
// etcd, certificates and port: what clients see during a control-plane upgrade or a crash of
// the apiserver. Its output goes to logDir/kube-apiserver.log. Stop ends the new process too.
func (cp *ControlPlane) RestartAPIServer(ctx context.Context, logDir string) error {
	pid, args, err := cp.apiServerProcess()
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop kube-apiserver (pid %d): %w", pid, err)
	}
	// envtest owns the old process and reaps it; gone means no /proc entry or a zombie. A
	// graceful shutdown that drags on (open watches) ends the way a crash would.
	gone := func(context.Context) (bool, string, error) { return !alive(pid), "kube-apiserver still running", nil }
	if err := Poll(ctx, 100*time.Millisecond, 15*time.Second, gone); err != nil {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		if err := Poll(ctx, 100*time.Millisecond, 30*time.Second, gone); err != nil {
			return err
		}
	}
	proc, err := StartProcess("kube-apiserver", args[0], args[1:], nil, filepath.Join(logDir, "kube-apiserver.log"), nil)
	if err != nil {
		return err
	}
	cp.restartedAPIServer = proc
	base := cp.env.Config.Host
	insecure := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // readiness probe of a local test server
	return proc.WaitWhileRunning(ctx, 200*time.Millisecond, 2*time.Minute, func(ctx context.Context) (bool, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/readyz", nil)
		if err != nil {
			return false, "", err
		}
		resp, err := insecure.Do(req)
		if err != nil {
			return false, err.Error(), nil
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK, "readyz answered " + resp.Status, nil
	})
}

// apiServerProcess finds the kube-apiserver child of this process and its command line:
// envtest does not expose either.
func (cp *ControlPlane) apiServerProcess() (int, []string, error) {
	if p := cp.restartedAPIServer; p != nil && p.Running() {
		return p.cmd.Process.Pid, p.cmd.Args, nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, nil, fmt.Errorf("list processes: %w", err)
	}
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// stat is "pid (comm) state ppid ...": comm may hold spaces, so cut at the last ')'.
		end := bytes.LastIndexByte(stat, ')')
		start := bytes.IndexByte(stat, '(')
		if start < 0 || end < start {
			continue
		}
		fields := strings.Fields(string(stat[end+1:]))
		if string(stat[start+1:end]) != "kube-apiserver" || len(fields) < 2 || fields[1] != strconv.Itoa(self) {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			return 0, nil, fmt.Errorf("read kube-apiserver command line: %w", err)
		}
		args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
		return pid, args, nil
	}
	return 0, nil, fmt.Errorf("no kube-apiserver child of process %d", self)
}

// alive is false once pid has exited, reaped or not.
func alive(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	end := bytes.LastIndexByte(stat, ')')
	fields := strings.Fields(string(stat[end+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}
