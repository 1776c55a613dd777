package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SecretReference names a Secret in the namespace of the object that holds the reference.
// There is deliberately no namespace field: a destination can only read its own namespace.
type SecretReference struct {
	// name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// SalesforceDestinationSpec is one Salesforce org connection.
type SalesforceDestinationSpec struct {
	// credentialsSecretRef names the Secret, in this namespace, holding the login keys:
	// clientId with privateKey and username (JWT bearer flow); clientId with clientSecret and no
	// password (client credentials flow); clientId, clientSecret, username and password (OAuth
	// 2.0 username-password flow); or username, password and securityToken (SOAP login(), which
	// Salesforce retires in Summer '27). status.authFlow names the flow chosen.
	// +required
	CredentialsSecretRef SecretReference `json:"credentialsSecretRef"`

	// sandbox logs in through https://test.salesforce.com instead of https://login.salesforce.com.
	// +optional
	Sandbox bool `json:"sandbox,omitempty"`

	// loginURL is a My Domain or other login base URL, e.g. https://acme.my.salesforce.com.
	// It wins over sandbox. Plain http is accepted only for loopback hosts.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self == '' || (isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != '')",message="loginURL must be an absolute http(s) URL such as https://acme.my.salesforce.com"
	LoginURL string `json:"loginURL,omitempty"`

	// apiVersion is the Salesforce REST API version for data calls, e.g. "68.0".
	// Empty means the controller's current default (68.0, Winter '27).
	// +optional
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:XValidation:rule="self == '' || self.matches('^[0-9]{2,3}[.]0$')",message="apiVersion must look like \"66.0\""
	APIVersion string `json:"apiVersion,omitempty"`

	// mapRudderProperties maps traits to Salesforce Lead and Contact fields, with unknown traits
	// sent as <trait>__c custom fields. When false the traits are sent unchanged.
	// +optional
	// +kubebuilder:default=true
	MapRudderProperties *bool `json:"mapRudderProperties,omitempty"`

	// useContactIdForConvertedLeads writes the identity to the converted Contact when its Lead
	// has been converted, using the Contact mapping.
	// +optional
	UseContactIDForConvertedLeads bool `json:"useContactIdForConvertedLeads,omitempty"`

	// driftCheckInterval is how often the controller reads managed fields back from Salesforce
	// and re-applies them if someone changed them there. "0s" turns drift checks off; otherwise
	// at least one minute, since every check spends API calls of the org's daily allowance.
	// +optional
	// +kubebuilder:default="1h"
	// +kubebuilder:validation:XValidation:rule="duration(self) == duration('0s') || duration(self) >= duration('1m')",message="driftCheckInterval must be 0s (off) or at least 1m"
	DriftCheckInterval *metav1.Duration `json:"driftCheckInterval,omitempty"`

	// apiBudgetPercent is the share of the org's daily API allowance this destination may use.
	// Past it identities wait with reason APIBudgetExhausted instead of spending the rest.
	// +optional
	// +kubebuilder:default=50
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	APIBudgetPercent *int32 `json:"apiBudgetPercent,omitempty"`

	// removedFields says what happens to a field an identity wrote before and no longer plans
	// (a trait removed from the manifest): Keep (default) leaves its value in Salesforce; Clear
	// sets it to null in the identity's next write. Fields Salesforce requires are never cleared.
	// +optional
	// +kubebuilder:default=Keep
	RemovedFields RemovedFieldsPolicy `json:"removedFields,omitempty"`

	// defaultManagementPolicy is the managementPolicy of identities that set none: Apply
	// (default) or Observe, for onboarding a whole org plan first.
	// +optional
	DefaultManagementPolicy ManagementPolicy `json:"defaultManagementPolicy,omitempty"`

	// suspend stops all work for this destination and its identities: no login, no
	// Salesforce call and no write while true. Clearing it resumes where it left off.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// RemovedFieldsPolicy says what happens to a field that left an identity's plan.
// +kubebuilder:validation:Enum=Keep;Clear
type RemovedFieldsPolicy string

const (
	// RemovedFieldsKeep leaves the field's last value in Salesforce.
	RemovedFieldsKeep RemovedFieldsPolicy = "Keep"
	// RemovedFieldsClear sets the field to null in the next write.
	RemovedFieldsClear RemovedFieldsPolicy = "Clear"
)

// APIUsage is the org's daily API consumption as reported by Salesforce's Sforce-Limit-Info header.
type APIUsage struct {
	// used is the number of API requests counted in the last 24 hours.
	Used int64 `json:"used"`
	// limit is the org's daily allowance.
	Limit int64 `json:"limit"`
}

// SalesforceDestinationStatus is the observed state of a destination.
type SalesforceDestinationStatus struct {
	// observedGeneration is the generation the status was last computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready is the summary; Reconciling and Stalled appear only while true;
	// AuthFlowDeprecated appears while the Secret selects a login flow Salesforce is retiring.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// instanceURL is the org's instance that data calls go to.
	// +optional
	InstanceURL string `json:"instanceURL,omitempty"`

	// authFlow is the login flow chosen from the keys in the Secret: jwt-bearer,
	// client-credentials, oauth-password or soap-login.
	// +optional
	AuthFlow string `json:"authFlow,omitempty"`

	// apiUsage is the org's daily API consumption at the last call.
	// +optional
	APIUsage *APIUsage `json:"apiUsage,omitempty"`

	// identities is the number of SalesforceIdentity objects using this destination.
	// +optional
	Identities int32 `json:"identities,omitempty"`
}

// SalesforceDestination is one Salesforce org connection, with credentials from a Secret.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=sfdest,categories=salesforce
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Instance",type=string,JSONPath=`.status.instanceURL`
// +kubebuilder:printcolumn:name="API Used",type=integer,JSONPath=`.status.apiUsage.used`
// +kubebuilder:printcolumn:name="API Limit",type=integer,JSONPath=`.status.apiUsage.limit`
// +kubebuilder:printcolumn:name="Message",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Suspended",type=boolean,priority=1,JSONPath=`.spec.suspend`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SalesforceDestination struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitzero"`

	// spec is the desired connection.
	// +required
	Spec SalesforceDestinationSpec `json:"spec"`

	// status is the observed connection state.
	// +optional
	Status SalesforceDestinationStatus `json:"status,omitzero"`
}

// SalesforceDestinationList is a list of SalesforceDestination.
// +kubebuilder:object:root=true
type SalesforceDestinationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitzero"`
	Items           []SalesforceDestination `json:"items"`
}

// MapsProperties reports whether traits are mapped to Salesforce fields (the default).
func (d *SalesforceDestination) MapsProperties() bool {
	return d.Spec.MapRudderProperties == nil || *d.Spec.MapRudderProperties
}

func init() {
	SchemeBuilder.Register(&SalesforceDestination{}, &SalesforceDestinationList{})
}
