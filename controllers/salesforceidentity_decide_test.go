package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDecide(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 30, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { return &metav1.Time{Time: now.Add(d)} }
	cases := map[string]struct {
		facts syncFacts
		want  decision
	}{
		"never written: apply": {
			syncFacts{interval: time.Hour}, decision{step: stepApply},
		},
		"written long ago with drift checks off: nothing, ever": {
			syncFacts{written: true, checked: at(-1000 * time.Hour)}, decision{step: stepNone},
		},
		"written, check not due: nothing until the check's slot": {
			// Checked at 10:00 with a one-hour interval: due in the 6-minute slot at 11:00.
			syncFacts{written: true, checked: at(-30 * time.Minute), interval: time.Hour},
			decision{step: stepNone, requeueAfter: 30 * time.Minute},
		},
		"written, checked inside a slot: the check waits for the slot's end": {
			syncFacts{written: true, checked: at(-28 * time.Minute), interval: time.Hour},
			decision{step: stepNone, requeueAfter: 36 * time.Minute},
		},
		"written, never checked: verify": {
			syncFacts{written: true, interval: time.Hour}, decision{step: stepVerify},
		},
		"written, check due: verify": {
			syncFacts{written: true, checked: at(-61 * time.Minute), interval: time.Hour}, decision{step: stepVerify},
		},
		"a lost write can no longer land: verify, drift checks off or not": {
			syncFacts{written: true, checked: at(-time.Minute), verifyAfter: at(-time.Second)}, decision{step: stepVerify},
		},
		"a lost write may still land: look again when it cannot": {
			syncFacts{written: true, checked: at(-time.Minute), verifyAfter: at(12 * time.Second), interval: time.Hour},
			decision{step: stepNone, requeueAfter: 12 * time.Second},
		},
		"a lost write lands within a second: look again in a second, not at once": {
			syncFacts{written: true, checked: at(-time.Minute), verifyAfter: at(time.Millisecond)},
			decision{step: stepNone, requeueAfter: time.Second},
		},
		"not written, whatever the clock says: apply": {
			syncFacts{checked: at(-61 * time.Minute), verifyAfter: at(-time.Second), interval: time.Hour}, decision{step: stepApply},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := decide(tc.facts, now); got != tc.want {
				t.Errorf("decide = {%v %v}, want {%v %v}", got.step, got.requeueAfter, tc.want.step, tc.want.requeueAfter)
			}
		})
	}
}
