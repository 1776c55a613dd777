package controllers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

func TestClassify(t *testing.T) {
	cases := map[string]struct {
		err          error
		reason       string
		stalled      bool
		terminal     bool
		retryErr     bool
		requeueAfter time.Duration
	}{
		"MissingEmail": {
			err:    &mapping.ValidationError{Reason: mapping.ReasonMissingEmail, Message: "the Lead flow needs an email trait"},
			reason: sfv1.ReasonMissingEmail, stalled: true, terminal: true,
		},
		"InvalidExternalID": {
			err:    &mapping.ValidationError{Reason: mapping.ReasonInvalidExternalID, Message: "externalId[0] id is not a Salesforce ID"},
			reason: sfv1.ReasonInvalidExternalID, stalled: true, terminal: true,
		},
		"InvalidTraits": {
			err:    &mapping.ValidationError{Reason: mapping.ReasonInvalidTraits, Trait: "prefs", Message: "object value"},
			reason: sfv1.ReasonInvalidTraits, stalled: true, terminal: true,
		},
		"RequestLimitExceeded": {
			err:    &salesforce.Error{StatusCode: 403, Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."},
			reason: sfv1.ReasonAPILimitExceeded, requeueAfter: throttledRetry,
		},
		"ConcurrentRequestsLimit": {
			err:    &salesforce.Error{StatusCode: 403, Code: "REQUEST_LIMIT_EXCEEDED", Message: "ConcurrentRequests (Concurrent API Requests) Limit exceeded."},
			reason: sfv1.ReasonAPILimitExceeded, requeueAfter: concurrencyRetry,
		},
		"ConcurrentLongTransactionsLimit": {
			err:    &salesforce.Error{StatusCode: 403, Code: "REQUEST_LIMIT_EXCEEDED", Message: "ConcurrentPerOrgLongTxn Limit exceeded."},
			reason: sfv1.ReasonAPILimitExceeded, requeueAfter: concurrencyRetry,
		},
		"ServerUnavailable": {
			err:    &salesforce.Error{StatusCode: 503, Code: "SERVER_UNAVAILABLE", Message: "down"},
			reason: sfv1.ReasonSalesforceUnavailable, retryErr: true,
		},
		"RowLock": {
			err:    &salesforce.Error{StatusCode: 400, Code: "UNABLE_TO_LOCK_ROW", Message: "unable to obtain exclusive access"},
			reason: sfv1.ReasonSalesforceUnavailable, retryErr: true,
		},
		"NetworkTimeout": {
			err:    fmt.Errorf("post: %w", context.DeadlineExceeded),
			reason: sfv1.ReasonSalesforceUnavailable, retryErr: true,
		},
		"UnknownField": {
			err:    &salesforce.Error{StatusCode: 400, Code: "INVALID_FIELD", Message: "No such column 'x__c' on sobject of type Lead"},
			reason: sfv1.ReasonSalesforceRejected, stalled: true, terminal: true,
		},
		"LeadConvertedFailure": {
			err:    &syncFailure{outcome: outcome{reason: sfv1.ReasonLeadConverted, stalled: true, message: "converted"}},
			reason: sfv1.ReasonLeadConverted, stalled: true, terminal: true,
		},
		"MultipleLeadsFailure": {
			err:    &syncFailure{outcome: outcome{reason: sfv1.ReasonMultipleLeadsFound, stalled: true, message: "two"}, requeueAfter: time.Minute},
			reason: sfv1.ReasonMultipleLeadsFound, stalled: true, requeueAfter: time.Minute,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v := classify(tc.err)
			if v.quiet {
				t.Fatalf("quiet verdict for %v: the user would not see it", tc.err)
			}
			o, res, err := v.outcome, v.result, v.err
			if o.reason != tc.reason || o.stalled != tc.stalled {
				t.Fatalf("outcome = %+v; want reason %s stalled %v", o, tc.reason, tc.stalled)
			}
			if got := errors.Is(err, reconcile.TerminalError(nil)); got != tc.terminal {
				t.Errorf("terminal = %v; want %v (err %v)", got, tc.terminal, err)
			}
			if got := err != nil && !tc.terminal; got != tc.retryErr {
				t.Errorf("returns a retryable error = %v; want %v", got, tc.retryErr)
			}
			if res.RequeueAfter != tc.requeueAfter {
				t.Errorf("RequeueAfter = %v; want %v", res.RequeueAfter, tc.requeueAfter)
			}
			if o.message == "" {
				t.Error("empty message")
			}
		})
	}
}

// TestEveryReasonIsExercised keeps the promise that each condition reason the API documents
// is reached by at least one test of this package.
func TestEveryReasonIsExercised(t *testing.T) {
	api, err := os.ReadFile(filepath.Join("..", "api", "v1alpha1", "conditions.go"))
	if err != nil {
		t.Fatal(err)
	}
	tests, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var corpus strings.Builder
	for _, f := range tests {
		if f == "errors_test.go" {
			// Only this file's classify table counts from here, checked below.
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpus.Write(b)
	}
	self, _ := os.ReadFile("errors_test.go")
	classifyTable := string(self[:strings.Index(string(self), "// TestEveryReasonIsExercised")])
	for _, m := range regexp.MustCompile(`(?m)^\s+(Reason\w+)\s+=`).FindAllStringSubmatch(string(api), -1) {
		name := "sfv1." + m[1]
		if !strings.Contains(corpus.String(), name) && !strings.Contains(classifyTable, name) {
			t.Errorf("%s is documented in api/v1alpha1/conditions.go but no test reaches it", m[1])
		}
	}
}
