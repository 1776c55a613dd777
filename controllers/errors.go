package controllers

import (
	"errors"
	"fmt"
	"strings"
	"time"

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

// syncFailure is a failure whose condition the sync itself chose (MultipleLeadsFound,
// LeadConverted, ...), as opposed to an error Salesforce returned.
type syncFailure struct {
	outcome
	requeueAfter time.Duration
}

func (f *syncFailure) Error() string { return f.message }

// classify turns a failed sync into the condition users see and what the workqueue does next:
// transient trouble keeps the IDs and backs off; permanent trouble stops until the resource,
// its destination or its Secret changes.
func classify(err error) (outcome, ctrl.Result, error) {
	var failure *syncFailure
	if errors.As(err, &failure) {
		if failure.stalled && failure.requeueAfter == 0 {
			return failure.outcome, ctrl.Result{}, reconcile.TerminalError(err)
		}
		return failure.outcome, ctrl.Result{RequeueAfter: failure.requeueAfter}, nil
	}
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
		return outcome{reason: reason, stalled: true, message: invalid.Error()}, ctrl.Result{}, reconcile.TerminalError(err)
	}
	switch {
	case salesforce.IsConcurrencyLimited(err):
		return outcome{reason: sfv1.ReasonAPILimitExceeded, progressing: true,
				message: fmt.Sprintf("Salesforce refused the call because too many long requests are running in the org at once; retrying in %s: %v", concurrencyRetry, err)},
			ctrl.Result{RequeueAfter: concurrencyRetry}, nil
	case salesforce.IsThrottled(err):
		return outcome{reason: sfv1.ReasonAPILimitExceeded, progressing: true,
				message: fmt.Sprintf("Salesforce refused the call because the org's API limit is reached; retrying in %s: %v", throttledRetry, err)},
			ctrl.Result{RequeueAfter: throttledRetry}, nil
	case salesforce.IsTransient(err), salesforce.IsAuth(err):
		// Authentication trouble mid-sync is the destination's to report; the identity
		// retries once the destination has logged in again.
		return outcome{reason: sfv1.ReasonSalesforceUnavailable, progressing: true,
			message: fmt.Sprintf("Salesforce call failed, retrying: %v", err)}, ctrl.Result{}, err
	case isSalesforceError(err):
		return outcome{reason: sfv1.ReasonSalesforceRejected, stalled: true,
			message: "Salesforce rejected the write: " + describe(err)}, ctrl.Result{}, reconcile.TerminalError(err)
	default:
		// Errors from the Kubernetes API (conflicts included) and anything unforeseen: retry.
		return outcome{reason: sfv1.ReasonSalesforceUnavailable, progressing: true,
			message: fmt.Sprintf("Sync failed, retrying: %v", err)}, ctrl.Result{}, err
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
