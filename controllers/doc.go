// Package controllers holds the two reconcilers: SalesforceDestination logs an org in and
// keeps its connection; SalesforceIdentity keeps one person's records true in that org.
//
// # Following one identity
//
// From its watch event to Salesforce and back, an identity passes through these files, in
// this order:
//
//  1. Watch. setup.go wires both controllers. Identities are not cached by the manager: the
//     identity index (internal/identityindex; its summary of an identity in sync comes from
//     identityindex.go) lists and watches them, keeps those with work ahead whole and of
//     those in sync only a summary, and queues a reconcile for the changes the wake rule in
//     setup.go lets through (never the controller's own state writes: internal/ownwrites).
//  2. Load and skeleton. salesforceidentity_controller.go: Reconcile loads the identity (an
//     identity in sync whose check is not due ends here, from the index alone), defers the
//     one status patch, takes the deletion branch or adds the finalizer, and runs the sync.
//  3. Decide. salesforceidentity_decide.go: decide is the one rule for what an identity
//     needs next (nothing, a read-back, a write) and when to look again. The state it reads
//     is the annotation in state.go: which records the identity manages, which it created,
//     the last write's hash, a pending create.
//  4. Plan and sync. salesforceidentity_sync.go connects to the destination (connections.go),
//     builds the plan (package salesforce/mapping), decides, spends from the API budget and
//     stores the state; salesforceidentity_apply.go is the Lead flow (update the known Lead,
//     else look it up by email, else create it), the externalId targets, the pending-create
//     guard around creates and the drift correction; salesforceidentity_plancheck.go checks
//     a plan against the org's describe before anything is written.
//  5. Salesforce. salesforceidentity_external.go is the external client, the only code here
//     that calls Salesforce for an identity: Observe (Leads by email, fields read back, a
//     lost create), Create, Update, Delete. Its calls go one by one (orgapi.go) or are
//     coalesced with concurrent reconciles' calls (package salesforce/batch).
//  6. Status. errors.go classifies how the reconcile ended (terminal, waiting, quiet,
//     transient); salesforceidentity_status.go builds status.records, the conditions
//     (conditions.go) and events from it, and writes the status once.
//
// Modes. suspend.go: a suspended identity or destination stops before step 3 (a Suspended
// condition, no call). salesforceidentity_plan.go: managementPolicy Observe branches off in
// step 4 and runs the lookups and reads of step 5 only, writing status.plan
// (salesforceidentity_planstatus.go) and, in the state, the changes the next Apply sends.
// removedfields.go: what the state records of each record's fields, and the nulls that
// removedFields Clear adds to an update.
//
// The optimisations each live in a small package of their own under internal/, not in the
// reconcile: the identity index (memory), the own-write filter (no wake-up for our own
// writes), the drift reads (read-backs that wait for their batch without holding a worker)
// and the Lead-create guard (no duplicate Lead across restarts without a write per Lead).
//
// The destination's path is shorter: salesforcedestination_controller.go reads the Secret
// (credentials.go), logs in, and publishes the connection that identities use.
package controllers
