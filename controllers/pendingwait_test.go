package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers/internal/leadguard"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// A create may wait for its batch before it is sent, so the wait for a lost answer counts
// from when it came back unanswered, also when that time could not be written down.
func TestPendingWait(t *testing.T) {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	const timeout = 3 * time.Second // grace: twice this
	at := func(d time.Duration) *metav1.Time { return &metav1.Time{Time: start.Add(d)} }
	tests := []struct {
		name       string
		since      time.Duration
		unanswered *metav1.Time
		lostHere   time.Duration // when this process saw it unanswered; 0: it did not
		now        time.Duration
		want       time.Duration
	}{
		{"marked unanswered: the grace counts from then", 10 * time.Second, at(15 * time.Second), 0, 16 * time.Second, 5 * time.Second},
		{"sent by a process that stopped: the grace counts from this one's start", -time.Minute, nil, 0, time.Second, 5 * time.Second},
		{"unanswered here but never written down: from the lost answer, not from the marker", 10 * time.Second, nil, 15 * time.Second, 17 * time.Second, 4 * time.Second},
		{"long past every grace", 10 * time.Second, nil, 15 * time.Second, time.Minute, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: start}
			r := &IdentityReconciler{Options: Options{SalesforceTimeout: timeout}}
			r.leads = leadguard.New(nil, r.pendingGrace(), clk.now)
			r.leads.Started() // this process began reconciling at start
			obj := &sfv1.SalesforceIdentity{ObjectMeta: metav1.ObjectMeta{UID: "id-1"}}
			if tt.lostHere > 0 {
				clk.t = start.Add(tt.lostHere)
				r.leads.LostAnswer(obj.UID)
			}
			clk.t = start.Add(tt.now)
			s := &identitySync{r: r, obj: obj, now: clk.t}
			p := &pendingCreate{Key: externalIDKey(0), Type: "Account", Since: *at(tt.since), Unanswered: tt.unanswered}
			if got := max(s.pendingWait(p), 0); got != tt.want {
				t.Errorf("pendingWait = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifyAfter(t *testing.T) {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	const grace = 6 * time.Second
	at := func(d time.Duration) *metav1.Time { return &metav1.Time{Time: start.Add(d)} }
	tests := []struct {
		name    string
		current *metav1.Time
		lostAt  time.Time
		want    time.Time
	}{
		// A reconcile that began at start waited 4s for its batch; its write timed out 3s later.
		{"counted from the lost answer, not the reconcile's start", nil, start.Add(7 * time.Second), start.Add(13 * time.Second)},
		{"an earlier loss with a later deadline stands", at(20 * time.Second), start.Add(7 * time.Second), start.Add(20 * time.Second)},
		{"a later loss moves the deadline", at(8 * time.Second), start.Add(7 * time.Second), start.Add(13 * time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verifyAfter(tt.current, tt.lostAt, grace); !got.Time.Equal(tt.want) {
				t.Errorf("verifyAfter = %v, want %v", got.Time, tt.want)
			}
		})
	}
}
