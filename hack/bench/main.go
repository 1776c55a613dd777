// Command bench measures the controller with Salesforce batching on and then off, against a
// local control plane and the emulator with a fixed latency per call, and prints one table of
// both modes side by side (also written as JSON).
//
//	go run ./hack/bench                    # N=1,000
//	BENCH_N=10000 go run ./hack/bench      # the big run
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// defaultManagerFlags is empty: the bench measures the manager as it ships. Extra flags
// (e.g. a lower --kube-api-qps) show what a limit costs.
const defaultManagerFlags = ""

// config is what one bench run varies.
type config struct {
	n              int
	out            string
	latency        time.Duration
	driftInterval  time.Duration
	singles        int
	creators       int
	profileSeconds int
	managerFlags   []string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg := config{}
	flag.IntVar(&cfg.n, "n", envInt("BENCH_N", 1000), "identities applied per mode (env BENCH_N)")
	flag.StringVar(&cfg.out, "out", envString("BENCH_OUT", "bench-results.json"), "where the JSON results go (env BENCH_OUT)")
	flag.DurationVar(&cfg.latency, "latency", 50*time.Millisecond, "latency the emulator adds to every Salesforce call")
	flag.DurationVar(&cfg.driftInterval, "drift-interval", 0, "driftCheckInterval set on the destination for the drift round (default 1m, longer for large N)")
	flag.IntVar(&cfg.singles, "singles", 20, "sequential single applies on the idle system")
	flag.IntVar(&cfg.creators, "creators", 32, "concurrent clients creating the identities")
	flag.IntVar(&cfg.profileSeconds, "profile-seconds", 20, "CPU profile of the manager during the batching-on cold sync; 0 turns it off")
	modes := flag.String("modes", "on,off", "batching modes to run, in order; one mode alone gives no ratios")
	extra := flag.String("manager-flags", envString("BENCH_MANAGER_FLAGS", defaultManagerFlags), "extra manager flags, space-separated (env BENCH_MANAGER_FLAGS)")
	flag.Parse()
	cfg.managerFlags = strings.Fields(*extra)
	if cfg.driftInterval <= 0 {
		// The edit that shortens the interval rewrites every identity first; the round must
		// start after that rewrite ends, which takes longer the more identities there are.
		cfg.driftInterval = max(time.Minute, time.Duration(cfg.n)*12*time.Millisecond)
	}
	if cfg.n < 100 {
		return fmt.Errorf("-n must be at least 100 so that 1%% of the records can drift")
	}

	root, err := localenv.RepoRoot()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(cfg.out) {
		cfg.out = filepath.Join(root, cfg.out)
	}
	work, err := os.MkdirTemp("", "salesforce-bench-")
	if err != nil {
		return err
	}
	logf("control-plane binaries")
	assets, err := localenv.ControlPlaneAssets(ctx, root, os.Stderr)
	if err != nil {
		return err
	}
	logf("building the manager and the emulator")
	bins, err := localenv.BuildBinaries(ctx, root, filepath.Join(work, "bin"))
	if err != nil {
		return err
	}

	var results []*modeResult
	var runModes []bool
	for _, m := range strings.Split(*modes, ",") {
		switch m {
		case "on", "off":
			runModes = append(runModes, m == "on")
		default:
			return fmt.Errorf("-modes: %q is neither on nor off", m)
		}
	}
	for _, batching := range runModes {
		b := &bench{cfg: cfg, root: root, assets: assets, bins: bins, batching: batching,
			dir: filepath.Join(work, modeName(batching))}
		res, err := b.run(ctx)
		if err != nil {
			return fmt.Errorf("batching %s: %w (logs in %s)", modeName(batching), err, b.dir)
		}
		results = append(results, res)
	}
	var off *modeResult
	if len(results) > 1 {
		off = results[1]
	}
	report := newReport(cfg, results[0], off)
	report.print(os.Stdout)
	if err := report.write(cfg.out); err != nil {
		return err
	}
	fmt.Printf("\nwritten to %s\n", cfg.out)
	// Logs stay behind only when a run fails, to say why.
	return os.RemoveAll(work)
}

func modeName(batching bool) string {
	if batching {
		return "on"
	}
	return "off"
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func envString(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// logf reports progress on stderr, so stdout holds only the table.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}
