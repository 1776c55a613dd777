// Package leadguard keeps Lead creates from duplicating across restarts and lost answers
// without a write per identity before each create. It exists because a Lead is found again
// by its email: one mark per destination tells a restarted controller that creates may still
// be in flight, at one write per grace period instead of one per Lead.
package leadguard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// Guard guards one process's Lead creates. A per-identity pending marker would only tell a
// restarted controller that a create may still be in flight; one mark per destination says
// the same for all of them:
//
//   - before sending Lead creates, this process stores on the destination until when they
//     may still land;
//   - a process that starts while an earlier process's mark is live holds its Lead creates
//     until the earlier process's requests can no longer land;
//   - a create whose answer this process lost is remembered here (and in the identity's state
//     once that can be written), and the identity waits out the grace before looking it up.
type Guard struct {
	client  client.Client
	process string
	grace   time.Duration
	now     func() time.Time

	mu sync.Mutex
	// startedAt is when this process began reconciling (after winning the leader election,
	// not when it was launched): requests of an earlier leader were sent before it.
	startedAt time.Time
	marks     map[types.UID]time.Time // destination → the mark this process stored
	holds     map[types.UID]time.Time // destination → until an earlier process's creates may land
	// flights tracks, per destination, the Lead creates under way, so the mark can be taken
	// back once none is: a restart shortly after a bulk apply then holds nothing.
	flights map[types.UID]*leadFlights
	// unanswered maps an identity to when its latest create (of a Lead or an externalId
	// record) came back without an answer.
	unanswered map[types.UID]time.Time
}

// New returns a guard that marks destinations through c; grace is how long a create's
// request may still land after it was sent.
func New(c client.Client, grace time.Duration, now func() time.Time) *Guard {
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	return &Guard{client: c, process: hex.EncodeToString(id), grace: grace, now: now,
		marks: map[types.UID]time.Time{}, holds: map[types.UID]time.Time{}, unanswered: map[types.UID]time.Time{},
		flights: map[types.UID]*leadFlights{}}
}

// Started records when this process began reconciling; only the first call counts.
func (g *Guard) Started() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.startedAt.IsZero() {
		g.startedAt = g.now()
	}
}

// StartTime is when this process began reconciling; zero before Started.
func (g *Guard) StartTime() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.startedAt
}

// HoldUntil is when this process may send its first Lead create to dest. It is worked out the
// first time the destination is seen, before this process stores a mark of its own.
func (g *Guard) HoldUntil(dest *sfv1.SalesforceDestination) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if hold, ok := g.holds[dest.UID]; ok {
		return hold
	}
	var hold time.Time
	if process, until, ok := parseLeadMark(dest.Annotations[sfv1.AnnotationLeadCreates]); ok && process != g.process && until.After(g.startedAt) {
		// The earlier process stopped before this one started; what it sent lands within a
		// grace period of that, and never after its own mark.
		hold = g.startedAt.Add(g.grace)
		if until.Before(hold) {
			hold = until
		}
	}
	g.holds[dest.UID] = hold
	return hold
}

// BeforeCreate makes sure the destination's mark covers a create sent now, writing a new one
// (good for two grace periods) when the stored one would lapse within a grace period, and
// counts the create as under way until Sent is called. Concurrent reconciles wait for the one
// write.
func (g *Guard) BeforeCreate(ctx context.Context, dest *sfv1.SalesforceDestination) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := types.NamespacedName{Namespace: dest.Namespace, Name: dest.Name}
	now := g.now()
	if until, ok := g.marks[dest.UID]; !ok || !now.Add(g.grace).Before(until) {
		until = now.Add(2 * g.grace)
		if err := g.storeMark(ctx, dest.UID, key, until); err != nil {
			return fmt.Errorf("mark Lead creates in flight on SalesforceDestination %q: %w", dest.Name, err)
		}
		g.marks[dest.UID] = until
	}
	f := g.flights[dest.UID]
	if f == nil {
		f = &leadFlights{key: key}
		g.flights[dest.UID] = f
	}
	f.inFlight++
	return nil
}

// storeMark writes this process's mark on the destination. g.mu must be held.
func (g *Guard) storeMark(ctx context.Context, uid types.UID, key types.NamespacedName, until time.Time) error {
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{
		"uid":         uid, // refuses the patch if the destination was replaced meanwhile
		"annotations": map[string]string{sfv1.AnnotationLeadCreates: g.process + " " + until.UTC().Format(time.RFC3339Nano)},
	}})
	target := &sfv1.SalesforceDestination{}
	target.Namespace, target.Name = key.Namespace, key.Name
	return g.client.Patch(ctx, target, client.RawPatch(types.MergePatchType, patch))
}

// leadFlights is one destination's Lead creates under way.
type leadFlights struct {
	key      types.NamespacedName
	inFlight int
	// lost is when a create last came back unanswered: it may land until a grace later.
	lost  time.Time
	timer *time.Timer
}

// idleBeforeLowering is how long a destination must have had no Lead create under way
// before its mark is taken back: long enough that a trickle of creates does not write the
// mark twice each.
const idleBeforeLowering = 10 * time.Second

// Sent notes that a Lead create came back, answered or not. Once none is under way, and no
// unanswered one can still land, the mark is taken back after idleBeforeLowering.
func (g *Guard) Sent(dest *sfv1.SalesforceDestination, answered bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.flights[dest.UID]
	if f == nil {
		return
	}
	f.inFlight--
	if !answered {
		f.lost = g.now()
	}
	if f.inFlight > 0 {
		return
	}
	wait := max(idleBeforeLowering, f.lost.Add(g.grace).Sub(g.now()))
	if f.timer != nil {
		f.timer.Stop()
	}
	uid := dest.UID
	f.timer = time.AfterFunc(wait, func() { g.lower(uid) })
}

// Start waits for the manager to stop and then takes back the marks of destinations with no
// Lead create under way, so a graceful restart (a rolling update) holds nothing; after a
// crash the marks stay and the next process waits them out.
func (g *Guard) Start(ctx context.Context) error {
	<-ctx.Done()
	g.mu.Lock()
	uids := make([]types.UID, 0, len(g.flights))
	for uid := range g.flights {
		uids = append(uids, uid)
	}
	g.mu.Unlock()
	for _, uid := range uids {
		g.lower(uid)
	}
	return nil
}

// NeedLeaderElection: only the leader sends creates, so only its marks need taking back.
func (g *Guard) NeedLeaderElection() bool { return true }

// lower takes the destination's mark back to now, if nothing was sent since it was planned.
func (g *Guard) lower(uid types.UID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.flights[uid]
	now := g.now()
	if f == nil || f.inFlight > 0 || now.Before(f.lost.Add(g.grace)) || !g.marks[uid].After(now) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := g.storeMark(ctx, uid, f.key, now); err != nil {
		return // the mark stays as it was: a restart waits, which is safe
	}
	g.marks[uid] = now
	delete(g.flights, uid)
}

// LostAnswer remembers that the identity's Lead create came back without an answer.
func (g *Guard) LostAnswer(identity types.UID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.unanswered[identity] = g.now()
}

// WaitForLost is how long the identity must still wait before looking up a Lead whose create
// came back unanswered in this process; 0 once it can no longer land (and forgets it).
func (g *Guard) WaitForLost(identity types.UID) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	at, ok := g.unanswered[identity]
	if !ok {
		return 0
	}
	if wait := at.Add(g.grace).Sub(g.now()); wait > 0 {
		return wait
	}
	delete(g.unanswered, identity)
	return 0
}

func parseLeadMark(v string) (process string, until time.Time, ok bool) {
	process, at, found := strings.Cut(v, " ")
	if !found {
		return "", time.Time{}, false
	}
	until, err := time.Parse(time.RFC3339Nano, at)
	return process, until, err == nil
}
