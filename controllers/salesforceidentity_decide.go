package controllers

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// step is what an identity needs next.
type step int

const (
	// stepNone: the records hold what the spec asks; nothing to do until the next check.
	stepNone step = iota
	// stepVerify: read the records back, for a drift check or to verify a write whose answer
	// was lost.
	stepVerify
	// stepApply: write the plan.
	stepApply
)

func (s step) String() string {
	return [...]string{"none", "verify", "apply"}[s]
}

// syncFacts are what decides the next step of an identity that is not being deleted (one that
// is goes to the deletion branch and is never planned: traits a create would refuse must not
// block a deletion). The identity index's fast path, which has no spec to plan from, and the
// full reconcile, which has, each establish written their own way and share the rest.
type syncFacts struct {
	// written: the last write that succeeded sent what the spec and the destination settings
	// ask for now, to every record the plan names, and no create is awaiting its outcome.
	written bool
	// checked is when the records were last confirmed, written or read back.
	checked *metav1.Time
	// verifyAfter is when a write whose answer was lost can no longer land.
	verifyAfter *metav1.Time
	// interval between drift checks; zero turns them off.
	interval time.Duration
}

// decision is the next step, and when to look again if nothing wakes the identity first
// (zero: only a change does).
type decision struct {
	step         step
	requeueAfter time.Duration
}

// decide is the one rule for what an identity needs next and when.
func decide(f syncFacts, now time.Time) decision {
	switch {
	case !f.written:
		return decision{step: stepApply}
	case driftCheckDue(f.checked, f.interval, now), f.verifyAfter != nil && !now.Before(f.verifyAfter.Time):
		return decision{step: stepVerify}
	}
	return decision{step: stepNone, requeueAfter: untilNextCheck(f.checked, f.interval, f.verifyAfter, now)}
}

// untilNextCheck is when an identity whose records were last confirmed at checked is next due
// a read-back: its drift check, or sooner the verification of a write whose answer was lost.
// Zero means never; otherwise at least a second.
func untilNextCheck(checked *metav1.Time, interval time.Duration, verifyAfter *metav1.Time, now time.Time) time.Duration {
	wait := untilDriftCheck(checked, interval, now)
	if verifyAfter != nil && (wait == 0 || verifyAfter.Sub(now) < wait) {
		wait = verifyAfter.Sub(now)
	}
	if wait != 0 && wait < time.Second {
		wait = time.Second
	}
	return wait
}

// driftCheckDue reports whether records last confirmed at checked are due a read-back.
func driftCheckDue(checked *metav1.Time, interval time.Duration, now time.Time) bool {
	return interval > 0 && (checked == nil || !now.Before(driftSlot(checked.Add(interval), interval)))
}

// untilDriftCheck is how long until records last confirmed at checked are due a read-back;
// zero when drift checks are off.
func untilDriftCheck(checked *metav1.Time, interval time.Duration, now time.Time) time.Duration {
	if interval <= 0 {
		return 0
	}
	last := now
	if checked != nil {
		last = checked.Time
	}
	return driftSlot(last.Add(interval), interval).Sub(now)
}

// driftSlot rounds a due time up to a grid of a tenth of the interval (at least 5 s), so the
// drift checks of identities synced within that tenth fall due together and are read back in
// one call; a check runs at most a tenth of the interval late.
func driftSlot(due time.Time, interval time.Duration) time.Time {
	slot := max(interval/10, 5*time.Second)
	rounded := due.Truncate(slot)
	if rounded.Before(due) {
		rounded = rounded.Add(slot)
	}
	return rounded
}

// lastChecked is when the records were last confirmed: written (recorded in the state) or
// read back without finding drift (recorded in status only).
func lastChecked(st syncState, status sfv1.SalesforceIdentityStatus) *metav1.Time {
	a, b := st.CheckedAt, status.LastDriftCheckTime
	if a == nil || (b != nil && b.After(a.Time)) {
		return b
	}
	return a
}
