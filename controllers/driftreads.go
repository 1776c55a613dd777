package controllers

import (
	"context"
	"strings"
	"sync"

	"github.com/destinations/salesforce-controller/salesforce"
)

// driftTarget is one record to read back for a drift check (see internal/driftreads, which
// schedules the reads).
type driftTarget struct {
	sobject, id string
	fields      []string
}

// readTargets reads every target at once, so each read joins the batch that is open; the
// first error stands for the whole read.
func readTargets(api orgAPI, targets []driftTarget) func(ctx context.Context) ([]salesforce.Record, error) {
	return func(ctx context.Context) ([]salesforce.Record, error) {
		records := make([]salesforce.Record, len(targets))
		errs := make([]error, len(targets))
		var wg sync.WaitGroup
		for i, t := range targets {
			wg.Go(func() { records[i], errs[i] = api.Retrieve(ctx, t.sobject, t.id, t.fields) })
		}
		wg.Wait()
		for _, e := range errs {
			if e != nil {
				return records, e
			}
		}
		return records, nil
	}
}

// describeTargets names the records and fields read: a reconcile that wants something else
// starts a new read.
func describeTargets(targets []driftTarget) string {
	var b strings.Builder
	for _, t := range targets {
		b.WriteString(t.sobject)
		b.WriteByte('/')
		b.WriteString(t.id)
		b.WriteByte(':')
		b.WriteString(strings.Join(t.fields, ","))
		b.WriteByte(';')
	}
	return b.String()
}
