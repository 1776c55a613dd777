package controllers

import (
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"

	"github.com/destinations/salesforce-controller/salesforce"
)

// connection is one logged-in Salesforce client, shared by every identity of a destination.
type connection struct {
	client *salesforce.Client
	api    orgAPI
	// external is what identity reconciles call: api, and the client for what only it does.
	external externalClient
	// fingerprint covers everything the client was built from (spec and Secret content), so a
	// change to either builds a new client.
	fingerprint string
	// login is the loginKey of the destination spec the client was built for; identities
	// wait while the destination catches up with a new one.
	login string
	uid   types.UID
	close func()
}

// apiBudget is the share of the org's daily allowance a destination may spend.
type apiBudget struct{ percent int32 }

// exhausted reports whether the org's reported usage has reached this destination's share.
// The org-wide figure is the only one Salesforce reports; it bounds this destination's own use
// from above, so the guard errs on the side of leaving calls to other integrations.
func (b apiBudget) exhausted(usage func() (used, max int, ok bool)) (bool, int, int) {
	used, max, ok := usage()
	if !ok || max <= 0 || b.percent <= 0 {
		return false, used, max
	}
	return int64(used)*100 >= int64(max)*int64(b.percent), used, max
}

// connections holds the connection of every Ready destination, keyed by namespace/name.
type connections struct {
	mu    sync.RWMutex
	conns map[types.NamespacedName]*connection
	// relogins wakes the destination controller when an identity finds its destination's
	// credentials no longer accepted, so the destination reports it at once.
	relogins chan event.GenericEvent
}

func newConnections() *connections {
	return &connections{conns: map[types.NamespacedName]*connection{}, relogins: make(chan event.GenericEvent, 1024)}
}

// invalidate drops a connection Salesforce stopped accepting and asks the destination
// controller to log in again (and report the outcome).
func (r *connections) invalidate(key types.NamespacedName, conn *connection) {
	r.mu.Lock()
	current := r.conns[key] == conn
	if current {
		delete(r.conns, key)
	}
	r.mu.Unlock()
	if !current {
		return // someone already replaced it
	}
	if conn.close != nil {
		conn.close()
	}
	select {
	case r.relogins <- event.GenericEvent{Object: &sfv1.SalesforceDestination{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}}:
	default: // the queue is full of wake-ups already
	}
}

func (r *connections) get(key types.NamespacedName) *connection {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.conns[key]
}

func (r *connections) put(key types.NamespacedName, c *connection) {
	r.mu.Lock()
	old := r.conns[key]
	r.conns[key] = c
	r.mu.Unlock()
	if old != nil && old != c && old.close != nil {
		old.close()
	}
}

func (r *connections) drop(key types.NamespacedName) {
	r.mu.Lock()
	old := r.conns[key]
	delete(r.conns, key)
	r.mu.Unlock()
	if old != nil && old.close != nil {
		old.close()
	}
}

func normalizeEmail(email string) string { return strings.ToLower(email) }

// retryAfterBudget is when an identity waiting on an exhausted budget looks again. Salesforce
// counts usage over a rolling 24 hours, so capacity returns gradually.
const retryAfterBudget = 15 * time.Minute
