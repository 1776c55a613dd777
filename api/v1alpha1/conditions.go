package v1alpha1

// Condition types, following kstatus: Ready is always present; Reconciling and Stalled are
// present only while true.
const (
	ConditionReady       = "Ready"
	ConditionReconciling = "Reconciling"
	ConditionStalled     = "Stalled"
	// ConditionAuthFlowDeprecated, on a destination, is present (True) while its Secret selects
	// a login flow Salesforce is retiring (SOAP login() or the OAuth username-password flow).
	// It is a warning only: Ready does not depend on it.
	ConditionAuthFlowDeprecated = "AuthFlowDeprecated"
	// ConditionSuspended is present, True, only while spec.suspend (of the object or, for an
	// identity, of its destination) stops its work. Ready keeps what the last sync found.
	ConditionSuspended = "Suspended"
)

// Reasons of the Suspended condition.
const (
	// ReasonSuspended: the object's own spec.suspend is true.
	ReasonSuspended = "Suspended"
	// ReasonDestinationSuspended: the identity's SalesforceDestination has spec.suspend true.
	ReasonDestinationSuspended = "DestinationSuspended"
)

// Reasons of SalesforceDestination conditions.
const (
	// ReasonLoggedIn: a login with the current Secret succeeded (Ready=True).
	ReasonLoggedIn = "LoggedIn"
	// ReasonSecretNotFound: the Secret named by credentialsSecretRef does not exist in the namespace.
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonSecretKeyMissing: the Secret lacks a key the login needs, or it is empty.
	ReasonSecretKeyMissing = "SecretKeyMissing"
	// ReasonAuthenticationFailed: Salesforce refused the credentials (wrong password or token,
	// locked user, flow disabled for the org or app). Fix the Secret or the org settings.
	ReasonAuthenticationFailed = "AuthenticationFailed"
	// ReasonLoginFlowRetired: the org no longer offers SOAP login() (Salesforce answers
	// INVALID_OPERATION: retired in Summer '27, not available from API 65.0, or disabled in the
	// org). The message names the Secret keys to add for JWT bearer or client credentials;
	// nothing is retried until the Secret or the spec changes.
	ReasonLoginFlowRetired = "LoginFlowRetired"
	// ReasonSOAPLoginRetiring (AuthFlowDeprecated): the Secret holds only username, password and
	// securityToken, so the destination logs in with SOAP login(), which retires in Summer '27.
	ReasonSOAPLoginRetiring = "SOAPLoginRetiring"
	// ReasonPasswordFlowDeprecated (AuthFlowDeprecated): the Secret selects the OAuth
	// username-password flow, blocked by default in orgs created since Summer '23.
	ReasonPasswordFlowDeprecated = "PasswordFlowDeprecated"
	// ReasonInsecureLoginURL: loginURL uses plain http for a host that is not loopback.
	ReasonInsecureLoginURL = "InsecureLoginURL"
	// ReasonLoginHostNotAllowed: the login URL's host, or the instance URL a login answered
	// with, is not in the manager's --allowed-login-hosts; nothing was sent to it.
	ReasonLoginHostNotAllowed = "LoginHostNotAllowed"
	// ReasonUnreachable: Salesforce could not be reached or answered with a server error;
	// the controller retries with backoff.
	ReasonUnreachable = "Unreachable"
	// ReasonInUse: deletion waits until no SalesforceIdentity uses the destination.
	ReasonInUse = "InUse"
)

// Reasons of SalesforceIdentity conditions.
const (
	// ReasonSynced: every managed record matches this generation (Ready=True).
	ReasonSynced = "Synced"
	// ReasonPlanned: managementPolicy Observe read the records and wrote status.plan; the
	// message says what Apply would do (Ready=True). Nothing was written to Salesforce.
	ReasonPlanned = "Planned"
	// ReasonDestinationNotFound: destinationRef names no SalesforceDestination in the namespace.
	ReasonDestinationNotFound = "DestinationNotFound"
	// ReasonDestinationNotReady: the destination has not logged in yet, or its login fails.
	ReasonDestinationNotReady = "DestinationNotReady"
	// ReasonMissingEmail: the Lead flow needs an email trait to find the Lead; nothing was sent.
	ReasonMissingEmail = "MissingEmail"
	// ReasonInvalidTraits: a trait cannot be written (e.g. an object value for a custom field).
	ReasonInvalidTraits = "InvalidTraits"
	// ReasonTraitsTooLarge: the traits exceed the size the controller accepts (128 KiB of
	// JSON); nothing was sent.
	ReasonTraitsTooLarge = "TraitsTooLarge"
	// ReasonInvalidExternalID: an externalId entry is malformed. Admission rejects such entries
	// already; the controller checks again so an object stored before the rules existed cannot
	// reach a request path.
	ReasonInvalidExternalID = "InvalidExternalID"
	// ReasonMultipleLeadsFound: several Leads have the email; nothing was written. Merge them in
	// Salesforce, or name the record with an externalId.
	ReasonMultipleLeadsFound = "MultipleLeadsFound"
	// ReasonLeadConverted: the Lead was converted and useContactIdForConvertedLeads is off, so
	// Salesforce would refuse the update. Turn the setting on to write the converted Contact.
	ReasonLeadConverted = "LeadConverted"
	// ReasonConvertedContactMissing: the Lead is converted but has no ConvertedContactId.
	ReasonConvertedContactMissing = "ConvertedContactMissing"
	// ReasonSalesforceRejected: Salesforce refused the write (validation, unknown or read-only
	// field, duplicate rule...). The message names the field and Salesforce's error code.
	ReasonSalesforceRejected = "SalesforceRejected"
	// ReasonSalesforceUnavailable: a transient failure (network, 5xx, row lock, session); the
	// controller keeps the known IDs and retries with backoff.
	ReasonSalesforceUnavailable = "SalesforceUnavailable"
	// ReasonAPILimitExceeded: Salesforce answered REQUEST_LIMIT_EXCEEDED; retried later.
	ReasonAPILimitExceeded = "APILimitExceeded"
	// ReasonAPIBudgetExhausted: the destination used its apiBudgetPercent share of the org's
	// daily allowance; the identity waits until the retry time in the message.
	ReasonAPIBudgetExhausted = "APIBudgetExhausted"
	// ReasonCreateIncomplete: a create was sent but the controller stopped before recording
	// its outcome, so the record may exist. The message says how to adopt it or retry.
	ReasonCreateIncomplete = "CreateIncomplete"
	// ReasonDeleting: the identity is being deleted and its created records removed.
	ReasonDeleting = "Deleting"
)

// Annotations and finalizers owned by the controller.
const (
	// AnnotationState holds the Salesforce IDs this resource manages and which of them it
	// created. It is written before a reconcile that created a record returns, so a crash or a
	// lost status never causes a second create. Each record in it is signed by the manager:
	// an ID a person writes there is ignored, and records are adopted through externalId.
	AnnotationState = "salesforce.destinations.dev/state"
	// AnnotationLeadCreates, on a destination, says until when Lead creates the controller
	// sent may still land ("<process> <RFC3339 time>"). A controller that starts before that
	// time holds its own Lead creates until the earlier process's requests can no longer
	// land, so a create in flight when a process stopped never leads to a second Lead.
	AnnotationLeadCreates = "salesforce.destinations.dev/lead-creates-until"
	// FinalizerIdentity lets the controller delete created records (deletionPolicy Delete).
	FinalizerIdentity = "salesforce.destinations.dev/identity"
	// FinalizerInUse keeps a destination while identities use it.
	FinalizerInUse = "salesforce.destinations.dev/in-use"
)
