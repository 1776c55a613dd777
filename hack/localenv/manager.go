package localenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/destinations/salesforce-controller/salesforce"
)

// Manager is a running manager binary with the addresses it serves.
type Manager struct {
	*Process
	MetricsURL string
	HealthURL  string
}

// ManagerOptions say how to run the manager binary.
type ManagerOptions struct {
	Kubeconfig string
	// Args are the flags to start from, such as the Deployment's; the bind addresses are
	// replaced with free loopback ports.
	Args []string
	// Also receives a copy of the manager's log when not nil.
	Also io.Writer
}

// StartManager runs the manager binary, in dir, and waits until its health probe answers.
func StartManager(ctx context.Context, bin, dir string, opts ManagerOptions) (*Manager, error) {
	metricsAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	probeAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	// Local runs scrape plain HTTP on loopback; they ask for it.
	args := OverrideFlags(opts.Args, map[string]string{
		"--metrics-secure":            "false",
		"--metrics-bind-address":      metricsAddr,
		"--health-probe-bind-address": probeAddr,
	})
	// The state-signing key Secret goes to "default" unless the args name the manager's
	// namespace (--leader-election-namespace), so restarts keep trusting what was written.
	proc, err := StartProcess("manager", bin, args, []string{"KUBECONFIG=" + opts.Kubeconfig, "POD_NAMESPACE=default"},
		filepath.Join(dir, "manager.log"), opts.Also)
	if err != nil {
		return nil, err
	}
	m := &Manager{Process: proc, MetricsURL: "http://" + metricsAddr + "/metrics", HealthURL: "http://" + probeAddr + "/healthz"}
	client := &http.Client{Timeout: 2 * time.Second}
	err = proc.WaitWhileRunning(ctx, 200*time.Millisecond, time.Minute, func(ctx context.Context) (bool, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.HealthURL, nil)
		if err != nil {
			return false, "", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return false, err.Error(), nil
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK, "healthz answered " + resp.Status, nil
	})
	if err != nil {
		_ = proc.Stop(10 * time.Second)
		return nil, fmt.Errorf("manager did not become healthy: %w", err)
	}
	return m, nil
}

// Metrics scrapes the manager's Prometheus endpoint.
func (m *Manager) Metrics(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.MetricsURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("scrape %s: %w", m.MetricsURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("read metrics: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("scrape %s: %s", m.MetricsURL, resp.Status)
	}
	return string(body), nil
}

// Log returns what the manager has written so far.
func (m *Manager) Log() (string, error) {
	data, err := os.ReadFile(m.LogPath)
	if err != nil {
		return "", fmt.Errorf("read manager log: %w", err)
	}
	return string(data), nil
}

// OverrideFlags returns args with the values of the named --flag=value flags replaced,
// appending those args do not have.
func OverrideFlags(args []string, values map[string]string) []string {
	out := make([]string, 0, len(args)+len(values))
	seen := map[string]bool{}
	for _, arg := range args {
		name, _, _ := strings.Cut(arg, "=")
		if v, ok := values[name]; ok {
			out = append(out, name+"="+v)
			seen[name] = true
			continue
		}
		out = append(out, arg)
	}
	for name, v := range values {
		if !seen[name] {
			out = append(out, name+"="+v)
		}
	}
	return out
}

// DeploymentArgs reads the args of the manager container from a manifest file such as
// config/manager/manager.yaml, so a local run uses the flags a deployment uses.
func DeploymentArgs(manifestPath, container string) ([]string, error) {
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", manifestPath, err)
	}
	for _, doc := range bytes.Split(data, []byte("\n---")) {
		var obj struct {
			Kind string `json:"kind"`
			Spec struct {
				Template struct {
					Spec struct {
						Containers []struct {
							Name string   `json:"name"`
							Args []string `json:"args"`
						} `json:"containers"`
					} `json:"spec"`
				} `json:"template"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("parse %s: %w", manifestPath, err)
		}
		if obj.Kind != "Deployment" {
			continue
		}
		for _, c := range obj.Spec.Template.Spec.Containers {
			if c.Name == container {
				return c.Args, nil
			}
		}
	}
	return nil, errors.New("no Deployment container " + container + " in " + manifestPath)
}

// EmulatorLoginHosts is the --allowed-login-hosts value of local runs: Salesforce's own
// domains, for runs against a real org, and the emulator's plain-http loopback address.
const EmulatorLoginHosts = salesforce.DefaultAllowedLoginHosts + ",http://127.0.0.1,http://localhost"

// EmulatorLoginHostsFlag is the flag itself.
const EmulatorLoginHostsFlag = "--allowed-login-hosts=" + EmulatorLoginHosts
