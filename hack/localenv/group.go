package localenv

import (
	"os/exec"
	"syscall"
)

// ownGroup runs cmd in a process group of its own and makes a cancelled context kill the
// whole group: a build or a script leaves compilers and helpers behind when only the
// process it started is killed.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
