package controllers

import (
	"errors"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// throttledRetry is how long an identity waits after Salesforce answered
// REQUEST_LIMIT_EXCEEDED for the daily allowance: the limit counts a rolling day, so hammering
// it achieves nothing. concurrencyRetry is the wait when the org only had too many long
// requests running at once, which passes as they finish.
const (
	throttledRetry   = 5 * time.Minute
	concurrencyRetry = 10 * time.Second
)

// A reconcile ends in one of four ways, and classify is the one place that decides which:
//
//   - terminal: retrying cannot help until the resource, its destination or its Secret
//     changes (Stalled, and reconcile.TerminalError so the workqueue lets go);
//   - waiting: a known wait, such as a rate limit or a lost answer's grace (Reconciling, and a
//     requeue at the end of the wait);
//   - quiet: a wait the user need not see (the destination is logging in, a read is under
//     way, our view of the object was stale); the conditions stay as they are;
//   - transient: anything else that may pass (an error, so the workqueue backs off).
type verdict struct {
	outcome
	result ctrl.Result
	err    error
	quiet  bool
}

// syncFailure is a failure whose condition the sync itself chose (MultipleLeadsFound,
// LeadConverted, ...), as opposed to an error Salesforce returned.
type syncFailure struct {
	outcome
	requeueAfter time.Duration
	// quiet: only a wait, with nothing for the user to see.
	quiet bool
}

func (f *syncFailure) Error() string {
	if f.quiet {
		return "waiting"
	}
	return f.message
}

// waitQuietly ends a reconcile that only waits, leaving the conditions as they are.
func waitQuietly(after time.Duration) error { return &syncFailure{quiet: true, requeueAfter: after} }

// classify turns a failed sync into the condition users see and what the workqueue does next:
// transient trouble keeps the IDs and backs off; permanent trouble stops until the resource,
// its destination or its Secret changes.
func classify(err error) verdict {
	var failure *syncFailure
	switch {
	case errors.As(err, &failure) && failure.quiet:
		return verdict{result: ctrl.Result{RequeueAfter: failure.requeueAfter}, quiet: true}
	case apierrors.IsConflict(err):
		// Our view of the object was stale; the newer version is already queued.
		return verdict{result: ctrl.Result{RequeueAfter: time.Second}, quiet: true}
	case failure != nil:
		if failure.stalled && failure.requeueAfter == 0 {
			return verdict{outcome: failure.outcome, err: reconcile.TerminalError(err)}
		}
		return verdict{outcome: failure.outcome, result: ctrl.Result{RequeueAfter: failure.requeueAfter}}
	}
	return classifyError(err)
}

// classifyError classifies the errors the sync did not choose: the mapping's, Salesforce's and
// the Kubernetes API's.
func classifyError(err error) verdict {
	var invalid *mapping.ValidationError
	if errors.As(err, &invalid) {
		reason := invalid.Reason
		switch reason {
		case mapping.ReasonMissingEmail:
			reason = sfv1.ReasonMissingEmail
		case mapping.ReasonInvalidExternalID:
			reason = sfv1.ReasonInvalidExternalID
		default:
			reason = sfv1.ReasonInvalidTraits
		}
		return verdict{outcome: outcome{reason: reason, stalled: true, message: invalid.Error()}, err: reconcile.TerminalError(err)}
	}
	switch {
	case salesforce.IsConcurrencyLimited(err):
		return verdict{outcome: outcome{reason: sfv1.ReasonAPILimitExceeded, progressing: true,
			message: fmt.Sprintf("Salesforce refused the call because too many long requests are running in the org at once; retrying in %s: %v", concurrencyRetry, err)},
			result: ctrl.Result{RequeueAfter: concurrencyRetry}}
	case salesforce.IsThrottled(err):
		return verdict{outcome: outcome{reason: sfv1.ReasonAPILimitExceeded, progressing: true,
			message: fmt.Sprintf("Salesforce refused the call because the org's API limit is reached; retrying in %s: %v", throttledRetry, err)},
			result: ctrl.Result{RequeueAfter: throttledRetry}}
	case salesforce.IsTransient(err), salesforce.IsAuth(err):
		// Authentication trouble mid-sync is the destination's to report; the identity
		// retries once the destination has logged in again.
		return verdict{outcome: outcome{reason: sfv1.ReasonSalesforceUnavailable, progressing: true,
			message: fmt.Sprintf("Salesforce call failed, retrying: %v", err)}, err: err}
	case isSalesforceError(err):
		return verdict{outcome: outcome{reason: sfv1.ReasonSalesforceRejected, stalled: true,
			message: "Salesforce rejected the write: " + describe(err)}, err: reconcile.TerminalError(err)}
	default:
		// Errors from the Kubernetes API (conflicts included) and anything unforeseen: retry.
		return verdict{outcome: outcome{reason: sfv1.ReasonSalesforceUnavailable, progressing: true,
			message: fmt.Sprintf("Sync failed, retrying: %v", err)}, err: err}
	}
}

// describe puts what a person needs first — where, the error code and the fields — and
// shortens Salesforce's own message, which may quote a whole oversized value.
func describe(err error) string {
	var sfErr *salesforce.Error
	if !errors.As(err, &sfErr) {
		return err.Error()
	}
	where := strings.TrimSuffix(err.Error(), sfErr.Error())
	var b strings.Builder
	b.WriteString(where)
	if sfErr.Operation != "" {
		b.WriteString(sfErr.Operation + ": ")
	}
	b.WriteString(sfErr.Code)
	if len(sfErr.Fields) > 0 {
		b.WriteString(" on " + strings.Join(sfErr.Fields, ", "))
	}
	if sfErr.Message != "" {
		b.WriteString(": " + truncate(sfErr.Message, 300))
	}
	return b.String()
}

func isSalesforceError(err error) bool {
	var sfErr *salesforce.Error
	return errors.As(err, &sfErr)
}
