package localenv

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// ControlPlane is a local kube-apiserver and etcd, with nothing else: no nodes, no
// kube-controller-manager, so Deployments stay unscheduled and namespaces never finish
// terminating.
type ControlPlane struct {
	env *envtest.Environment
	// AdminKubeconfig is a kubeconfig for a system:masters user, which may also impersonate.
	AdminKubeconfig []byte
	// restartedAPIServer is the kube-apiserver RestartAPIServer started, which envtest does
	// not know about.
	restartedAPIServer *Process
}

// quietLibraryLogs keeps envtest's own log lines (and controller-runtime's warning that no
// logger was set) out of the programs' output; the control plane's logs are in its files.
var quietLibraryLogs sync.Once

// StartControlPlane starts kube-apiserver and etcd from assetsDir and creates the admin user.
func StartControlPlane(assetsDir string) (*ControlPlane, error) {
	quietLibraryLogs.Do(func() { ctrllog.SetLogger(logr.Discard()) })
	env := &envtest.Environment{
		BinaryAssetsDirectory:    assetsDir,
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  30 * time.Second,
	}
	if _, err := env.Start(); err != nil {
		return nil, fmt.Errorf("start kube-apiserver and etcd: %w", err)
	}
	cp := &ControlPlane{env: env}
	admin, err := env.AddUser(envtest.User{Name: "local-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		_ = cp.Stop()
		return nil, fmt.Errorf("create the admin user: %w", err)
	}
	if cp.AdminKubeconfig, err = admin.KubeConfig(); err != nil {
		_ = cp.Stop()
		return nil, fmt.Errorf("admin kubeconfig: %w", err)
	}
	return cp, nil
}

// WriteAdminKubeconfig writes the admin kubeconfig to path, readable by the owner only: it
// holds a client key.
func (cp *ControlPlane) WriteAdminKubeconfig(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if err := os.WriteFile(path, cp.AdminKubeconfig, 0o600); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// Stop ends kube-apiserver and etcd and removes their data and certificate directories.
func (cp *ControlPlane) Stop() error {
	if cp.restartedAPIServer != nil {
		_ = cp.restartedAPIServer.Stop(30 * time.Second)
	}
	if err := cp.env.Stop(); err != nil {
		return fmt.Errorf("stop kube-apiserver and etcd: %w", err)
	}
	return nil
}
