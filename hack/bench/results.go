package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
)

// modeResult is everything measured in one mode.
type modeResult struct {
	Mode string `json:"mode"`
	N    int    `json:"n"`

	CreateSeconds     float64 `json:"createSeconds"`
	AllReadySeconds   float64 `json:"allReadySeconds"`
	ApplyToReadyP50ms float64 `json:"applyToReadyP50ms"`
	ApplyToReadyP95ms float64 `json:"applyToReadyP95ms"`
	ColdCalls         int     `json:"coldCalls"`
	// ColdSharedCalls are the cold sync's calls that carried more than one kind of work.
	ColdSharedCalls  int `json:"coldSharedCalls"`
	ColdLogins       int `json:"coldLogins"`
	ColdKubeRequests int `json:"coldKubeRequests"`
	// ColdBatchMean is the mean records per batched call, by kind (batching on only).
	ColdBatchMean  map[string]float64 `json:"coldBatchMean,omitempty"`
	MemoryBaseline memory             `json:"memoryBaseline"`
	MemoryAfter    memory             `json:"memoryAfter"`
	CPUProfile     string             `json:"cpuProfile,omitempty"`
	HeapProfile    string             `json:"heapProfile,omitempty"`

	ResyncSeconds      float64 `json:"resyncSeconds"`
	ResyncCalls        int     `json:"resyncCalls"`
	ResyncLogins       int     `json:"resyncLogins"`
	ResyncKubeRequests int     `json:"resyncKubeRequests"`

	SingleP50ms float64 `json:"singleApplyP50ms"`
	SingleP95ms float64 `json:"singleApplyP95ms"`

	SpecChangeSeconds  float64 `json:"specChangeSeconds"`
	SpecChangeCalls    int     `json:"specChangeCalls"`
	SpecChangeNotReady int     `json:"specChangeNotReady"`

	DriftChecked   int `json:"driftChecked"`
	DriftCalls     int `json:"driftCalls"`
	DriftReadCalls int `json:"driftReadCalls"`
	// DriftKubeRequests counts the manager's Kubernetes API requests during the round: an
	// identity in sync is read from the API server when its check falls due.
	DriftKubeRequests int                `json:"driftKubeRequests"`
	DriftBatchMean    map[string]float64 `json:"driftBatchMean,omitempty"`
	DriftSeconds      float64            `json:"driftSeconds"`
	Drifted           int                `json:"drifted"`
	DriftCorrected    int                `json:"driftCorrected"`
}

func per1000(count, of int) float64 { return float64(count) * 1000 / float64(of) }

func growthPerIdentity(before, after int64, n int) float64 { return float64(after-before) / float64(n) }

// row is one line of the table: a figure in both modes and the goal it is held against.
type row struct {
	Name   string   `json:"name"`
	On     float64  `json:"on"`
	Off    float64  `json:"off"`
	Ratio  *float64 `json:"ratioOffOn,omitempty"`
	Target string   `json:"target,omitempty"`
	// digits to print; the JSON keeps full precision.
	digits int
}

type report struct {
	N            int           `json:"n"`
	Latency      string        `json:"salesforceLatencyPerCall"`
	ManagerFlags []string      `json:"extraManagerFlags"`
	Rows         []row         `json:"rows"`
	Modes        []*modeResult `json:"modes"`
}

func newReport(cfg config, on, off *modeResult) *report {
	r := &report{N: cfg.n, Latency: cfg.latency.String(), ManagerFlags: cfg.managerFlags, Modes: []*modeResult{on, off}}
	if off == nil {
		// Only one mode ran (a quick look while tuning): its column is printed twice and no
		// ratio is given.
		off, r.Modes = on, []*modeResult{on}
	}
	if r.ManagerFlags == nil {
		r.ManagerFlags = []string{}
	}
	add := func(name, target string, digits int, f func(m *modeResult) float64) {
		x := row{Name: name, On: f(on), Off: f(off), Target: target, digits: digits}
		if x.On != 0 && len(r.Modes) == 2 {
			ratio := x.Off / x.On
			x.Ratio = &ratio
		}
		r.Rows = append(r.Rows, x)
	}
	mib := func(b int64) float64 { return float64(b) / (1 << 20) }
	add("cold: creates sent (s)", "", 1, func(m *modeResult) float64 { return m.CreateSeconds })
	add("cold: apply → all Ready (s)", "≤ 60 at N=10,000", 1, func(m *modeResult) float64 { return m.AllReadySeconds })
	add("cold: apply→Ready p50 (ms)", "", 0, func(m *modeResult) float64 { return m.ApplyToReadyP50ms })
	add("cold: apply→Ready p95 (ms)", "", 0, func(m *modeResult) float64 { return m.ApplyToReadyP95ms })
	add("cold: SF calls / 1,000 identities", "≤ 3 (per-resource ≈ 2,000)", 1, func(m *modeResult) float64 { return per1000(m.ColdCalls, m.N) })
	add("cold: mean lookups per batched call", "", 0, func(m *modeResult) float64 { return m.ColdBatchMean["lookups"] })
	add("cold: mean saves per batched call", "", 0, func(m *modeResult) float64 { return m.ColdBatchMean["saves"] })
	add("cold: SF logins", "", 0, func(m *modeResult) float64 { return float64(m.ColdLogins) })
	add("cold: SF calls carrying lookups and saves together", "", 0, func(m *modeResult) float64 { return float64(m.ColdSharedCalls) })
	add("cold: kube API requests (manager)", "", 0, func(m *modeResult) float64 { return float64(m.ColdKubeRequests) })
	add("cold: kube API requests / identity", "", 2, func(m *modeResult) float64 { return float64(m.ColdKubeRequests) / float64(m.N) })
	add("memory: RSS baseline (MiB)", "", 1, func(m *modeResult) float64 { return mib(m.MemoryBaseline.RSS) })
	add("memory: RSS after all Ready (MiB)", "", 1, func(m *modeResult) float64 { return mib(m.MemoryAfter.RSS) })
	add("memory: RSS growth / identity (B)", "", 0, func(m *modeResult) float64 {
		return growthPerIdentity(m.MemoryBaseline.RSS, m.MemoryAfter.RSS, m.N)
	})
	add("memory: heap in use baseline (MiB)", "", 1, func(m *modeResult) float64 { return mib(m.MemoryBaseline.HeapInuse) })
	add("memory: heap in use after (MiB)", "", 1, func(m *modeResult) float64 { return mib(m.MemoryAfter.HeapInuse) })
	add("memory: heap in use growth / identity (B)", "", 0, func(m *modeResult) float64 {
		return growthPerIdentity(m.MemoryBaseline.HeapInuse, m.MemoryAfter.HeapInuse, m.N)
	})
	add("memory: live heap growth / identity (B)", "≤ 1,024", 0, func(m *modeResult) float64 {
		return growthPerIdentity(m.MemoryBaseline.HeapLive, m.MemoryAfter.HeapLive, m.N)
	})
	add("resync (restart): SF calls", "0", 0, func(m *modeResult) float64 { return float64(m.ResyncCalls) })
	add("resync (restart): SF logins", "", 0, func(m *modeResult) float64 { return float64(m.ResyncLogins) })
	add("resync (restart): time to idle (s)", "", 1, func(m *modeResult) float64 { return m.ResyncSeconds })
	add("resync (restart): kube API requests", "", 0, func(m *modeResult) float64 { return float64(m.ResyncKubeRequests) })
	add("single apply, idle: p50 (ms)", "", 0, func(m *modeResult) float64 { return m.SingleP50ms })
	add("single apply, idle: p95 (ms)", "≤ 1,000", 0, func(m *modeResult) float64 { return m.SingleP95ms })
	add("driftCheckInterval edit: SF calls / 1,000", "", 1, func(m *modeResult) float64 { return per1000(m.SpecChangeCalls, m.DriftChecked) })
	add("driftCheckInterval edit: time to idle (s)", "", 1, func(m *modeResult) float64 { return m.SpecChangeSeconds })
	add("driftCheckInterval edit: Ready→not Ready", "0", 0, func(m *modeResult) float64 { return float64(m.SpecChangeNotReady) })
	add("drift round: read-back calls / 1,000 checked", "≤ 1", 2, func(m *modeResult) float64 { return per1000(m.DriftReadCalls, m.DriftChecked) })
	add("drift round: mean read-backs per batched call", "", 0, func(m *modeResult) float64 { return m.DriftBatchMean["retrieves"] })
	add("drift round: all SF calls / 1,000 checked (with corrections)", "", 2, func(m *modeResult) float64 { return per1000(m.DriftCalls, m.DriftChecked) })
	add("drift round: records drifted (1%)", "", 0, func(m *modeResult) float64 { return float64(m.Drifted) })
	add("drift round: records corrected", "all drifted", 0, func(m *modeResult) float64 { return float64(m.DriftCorrected) })
	add("drift round: kube API requests / identity checked", "", 2, func(m *modeResult) float64 {
		return float64(m.DriftKubeRequests) / float64(m.DriftChecked)
	})
	add("drift round: edit → idle (s)", "", 1, func(m *modeResult) float64 { return m.DriftSeconds })
	return r
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nsalesforce-controller bench: N=%d identities, %s per Salesforce call", r.N, r.Latency)
	if len(r.ManagerFlags) > 0 {
		fmt.Fprintf(w, ", manager flags: %s", strings.Join(r.ManagerFlags, " "))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tbatching on\tbatching off\toff/on\ttarget\t")
	for _, x := range r.Rows {
		ratio := "—"
		if x.Ratio != nil && !math.IsInf(*x.Ratio, 0) {
			ratio = fmt.Sprintf("%.1f×", *x.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%.*f\t%.*f\t%s\t%s\t\n", x.Name, x.digits, x.On, x.digits, x.Off, ratio, x.Target)
	}
	_ = tw.Flush()
}

func (r *report) write(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
