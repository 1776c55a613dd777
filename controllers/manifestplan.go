package controllers

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/mapping"
)

// ManifestPlan is what applying one SalesforceIdentity manifest would do.
type ManifestPlan struct {
	Name    string
	Records []sfv1.PlannedRecord
	Err     error
}

// PlanManifests plans identities that are not applied yet (manifests in a checkout), reading
// only: what the controller has learnt of an applied identity is not in its manifest, so each
// is planned as a new one, found by email or by its externalId ids, else created. All emails go
// in one lookup and each object type's records in one retrieve, so a thousand manifests cost
// a few calls.
func PlanManifests(ctx context.Context, sf *salesforce.Client, dest *sfv1.SalesforceDestination, ids []sfv1.SalesforceIdentity) []ManifestPlan {
	out := make([]ManifestPlan, len(ids))
	plans := make([]mapping.Plan, len(ids))
	var emails []string
	for i := range ids {
		out[i].Name = ids[i].Name
		plans[i], out[i].Err = mapping.Build(traitsJSON(&ids[i]), externalIDs(&ids[i]), settings(dest))
		if out[i].Err == nil && plans[i].Lead != nil {
			emails = append(emails, plans[i].Lead.Email)
		}
	}
	var found map[string][]salesforce.LeadMatch
	var lookupErr error
	if len(emails) > 0 {
		found, lookupErr = sf.FindLeadsByEmail(ctx, emails)
	}
	s := &identitySync{dest: dest}
	targets := make([][]observedTarget, len(ids))
	for i := range ids {
		switch {
		case out[i].Err != nil:
		case plans[i].Lead != nil && lookupErr != nil:
			out[i].Err = lookupErr
		default:
			targets[i], out[i].Err = s.manifestTargets(plans[i], found)
		}
	}
	got, err := readTargets(ctx, sf, targets)
	for i := range ids {
		switch {
		case out[i].Err != nil:
		case err != nil:
			out[i].Err = err
		default:
			out[i].Records, out[i].Err = manifestRecords(targets[i], got[i])
		}
	}
	return out
}

// manifestTargets finds the records of one plan as Apply would find those of a new identity.
func (s *identitySync) manifestTargets(plan mapping.Plan, found map[string][]salesforce.LeadMatch) ([]observedTarget, error) {
	if plan.Lead == nil {
		out := make([]observedTarget, len(plan.Targets))
		for i, t := range plan.Targets {
			out[i] = observedTarget{key: externalIDKey(i), sobject: t.SObject, id: t.ID, desired: t.Fields}
		}
		return out, nil
	}
	lp := plan.Lead
	var live []salesforce.LeadMatch
	for _, m := range found[normalizeEmail(lp.Email)] {
		if !m.IsDeleted {
			live = append(live, m)
		}
	}
	lead := observedTarget{key: leadKey, sobject: "Lead", desired: lp.LeadFields}
	switch {
	case len(live) == 0:
		return []observedTarget{lead}, nil
	case len(live) > 1:
		return nil, multipleLeads(lp, live)
	case !live[0].IsConverted:
		lead.id = live[0].ID
		return []observedTarget{lead}, nil
	}
	if err := s.convertedContact(lp, live[0]); err != nil {
		return nil, err
	}
	return []observedTarget{{key: leadKey, sobject: "Contact", id: live[0].ConvertedContactID, desired: lp.ContactFields}}, nil
}

// readTargets reads every found record, one retrieve per object type with the union of the
// fields planned for it; got[i][j] is targets[i][j]'s record.
func readTargets(ctx context.Context, sf *salesforce.Client, targets [][]observedTarget) ([][]salesforce.Record, error) {
	type ref struct{ i, j int }
	ids, fields, refs := map[string][]string{}, map[string][]string{}, map[string][]ref{}
	got := make([][]salesforce.Record, len(targets))
	for i, ts := range targets {
		got[i] = make([]salesforce.Record, len(ts))
		for j, t := range ts {
			if t.id == "" {
				continue
			}
			ids[t.sobject] = append(ids[t.sobject], t.id)
			refs[t.sobject] = append(refs[t.sobject], ref{i, j})
			for _, f := range fieldNames(t.desired) {
				if !slices.Contains(fields[t.sobject], f) {
					fields[t.sobject] = append(fields[t.sobject], f)
				}
			}
		}
	}
	for sobject, list := range ids {
		records, err := sf.RetrieveMany(ctx, sobject, list, append([]string{"Id"}, fields[sobject]...))
		if err != nil {
			return nil, err
		}
		for k, r := range refs[sobject] {
			got[r.i][r.j] = records[k]
		}
	}
	return got, nil
}

// manifestRecords is the plan of one manifest's records; a record the spec names that does
// not exist cannot be planned.
func manifestRecords(targets []observedTarget, got []salesforce.Record) ([]sfv1.PlannedRecord, error) {
	for j, t := range targets {
		if t.id != "" && got[j] == nil {
			return nil, fmt.Errorf("%s %s does not exist in Salesforce", t.sobject, t.id)
		}
	}
	return planStatus(targets, got, make([][]string, len(targets))), nil
}

// LoginDestination reads a destination and its Secret and logs in to its org as the
// destination reconciler does, for commands that read the org outside the manager. Like the
// manager, it sends the Secret only to hosts the policy allows.
func LoginDestination(ctx context.Context, c client.Reader, key client.ObjectKey, hosts *salesforce.HostPolicy, timeout time.Duration) (*salesforce.Client, *sfv1.SalesforceDestination, error) {
	dest := &sfv1.SalesforceDestination{}
	if err := c.Get(ctx, key, dest); err != nil {
		return nil, nil, fmt.Errorf("SalesforceDestination %s: %w", key, err)
	}
	if insecureLoginURL(dest.Spec.LoginURL) {
		return nil, nil, fmt.Errorf("SalesforceDestination %s: loginURL %q uses plain http to a host that is not loopback", key, dest.Spec.LoginURL)
	}
	secret := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: dest.Spec.CredentialsSecretRef.Name}, secret); err != nil {
		return nil, nil, fmt.Errorf("SalesforceDestination %s: its Secret: %w", key, err)
	}
	creds, err := credentialsFromSecret(secret)
	if err != nil {
		return nil, nil, fmt.Errorf("SalesforceDestination %s: %w", key, err)
	}
	sf, err := salesforce.New(salesforce.Config{LoginURL: salesforce.LoginURL(dest.Spec.Sandbox, dest.Spec.LoginURL),
		APIVersion: dest.Spec.APIVersion, Credentials: creds, HTTPClient: httpClient(timeout), AllowedHosts: hosts})
	if err != nil {
		return nil, nil, err
	}
	if err := sf.Login(ctx); err != nil {
		return nil, nil, fmt.Errorf("SalesforceDestination %s: login: %w", key, err)
	}
	return sf, dest, nil
}
