//go:build faults

package faults

import (
	"context"
	"fmt"
	"github.com/destinations/salesforce-controller/hack/localenv"
	"net/http"
	"time"
)

// faultRule is a rule of the emulator's admin API (POST /_emulator/faults).
type faultRule struct {
	Preset       string  `json:"preset,omitempty"`
	Method       string  `json:"method,omitempty"`
	PathContains string  `json:"pathContains,omitempty"`
	Times        int     `json:"times,omitempty"`
	Rate         float64 `json:"rate,omitempty"`
	Latency      string  `json:"latency,omitempty"`
	Hang         bool    `json:"hang,omitempty"`
}

// emulatorAdmin drives the parts of the admin API localenv does not wrap.
type emulatorAdmin struct {
	url  string
	http *http.Client
}

func newEmulatorAdmin(url string) *emulatorAdmin {
	return &emulatorAdmin{url: url, http: &http.Client{Timeout: 10 * time.Second}}
}

func (a *emulatorAdmin) addFault(ctx context.Context, f faultRule) (string, error) {
	var out struct {
		ID int `json:"id"`
	}
	err := a.call(ctx, http.MethodPost, "/_emulator/faults", f, &out)
	return fmt.Sprint(out.ID), err
}

// remainingTimes maps each installed rule to the matches it has left; exhausted rules are gone.
func (a *emulatorAdmin) remainingTimes(ctx context.Context) (map[string]int, error) {
	var rules map[string]faultRule
	if err := a.call(ctx, http.MethodGet, "/_emulator/faults", nil, &rules); err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rules))
	for id, r := range rules {
		out[id] = r.Times
	}
	return out, nil
}

func (a *emulatorAdmin) clearFaults(ctx context.Context) error {
	return a.call(ctx, http.MethodDelete, "/_emulator/faults", nil, nil)
}

func (a *emulatorAdmin) expireSessions(ctx context.Context) error {
	return a.call(ctx, http.MethodPost, "/_emulator/sessions/expire", nil, nil)
}

func (a *emulatorAdmin) call(ctx context.Context, method, path string, body, out any) error {
	return localenv.CallEmulatorAdmin(ctx, a.http, a.url, method, path, body, out)
}
