package controllers

import (
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/destinations/salesforce-controller/salesforce"
)

// connection is one logged-in Salesforce client, shared by every identity of a destination.
type connection struct {
	client *salesforce.Client
	api    orgAPI
	// fingerprint covers everything the client was built from (spec and Secret content), so a
	// change to either builds a new client.
	fingerprint string
	// generation of the destination the client was built for; identities of a newer
	// generation wait for the destination to catch up.
	generation int64
	uid        types.UID
	budget     apiBudget
	close      func()
}

// apiBudget is the share of the org's daily allowance a destination may spend.
type apiBudget struct{ percent int32 }

// exhausted reports whether the org's reported usage has reached this destination's share.
// The org-wide figure is the only one Salesforce reports; it bounds this destination's own use
// from above, so the guard errs on the side of leaving calls to other integrations.
func (b apiBudget) exhausted(c *salesforce.Client) (bool, int, int) {
	used, max, ok := c.APIUsage()
	if !ok || max <= 0 || b.percent <= 0 {
		return false, used, max
	}
	return int64(used)*100 >= int64(max)*int64(b.percent), used, max
}

func (c *connection) budgetExhausted() bool {
	exhausted, _, _ := c.budget.exhausted(c.client)
	return exhausted
}

// registry holds the connection of every Ready destination, keyed by namespace/name.
type registry struct {
	mu    sync.RWMutex
	conns map[types.NamespacedName]*connection
}

func newRegistry() *registry {
	return &registry{conns: map[types.NamespacedName]*connection{}}
}

func (r *registry) get(key types.NamespacedName) *connection {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.conns[key]
}

func (r *registry) put(key types.NamespacedName, c *connection) {
	r.mu.Lock()
	old := r.conns[key]
	r.conns[key] = c
	r.mu.Unlock()
	if old != nil && old != c && old.close != nil {
		old.close()
	}
}

func (r *registry) drop(key types.NamespacedName) {
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
