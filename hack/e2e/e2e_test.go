//go:build e2e

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/hack/localenv"
)

// TestEndToEnd runs the specs in order on one installation: later specs build on the
// identities earlier ones created, and the last two read everything the run produced.
func TestEndToEnd(t *testing.T) {
	s := setUp(t)
	t.Run("lead identity becomes Ready and creates the mapped Lead", s.specLeadCreated)
	t.Run("patching traits updates the Lead", s.specLeadUpdated)
	t.Run("externalId identity updates the seeded Contact", s.specContactUpdated)
	t.Run("wrong password makes the destination AuthenticationFailed", s.specWrongPassword)
	t.Run("status.records tell what was done to the Lead, with no event per record", s.specCreatedRecorded)
	t.Run("metrics expose Salesforce and reconcile counters", s.specMetrics)
	t.Run("statuses and metric names are saved for the operations checks", s.specCaptureForOps)
	t.Run("deleting an identity with deletionPolicy Delete deletes its Lead", s.specDeletePolicy)
	t.Run("kubectl get prints the status columns", s.specColumns)
	t.Run("the README's migration guide moves the destination to the JWT bearer flow", s.specMigrationGuide)
	t.Run("manager log has no forbidden errors", s.specNoForbidden)
	t.Run("no credential appears in logs, events, resources or metrics", s.specNoSecretsLeak)
}

// eventually polls check for up to a minute: the controller reacts to kubectl asynchronously.
func eventually(t *testing.T, what string, check func(ctx context.Context) (bool, string, error)) {
	t.Helper()
	if err := localenv.Poll(context.Background(), 250*time.Millisecond, time.Minute, check); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
