package controllers

import (
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// outcome is what one reconcile concluded, written to the kstatus conditions in one place so
// that Ready, Reconciling and Stalled never disagree.
type outcome struct {
	ready   bool
	reason  string
	message string
	// stalled: retrying cannot help until the resource, its destination or its Secret changes.
	stalled bool
	// progressing: work for this generation is still under way (transient failure included).
	progressing bool
}

// applyConditions sets Ready and adds or removes Reconciling and Stalled, which kstatus wants
// present only while true. LastTransitionTime moves only when a status flips, so repeated
// reconciles with the same outcome write nothing.
func applyConditions(conds *[]metav1.Condition, generation int64, o outcome) {
	status := metav1.ConditionFalse
	if o.ready {
		status = metav1.ConditionTrue
	}
	meta.SetStatusCondition(conds, metav1.Condition{
		Type: sfv1.ConditionReady, Status: status, Reason: o.reason,
		Message: truncate(o.message, 1024), ObservedGeneration: generation,
	})
	if o.progressing {
		meta.SetStatusCondition(conds, metav1.Condition{
			Type: sfv1.ConditionReconciling, Status: metav1.ConditionTrue, Reason: o.reason,
			Message: truncate(o.message, 1024), ObservedGeneration: generation,
		})
	} else {
		meta.RemoveStatusCondition(conds, sfv1.ConditionReconciling)
	}
	if o.stalled {
		meta.SetStatusCondition(conds, metav1.Condition{
			Type: sfv1.ConditionStalled, Status: metav1.ConditionTrue, Reason: o.reason,
			Message: truncate(o.message, 1024), ObservedGeneration: generation,
		})
	} else {
		meta.RemoveStatusCondition(conds, sfv1.ConditionStalled)
	}
}

func readyReason(conds []metav1.Condition) string {
	if c := meta.FindStatusCondition(conds, sfv1.ConditionReady); c != nil {
		return c.Reason
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
