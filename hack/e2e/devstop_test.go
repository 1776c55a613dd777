//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// devRun is one `make dev` (the bin/dev it runs) with its own TMPDIR, so whatever it leaves
// behind there, files or processes naming them, is its own.
type devRun struct {
	cmd    *exec.Cmd
	tmp    string
	reader *os.File
	mu     sync.Mutex
	output bytes.Buffer
	ready  chan struct{}
	exited chan struct{}
}

func startDev(t *testing.T, bin, root, assets string) *devRun {
	t.Helper()
	d := &devRun{tmp: t.TempDir(), ready: make(chan struct{}), exited: make(chan struct{})}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	d.reader = r
	d.cmd = exec.Command(bin)
	d.cmd.Dir = root
	d.cmd.Env = append(os.Environ(), "TMPDIR="+d.tmp, "KUBEBUILDER_ASSETS="+assets)
	d.cmd.Stdout, d.cmd.Stderr = w, w
	// Its own process group, as a terminal's foreground job: a Ctrl-C goes to the group.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	go d.read()
	go func() { _ = d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() {
		select {
		case <-d.exited:
		default:
			_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
			<-d.exited
		}
	})
	return d
}

func (d *devRun) read() {
	sc := bufio.NewScanner(d.reader)
	once := sync.Once{}
	for sc.Scan() {
		d.mu.Lock()
		d.output.WriteString(sc.Text() + "\n")
		d.mu.Unlock()
		if strings.HasPrefix(sc.Text(), "Watching identities") {
			once.Do(func() { close(d.ready) })
		}
	}
}

func (d *devRun) log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.output.String()
}

// leftovers lists processes whose command line names the run's TMPDIR (etcd's data dir,
// kube-apiserver's certificates, the manager and emulator binaries) and files left in it.
func (d *devRun) leftovers(t *testing.T) []string {
	t.Helper()
	var left []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmdline, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(cmdline, []byte(d.tmp)) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if stat, err := os.ReadFile(filepath.Join(filepath.Dir(p), "stat")); err == nil && strings.Contains(string(stat), ") Z ") {
			continue // a zombie has ended; only its parent has not read its status
		}
		left = append(left, "process "+strconv.Itoa(pid)+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		left = append(left, "file "+filepath.Join(d.tmp, e.Name()))
	}
	return left
}

// managerPID finds the manager this run started.
func (d *devRun) managerPID(t *testing.T) int {
	t.Helper()
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmdline, err := os.ReadFile(p)
		if err == nil && bytes.HasPrefix(cmdline, []byte(d.tmp)) && bytes.Contains(cmdline, []byte("/bin/salesforce-controller\x00")) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			return pid
		}
	}
	t.Fatalf("no manager process under %s", d.tmp)
	return 0
}

// TestDevStopsCleanly ends `make dev` every way it can end and checks that nothing it started
// is left: no kube-apiserver, etcd, emulator or manager, no temporary directory, no kubeconfig.
func TestDevStopsCleanly(t *testing.T) {
	root, err := localenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	assets, err := localenv.ControlPlaneAssets(context.Background(), root, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "dev")
	build := exec.Command("go", "build", "-o", bin, "./hack/dev")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./hack/dev: %v\n%s", err, out)
	}
	kubeconfig := filepath.Join(root, ".dev", "kubeconfig")
	for _, tc := range devStops(root, kubeconfig) {
		t.Run(tc.name, func(t *testing.T) {
			d := startDev(t, bin, root, assets)
			select {
			case <-d.ready:
			case <-d.exited:
				t.Fatalf("make dev ended before it was up:\n%s", d.log())
			case <-time.After(5 * time.Minute):
				t.Fatalf("make dev not up after 5 minutes:\n%s", d.log())
			}
			tc.stop(t, d)
			select {
			case <-d.exited:
			case <-time.After(2 * time.Minute):
				t.Fatalf("make dev still running 2 minutes after it was stopped:\n%s", d.log())
			}
			if code := d.cmd.ProcessState.ExitCode(); code != tc.wantCode {
				t.Errorf("exit code %d, want %d", code, tc.wantCode)
			}
			if left := d.leftovers(t); len(left) > 0 {
				t.Errorf("left behind:\n%s\noutput:\n%s", strings.Join(left, "\n"), d.log())
			}
			if _, err := os.Stat(kubeconfig); err == nil {
				t.Errorf("%s left behind", kubeconfig)
			}
			t.Logf("output:\n%s", tail(d.log(), 25))
		})
	}
}

type devStop struct {
	name     string
	stop     func(t *testing.T, d *devRun)
	wantCode int
}

// devStops are the ways `make dev` ends; a run a person stopped exits 0, one that lost its
// output or its manager exits 1.
func devStops(root, kubeconfig string) []devStop {
	return []devStop{
		{"Ctrl-C (SIGINT to the foreground group)", func(t *testing.T, d *devRun) { _ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGINT) }, 0},
		{"Ctrl-C under make dev | tee: SIGINT and the reader gone", func(t *testing.T, d *devRun) {
			_ = d.reader.Close()
			_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGINT)
		}, 0},
		{"SIGTERM", func(t *testing.T, d *devRun) { _ = d.cmd.Process.Signal(syscall.SIGTERM) }, 0},
		{"SIGHUP from a closed terminal", func(t *testing.T, d *devRun) { _ = d.cmd.Process.Signal(syscall.SIGHUP) }, 0},
		{"standard output closed", func(t *testing.T, d *devRun) {
			_ = d.reader.Close()
			// The next line the live view prints meets the closed pipe.
			k := localenv.Kubectl{Kubeconfig: kubeconfig, Dir: root}
			if _, err := k.Run(context.Background(), "-n", "default", "delete", "sfid", "alex-keener", "--wait=false"); err != nil {
				t.Error(err)
			}
		}, 1},
		{"the manager dies", func(t *testing.T, d *devRun) { _ = syscall.Kill(d.managerPID(t), syscall.SIGKILL) }, 1},
	}
}
