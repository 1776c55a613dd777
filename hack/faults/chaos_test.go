//go:build faults

package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// fault is one installed emulator rule and how many calls it may hit.
type fault struct {
	name  string
	rule  faultRule
	id    string
	limit int
}

// dataPath limits faults to the REST API: logins have their own specs elsewhere.
const dataPath = "/services/data/"

// faultBudget is the Times of rate-based rules: high enough never to run out, and subtracting
// what is left gives how many calls a rule hit.
const faultBudget = 1_000_000

// faultPlan lists the misbehaviours, the REQUEST_LIMIT_EXCEEDED burst first so it answers
// the first calls of the run, before anything else gets a chance. lateWrites is the share of
// writes answered only after the client gave up, the misbehaviour that tests lost creates.
func faultPlan(lateWrites float64) []*fault {
	return []*fault{
		{name: "403 REQUEST_LIMIT_EXCEEDED (burst)", rule: faultRule{Preset: "REQUEST_LIMIT_EXCEEDED", PathContains: dataPath, Times: 10}, limit: 10},
		{name: "503 SERVER_UNAVAILABLE", rule: faultRule{Preset: "SERVER_UNAVAILABLE", PathContains: dataPath, Rate: 0.02, Times: faultBudget}, limit: faultBudget},
		{name: "502 Bad Gateway (HTML)", rule: faultRule{Preset: "BAD_GATEWAY", PathContains: dataPath, Rate: 0.015, Times: faultBudget}, limit: faultBudget},
		{name: "500 UNKNOWN_EXCEPTION", rule: faultRule{Preset: "UNKNOWN_EXCEPTION", PathContains: dataPath, Rate: 0.015, Times: faultBudget}, limit: faultBudget},
		{name: "400 UNABLE_TO_LOCK_ROW (writes)", rule: faultRule{Preset: "UNABLE_TO_LOCK_ROW", Method: "POST", PathContains: dataPath, Rate: 0.05, Times: faultBudget}, limit: faultBudget},
		{name: "400 UNABLE_TO_LOCK_ROW (updates)", rule: faultRule{Preset: "UNABLE_TO_LOCK_ROW", Method: "PATCH", PathContains: dataPath, Rate: 0.05, Times: faultBudget}, limit: faultBudget},
		{name: "hang past the client timeout", rule: faultRule{Preset: "HANG", PathContains: dataPath, Rate: 0.02, Times: faultBudget}, limit: faultBudget},
		// Processed after the client gave up: the write happens, its answer is lost.
		{name: "answer after the client timeout (write applied)", rule: faultRule{Method: "POST", PathContains: dataPath, Latency: "4s", Rate: lateWrites, Times: faultBudget}, limit: faultBudget},
	}
}

func (e *env) installFaults(ctx context.Context, plan []*fault) {
	for _, f := range plan {
		id, err := e.admin.addFault(ctx, f.rule)
		if err != nil {
			e.t.Fatal(err)
		}
		f.id = id
	}
}

// injected reads how many calls each rule hit; call it before clearing the rules.
func (e *env) injected(ctx context.Context, plan []*fault) map[string]int {
	left, err := e.admin.remainingTimes(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range plan {
		out[f.name] = f.limit - left[f.id]
	}
	return out
}

// waitBurstSpent waits until the REQUEST_LIMIT_EXCEEDED rule is used up. The controller backs
// off five minutes after that error; a manager restart afterwards starts every identity over.
func (e *env) waitBurstSpent(ctx context.Context, burst *fault) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		left, err := e.admin.remainingTimes(ctx)
		if err != nil {
			return err
		}
		if _, ok := left[burst.id]; !ok {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the REQUEST_LIMIT_EXCEEDED burst was not used up within 2m")
}

// event is one crash or outage of the schedule.
type event struct {
	name string
	run  func(context.Context) error
}

// chaosCounts says what the schedule did.
type chaosCounts struct {
	managerKills, apiserverRestarts, sessionExpiries int
}

// runSchedule runs kills, one kube-apiserver restart and one session expiry in random order
// with random gaps. The first kill comes first so that identities throttled by the burst
// start over.
func (e *env) runSchedule(ctx context.Context, rnd *rand.Rand, kills int) (chaosCounts, error) {
	var counts chaosCounts
	kill := event{"SIGKILL manager", func(ctx context.Context) error {
		e.killManager(ctx, time.Duration(rnd.IntN(2000))*time.Millisecond)
		counts.managerKills++
		return nil
	}}
	rest := []event{
		{"restart kube-apiserver", func(ctx context.Context) error {
			counts.apiserverRestarts++
			return e.cp.RestartAPIServer(ctx, e.dir)
		}},
		{"expire every Salesforce session", func(ctx context.Context) error {
			counts.sessionExpiries++
			return e.admin.expireSessions(ctx)
		}},
	}
	for range kills - 1 {
		rest = append(rest, kill)
	}
	rnd.Shuffle(len(rest), func(a, b int) { rest[a], rest[b] = rest[b], rest[a] })
	for _, ev := range append([]event{kill}, rest...) {
		gap := time.Duration(2000+rnd.IntN(8000)) * time.Millisecond
		time.Sleep(gap)
		e.ensureManager(ctx)
		started := time.Now()
		if err := ev.run(ctx); err != nil {
			return counts, fmt.Errorf("%s: %w", ev.name, err)
		}
		e.t.Logf("%s after a %s gap (took %s)", ev.name, gap.Round(time.Millisecond), time.Since(started).Round(time.Millisecond))
	}
	return counts, nil
}
