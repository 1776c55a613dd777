package batch

import (
	"context"
	"slices"

	"github.com/destinations/salesforce-controller/salesforce"
)

// FindLeadsByEmail returns the Leads whose Email matches email,
// case-insensitively; none is an empty result, not an error.
func (b *Coalescer) FindLeadsByEmail(ctx context.Context, email string) ([]salesforce.LeadMatch, error) {
	return b.lookups.submit(ctx, email)
}

func (b *Coalescer) flushLookups(ctx context.Context, emails []string) []outcome[[]salesforce.LeadMatch] {
	var unique []string
	seen := map[string]bool{}
	for _, e := range emails {
		if key := emailKey(e); key != "" && !seen[key] {
			seen[key] = true
			unique = append(unique, e)
		}
	}
	found, err := b.client.FindLeadsByEmail(ctx, unique)
	out := make([]outcome[[]salesforce.LeadMatch], len(emails))
	for i, e := range emails {
		if err != nil {
			out[i].err = err
			continue
		}
		// Each caller gets its own slice, so one cannot change another's answer.
		out[i].val = slices.Clone(found[emailKey(e)])
	}
	return out
}
