// Package salesforce is a small client for the parts of the Salesforce REST API
// that the controllers need: login, single-record sObject calls, SOQL queries,
// sObject Collections and Composite.
//
// Callers pass Go values; the package builds every URL and JSON body itself and
// validates anything that ends up in a request path, so no caller-supplied value
// can change which resource a request addresses.
//
// One Client holds one session, shared by all goroutines. The client logs in
// lazily, logs in again once when Salesforce reports INVALID_SESSION_ID, and
// otherwise never retries: backoff belongs to the caller, which classifies
// failures with IsTransient, IsThrottled, IsAuth, IsNotFound, IsConvertedLead
// and IsPermanent.
//
// The package depends on the standard library and golang.org/x/sync only, so it
// can be used outside Kubernetes.
package salesforce
