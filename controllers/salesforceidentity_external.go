package controllers

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// externalClient is everything an identity reconcile asks of its Salesforce org, crossplane's
// ExternalClient for this API: reads that observe what Salesforce holds, and the writes that
// change it. It makes Salesforce calls only; the reconciler alone writes to Kubernetes
// (the pending-create marker, the state annotation, status), records events and metrics.
// No other code in this package talks to Salesforce on an identity's behalf.
type externalClient interface {
	// ObserveLeads returns the live (not deleted) Leads whose Email equals email,
	// case-insensitively.
	ObserveLeads(ctx context.Context, email string) ([]salesforce.LeadMatch, error)
	// ObserveFields reads the named fields of each record back; a record that is gone reads
	// as nil.
	ObserveFields(ctx context.Context, records []recordFields) ([]salesforce.Record, error)
	// ObserveLostCreate finds the records of sobject created since the given time whose
	// fields hold match: where a create whose answer was lost would be.
	ObserveLostCreate(ctx context.Context, sobject string, match map[string]string, since time.Time) ([]string, error)
	// ObserveSchema describes the fields of sobject: their names and lengths. The answer may
	// be one read earlier; fresh reads it anew (a field may just have been added).
	ObserveSchema(ctx context.Context, sobject string, fresh bool) (map[string]salesforce.DescribedField, error)
	// Create creates a record. answerLost means no answer came back (a timeout, a dropped
	// connection, a gateway's page): the create may still land.
	Create(ctx context.Context, sobject string, fields map[string]any) (id string, answerLost bool, err error)
	// Update PATCHes one record.
	Update(ctx context.Context, sobject, id string, fields map[string]any) error
	// Delete deletes one record; one that is already gone is not an error.
	Delete(ctx context.Context, sobject, id string) error
	// Usage is the org's API usage as its latest answer reported it.
	Usage() (used, max int, ok bool)
}

// recordFields names one record and the fields to read back from it.
type recordFields struct {
	sobject, id string
	fields      []string
}

// salesforceExternal is the externalClient of a logged-in destination. Its calls go through
// orgAPI, which sends them one by one or coalesces concurrent reconciles' calls into batches;
// the lost-create lookup and the usage figure come from the client itself.
type salesforceExternal struct {
	api    orgAPI
	client *salesforce.Client
}

var _ externalClient = salesforceExternal{}

func (e salesforceExternal) ObserveLeads(ctx context.Context, email string) ([]salesforce.LeadMatch, error) {
	matches, err := e.api.FindLeadsByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	live := matches[:0:0]
	for _, m := range matches {
		if !m.IsDeleted {
			live = append(live, m)
		}
	}
	return live, nil
}

// ObserveFields reads every record at once: with batching on, the reads join one batch.
func (e salesforceExternal) ObserveFields(ctx context.Context, records []recordFields) ([]salesforce.Record, error) {
	out := make([]salesforce.Record, len(records))
	errs := make([]error, len(records))
	var wg sync.WaitGroup
	for i, r := range records {
		wg.Go(func() { out[i], errs[i] = e.api.Retrieve(ctx, r.sobject, r.id, r.fields) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func (e salesforceExternal) ObserveLostCreate(ctx context.Context, sobject string, match map[string]string, since time.Time) ([]string, error) {
	return e.client.FindCreatedSince(ctx, sobject, match, since)
}

func (e salesforceExternal) ObserveSchema(ctx context.Context, sobject string, fresh bool) (map[string]salesforce.DescribedField, error) {
	return e.client.DescribeFields(ctx, sobject, fresh)
}

func (e salesforceExternal) Create(ctx context.Context, sobject string, fields map[string]any) (string, bool, error) {
	id, err := e.api.Save(ctx, salesforce.RecordWrite{SObject: sobject, Fields: fields})
	return id, err != nil && !answeredWithoutCreating(err), err
}

func (e salesforceExternal) Update(ctx context.Context, sobject, id string, fields map[string]any) error {
	_, err := e.api.Save(ctx, salesforce.RecordWrite{SObject: sobject, ID: id, Fields: fields})
	return err
}

func (e salesforceExternal) Delete(ctx context.Context, sobject, id string) error {
	return e.api.Delete(ctx, sobject, id)
}

func (e salesforceExternal) Usage() (int, int, bool) { return e.client.APIUsage() }

// answeredWithoutCreating reports whether a failed create certainly created nothing:
// Salesforce itself answered with an error code (for a batch, the row's own code).
func answeredWithoutCreating(err error) bool {
	var sfErr *salesforce.Error
	return errors.As(err, &sfErr) && sfErr.Code != "" && sfErr.Code != salesforce.CodeUnexpectedResponse
}
