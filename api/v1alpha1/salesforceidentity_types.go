package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DestinationReference names a SalesforceDestination in the identity's own namespace.
type DestinationReference struct {
	// name of the SalesforceDestination.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// ExternalID is one entry of identify's context.externalId. Entries whose type starts with
// "Salesforce-" name the object written (type without the prefix); other entries are ignored.
// The type and id of a Salesforce- entry end up in a request path, hence the patterns; an
// identify call routinely carries other destinations' entries, whose ids are UUIDs, emails or
// anything else, so the id is checked on the entry, for Salesforce- entries only.
// +kubebuilder:validation:XValidation:rule="!self.type.startsWith('Salesforce-') || self.type.substring(11).matches('^[A-Za-z][A-Za-z0-9_]*$')",message="type must be Salesforce-<API name>, where the API name has only letters, digits and underscores, e.g. Salesforce-Account or Salesforce-My_Object__c"
// +kubebuilder:validation:XValidation:rule="!self.type.startsWith('Salesforce-') || !has(self.id) || self.id.matches('^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$')",message="id must be a 15- or 18-character Salesforce ID made of letters and digits",fieldPath=".id"
type ExternalID struct {
	// type is "Salesforce-<Object>", e.g. Salesforce-Contact.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	Type string `json:"type"`

	// id is, for a Salesforce- entry, the Salesforce ID of the record to update (absent: a
	// record is created and its ID remembered). Other entries' ids are ignored.
	// +optional
	// +kubebuilder:validation:MaxLength=255
	ID string `json:"id,omitempty"`
}

// DeletionPolicy says what happens in Salesforce when a SalesforceIdentity is deleted.
// +kubebuilder:validation:Enum=Orphan;Delete
type DeletionPolicy string

const (
	// DeletionPolicyOrphan leaves Salesforce alone.
	DeletionPolicyOrphan DeletionPolicy = "Orphan"
	// DeletionPolicyDelete deletes the records this resource created; records it only adopted
	// (found by email or named by an externalId id) are left alone.
	DeletionPolicyDelete DeletionPolicy = "Delete"
)

// SalesforceIdentitySpec is one identify call, kept true over time.
type SalesforceIdentitySpec struct {
	// destinationRef names the SalesforceDestination, in this namespace, to write to.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="destinationRef is immutable: delete the identity and create it again to move it to another destination"
	DestinationRef DestinationReference `json:"destinationRef"`

	// userId is the identify call's user ID. It is informational: Salesforce records are found
	// by the email trait or by externalId.
	// +optional
	// +kubebuilder:validation:MaxLength=255
	UserID string `json:"userId,omitempty"`

	// traits are the identify traits: any JSON object.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Traits *apiextensionsv1.JSON `json:"traits,omitempty"`

	// externalId lists the Salesforce objects to write instead of the Lead found by email.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=25
	ExternalID []ExternalID `json:"externalId,omitempty"`

	// deletionPolicy: Orphan (default) leaves Salesforce alone when the resource is deleted;
	// Delete deletes the records this resource created.
	// +optional
	// +kubebuilder:default=Orphan
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// managementPolicy: Apply writes the plan to Salesforce; Observe finds and reads the
	// records exactly as Apply would, writes the plan to status.plan and never writes to
	// Salesforce. Unset: the destination's defaultManagementPolicy, else Apply.
	// +optional
	ManagementPolicy ManagementPolicy `json:"managementPolicy,omitempty"`

	// suspend stops all work for this identity: no Salesforce call and no write while true.
	// Clearing it resumes as if nothing had been missed. An identity deleted while suspended
	// leaves Salesforce alone, whatever its deletionPolicy.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// ManagementPolicy says whether an identity writes to Salesforce or only plans.
// +kubebuilder:validation:Enum=Apply;Observe
type ManagementPolicy string

const (
	// ManagementApply writes the plan to Salesforce.
	ManagementApply ManagementPolicy = "Apply"
	// ManagementObserve only reads and reports the plan in status.plan.
	ManagementObserve ManagementPolicy = "Observe"
)

// PlanAction is what applying the plan would do to a record.
// +kubebuilder:validation:Enum=Create;Update;None
type PlanAction string

const (
	PlanCreate PlanAction = "Create"
	PlanUpdate PlanAction = "Update"
	PlanNone   PlanAction = "None"
)

// FieldChange is one field applying the plan would change.
type FieldChange struct {
	// field is the Salesforce field's API name.
	Field string `json:"field"`
	// current is the value Salesforce holds; absent when it holds none (null).
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	Current *apiextensionsv1.JSON `json:"current,omitempty"`
	// desired is the value the plan writes; absent when the plan clears the field
	// (removedFields: Clear).
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	Desired *apiextensionsv1.JSON `json:"desired,omitempty"`
}

// PlannedRecord is what applying the plan would do to one record.
type PlannedRecord struct {
	// action: Create (no record found), Update (fields differ) or None.
	Action PlanAction `json:"action"`
	// objectType is the sObject type, e.g. Lead.
	ObjectType string `json:"objectType"`
	// id is the record found; empty for Create.
	// +optional
	ID string `json:"id,omitempty"`
	// changes are the fields an Update would write, with what Salesforce holds now; for a
	// Create, every field it would send.
	// +optional
	// +listType=atomic
	Changes []FieldChange `json:"changes,omitempty"`
}

// RecordOperation is what the last sync did to a record.
// +kubebuilder:validation:Enum=Created;Updated;Unchanged
type RecordOperation string

const (
	RecordCreated   RecordOperation = "Created"
	RecordUpdated   RecordOperation = "Updated"
	RecordUnchanged RecordOperation = "Unchanged"
)

// RecordStatus is one Salesforce object this resource manages.
type RecordStatus struct {
	// objectType is the sObject type, e.g. Lead.
	ObjectType string `json:"objectType"`
	// id is the Salesforce ID.
	// +optional
	ID string `json:"id,omitempty"`
	// operation is what the last sync did: Created, Updated or Unchanged.
	// +optional
	Operation RecordOperation `json:"operation,omitempty"`
	// lastSyncTime is when the record was last confirmed in sync.
	// +optional
	LastSyncTime *metav1.Time `json:"lastSyncTime,omitempty"`
}

// SalesforceIdentityStatus is the observed state of an identity.
type SalesforceIdentityStatus struct {
	// observedGeneration is the generation the status was last computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready is the summary; Reconciling and Stalled appear only while true.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// records lists the Salesforce objects this resource manages.
	// +optional
	// +listType=atomic
	Records []RecordStatus `json:"records,omitempty"`

	// lastDriftCheckTime is when the managed fields were last read back from Salesforce.
	// +optional
	LastDriftCheckTime *metav1.Time `json:"lastDriftCheckTime,omitempty"`

	// plan is what managementPolicy Observe found and what Apply would do, per record; read
	// at lastDriftCheckTime. Empty under Apply.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=25
	Plan []PlannedRecord `json:"plan,omitempty"`
}

// SalesforceIdentity is the traits of one person and the Salesforce objects they are written to.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=sfid,categories=salesforce
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Object",type=string,JSONPath=`.status.records[0].objectType`
// +kubebuilder:printcolumn:name="Salesforce ID",type=string,JSONPath=`.status.records[0].id`
// +kubebuilder:printcolumn:name="Destination",type=string,priority=1,JSONPath=`.spec.destinationRef.name`
// +kubebuilder:printcolumn:name="Message",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Suspended",type=boolean,priority=1,JSONPath=`.spec.suspend`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SalesforceIdentity struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitzero"`

	// spec is the identify call.
	// +required
	Spec SalesforceIdentitySpec `json:"spec"`

	// status is what the controller observed and did.
	// +optional
	Status SalesforceIdentityStatus `json:"status,omitzero"`
}

// SalesforceIdentityList is a list of SalesforceIdentity.
// +kubebuilder:object:root=true
type SalesforceIdentityList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitzero"`
	Items           []SalesforceIdentity `json:"items"`
}

func init() {
	SchemeBuilder.Register(&SalesforceIdentity{}, &SalesforceIdentityList{})
}
