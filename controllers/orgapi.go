package controllers

import (
	"context"

	"github.com/destinations/salesforce-controller/salesforce"
)

// orgAPI is what one identity reconcile asks of a Salesforce org. Two implementations exist:
// direct calls (one API call per operation) and the batching coalescer, which merges the
// requests of concurrent reconciles into a few calls while still answering each on its own.
type orgAPI interface {
	// FindLeadsByEmail returns the Leads whose Email equals email (case-insensitively).
	FindLeadsByEmail(ctx context.Context, email string) ([]salesforce.LeadMatch, error)
	// Save creates the record (empty ID) or updates it, returning its ID.
	Save(ctx context.Context, w salesforce.RecordWrite) (string, error)
	// Retrieve reads fields of one record; a missing or deleted record gives (nil, nil).
	Retrieve(ctx context.Context, sobject, id string, fields []string) (salesforce.Record, error)
	// Delete deletes one record; deleting a record that is already gone is not an error.
	Delete(ctx context.Context, sobject, id string) error
}

// directAPI sends one Salesforce call per operation: the behaviour of existing
// destinations, kept so both modes can be measured side by side.
type directAPI struct{ client *salesforce.Client }

func (d directAPI) FindLeadsByEmail(ctx context.Context, email string) ([]salesforce.LeadMatch, error) {
	found, err := d.client.FindLeadsByEmail(ctx, []string{email})
	if err != nil {
		return nil, err
	}
	return found[normalizeEmail(email)], nil
}

func (d directAPI) Save(ctx context.Context, w salesforce.RecordWrite) (string, error) {
	if w.ID == "" {
		return d.client.Create(ctx, w.SObject, w.Fields)
	}
	return w.ID, d.client.Update(ctx, w.SObject, w.ID, w.Fields)
}

func (d directAPI) Retrieve(ctx context.Context, sobject, id string, fields []string) (salesforce.Record, error) {
	rec, err := d.client.Get(ctx, sobject, id, fields)
	if salesforce.IsNotFound(err) {
		return nil, nil
	}
	return rec, err
}

func (d directAPI) Delete(ctx context.Context, sobject, id string) error {
	err := d.client.Delete(ctx, sobject, id)
	if salesforce.IsNotFound(err) {
		return nil
	}
	return err
}
