package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// manager is the manager binary of one mode, with the addresses the bench reads it through.
type manager struct {
	*localenv.Manager
	pid       int
	pprofAddr string
}

func startManager(ctx context.Context, bin, dir, kubeconfig string, args []string) (*manager, error) {
	pprofAddr, err := localenv.FreeAddr()
	if err != nil {
		return nil, err
	}
	args = localenv.OverrideFlags(args, map[string]string{"--pprof-bind-address": pprofAddr})
	m, err := localenv.StartManager(ctx, bin, dir, localenv.ManagerOptions{Kubeconfig: kubeconfig, Args: args})
	if err != nil {
		return nil, err
	}
	pid, err := findPID(strings.TrimSuffix(strings.TrimPrefix(m.MetricsURL, "http://"), "/metrics"))
	if err != nil {
		_ = m.Stop(10 * time.Second)
		return nil, err
	}
	return &manager{Manager: m, pid: pid, pprofAddr: pprofAddr}, nil
}

// findPID finds the manager among /proc by its metrics address, which no other process has on
// its command line; localenv.Process does not expose the id.
func findPID(metricsAddr string) (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cmdline), "--metrics-bind-address="+metricsAddr) {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("no process serves metrics on %s", metricsAddr)
}

// memory is the manager's footprint at one moment.
type memory struct {
	RSS       int64 `json:"rssBytes"`
	HeapInuse int64 `json:"heapInuseBytes"`
	// HeapLive is what the last collection marked live (the runtime's /gc/heap/live:bytes):
	// without the free space inside partly used spans that HeapInuse counts, and without the
	// garbage allocated between that collection and the scrape that HeapAlloc would add.
	HeapLive int64 `json:"heapLiveBytes"`
}

// memory collects garbage first (the heap profile endpoint does so on request), so two samples
// compare live data rather than wherever the collector happened to be.
func (m *manager) memory(ctx context.Context, heapProfile string) (memory, error) {
	var profile io.Writer = io.Discard
	if heapProfile != "" {
		f, err := os.Create(heapProfile)
		if err != nil {
			return memory{}, err
		}
		defer f.Close()
		profile = f
	}
	// Twice: sync.Pool contents (the loggers' buffers, for one) survive the first collection.
	if err := m.pprof(ctx, "/debug/pprof/heap?gc=1", io.Discard); err != nil {
		return memory{}, err
	}
	if err := m.pprof(ctx, "/debug/pprof/heap?gc=1", profile); err != nil {
		return memory{}, err
	}
	// The collector returns pages to the OS in the background; give it a moment.
	time.Sleep(time.Second)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.pid))
	if err != nil {
		return memory{}, err
	}
	var mem memory
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			mem.RSS = kb * 1024
		}
	}
	s, err := m.scrape(ctx)
	if err != nil {
		return memory{}, err
	}
	mem.HeapInuse = int64(s.sum("go_memstats_heap_inuse_bytes"))
	mem.HeapLive = int64(s.sum("go_gc_heap_live_bytes"))
	return mem, nil
}

// cpuProfile writes a CPU profile of the next seconds to path.
func (m *manager) cpuProfile(ctx context.Context, seconds int, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return m.pprof(ctx, fmt.Sprintf("/debug/pprof/profile?seconds=%d", seconds), f)
}

func (m *manager) pprof(ctx context.Context, path string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.pprofAddr+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof %s: %s", path, resp.Status)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

func (m *manager) scrape(ctx context.Context) (samples, error) {
	text, err := m.Metrics(ctx)
	if err != nil {
		return nil, err
	}
	return parseSamples(text), nil
}

// kubeRequests is every request the manager's clients sent to the apiserver.
func (s samples) kubeRequests() int { return int(s.sum("rest_client_requests_total")) }

// identityQueueBusy reports whether the identity controller has queued or running work.
// Items waiting out a RequeueAfter are not in the depth: they are not work yet.
func (s samples) identityQueueBusy() bool {
	return s.sum("workqueue_depth", `name="salesforceidentity"`) > 0 ||
		s.sum("controller_runtime_active_workers", `controller="salesforceidentity"`) > 0
}

// salesforceReads counts the manager's Salesforce calls that read records back by ID: a
// collection retrieve, alone or packed in a Composite call, or (batching off) a single get.
// That is the drift check itself, apart from its corrections.
func (s samples) salesforceReads() int {
	total := 0.0
	for _, x := range s {
		if x.name == "salesforce_api_requests_total" &&
			(strings.Contains(x.labels, `retrieve `) || strings.Contains(x.labels, `operation="get `)) {
			total += x.value
		}
	}
	return int(total)
}

// sharedCalls counts the manager's Composite calls that carried more than one kind of work
// (lookups and saves together, say): the calls batching saved by mixing kinds.
func (s samples) sharedCalls() int {
	total := 0.0
	for _, x := range s {
		if x.name == "salesforce_api_requests_total" && strings.Contains(x.labels, ` + `) {
			total += x.value
		}
	}
	return int(total)
}

// batchTotals is, per batch kind, the records and batches sent so far.
type batchTotals map[string][2]float64

func (s samples) batchTotals() batchTotals {
	out := batchTotals{}
	for _, kind := range []string{"lookups", "saves", "retrieves", "deletes"} {
		label := `kind="` + kind + `"`
		out[kind] = [2]float64{s.sum("salesforce_batch_records_sum", label), s.sum("salesforce_batch_records_count", label)}
	}
	return out
}

// meanSince is the mean records per batch of each kind sent between since and t.
func (t batchTotals) meanSince(since batchTotals) map[string]float64 {
	out := map[string]float64{}
	for kind, v := range t {
		if n := v[1] - since[kind][1]; n > 0 {
			out[kind] = (v[0] - since[kind][0]) / n
		}
	}
	return out
}

func (s samples) identityReconciles() int {
	return int(s.sum("controller_runtime_reconcile_total", `controller="salesforceidentity"`))
}
