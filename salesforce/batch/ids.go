package batch

import (
	"strings"

	"github.com/destinations/salesforce-controller/salesforce"
)

// idKey gives the 15- and 18-character forms of one ID the same key, so the
// same record is never sent twice in one collection. A malformed ID is kept
// as it is; Salesforce will judge it.
func idKey(id string) string {
	if full, err := salesforce.To18(id); err == nil {
		return full
	}
	return id
}

// emailKey is how the client keys FindLeadsByEmail results.
func emailKey(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}
