package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// emulator is the salesforce-emulator process of one mode and a client of its admin API.
// localenv.StartEmulator takes no latency or limit flags, so the bench starts the binary itself.
type emulator struct {
	proc *localenv.Process
	url  string
	http *http.Client
}

// dailyLimit is far above what any run spends, so the budget guard never steps in.
const dailyLimit = 100_000_000

func startEmulator(ctx context.Context, bin, dir string, latency time.Duration) (*emulator, error) {
	addr, err := localenv.FreeAddr()
	if err != nil {
		return nil, err
	}
	args := []string{"--addr", addr, "--latency", latency.String(), "--daily-limit", strconv.Itoa(dailyLimit)}
	proc, err := localenv.StartProcess("salesforce-emulator", bin, args, nil, filepath.Join(dir, "emulator.log"), nil)
	if err != nil {
		return nil, err
	}
	e := &emulator{proc: proc, url: "http://" + addr, http: &http.Client{Timeout: 30 * time.Second}}
	err = proc.WaitWhileRunning(ctx, 100*time.Millisecond, 30*time.Second, func(ctx context.Context) (bool, string, error) {
		if _, err := e.counters(ctx); err != nil {
			return false, err.Error(), nil
		}
		return true, "", nil
	})
	if err != nil {
		_ = proc.Stop(5 * time.Second)
		return nil, err
	}
	return e, nil
}

// counters are the emulator's usage figures. Logins are not API calls: Salesforce does not
// count them against the daily allowance and neither does the emulator.
type counters struct {
	APICallsUsed int `json:"apiCallsUsed"`
	Logins       int `json:"logins"`
}

func (e *emulator) counters(ctx context.Context) (counters, error) {
	var c counters
	err := e.admin(ctx, http.MethodGet, "/_emulator/counters", nil, &c)
	return c, err
}

// setFields changes a record as a user in the Salesforce UI would, outside the controller.
func (e *emulator) setFields(ctx context.Context, sobject, id string, fields map[string]any) error {
	return e.admin(ctx, http.MethodPatch, "/_emulator/records/"+sobject+"/"+id, fields, nil)
}

func (e *emulator) record(ctx context.Context, sobject, id string) (map[string]any, error) {
	var rec map[string]any
	err := e.admin(ctx, http.MethodGet, "/_emulator/records/"+sobject+"/"+id, nil, &rec)
	return rec, err
}

func (e *emulator) admin(ctx context.Context, method, path string, body, out any) error {
	return localenv.CallEmulatorAdmin(ctx, e.http, e.url, method, path, body, out)
}
