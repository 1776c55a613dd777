package batch

import (
	"context"
	"slices"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// FindLeadsByEmail returns the Leads whose Email matches email,
// case-insensitively; none is an empty result, not an error.
func (b *Coalescer) FindLeadsByEmail(ctx context.Context, email string) ([]salesforce.LeadMatch, error) {
	r, err := b.calls.submit(ctx, request{kind: kindLookup, email: email}, false)
	return r.leads, err
}

func (b *Coalescer) planLookups(reqs []request, members []int, out []outcome[reply]) planned {
	var unique []string
	seen := map[string]bool{}
	for _, m := range members {
		if key := emailKey(reqs[m].email); key != "" && !seen[key] {
			seen[key] = true
			unique = append(unique, reqs[m].email)
		}
	}
	job := b.client.NewLeadLookupJob(unique)
	return planned{jobs: []salesforce.Job{job}, answer: func(context.Context, error) {
		if job.Err == nil {
			b.followUps.expect(len(members), time.Now())
		}
		for _, m := range members {
			if job.Err != nil {
				out[m].err = job.Err
				continue
			}
			// Each caller gets its own slice, so one cannot change another's answer.
			out[m].val.leads = slices.Clone(job.Found[emailKey(reqs[m].email)])
		}
	}}
}
