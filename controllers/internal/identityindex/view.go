package identityindex

import (
	"time"
	"unique"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// View is what the index keeps of one identity. Strings shared by many identities are
// interned, so a view of an identity in sync is about 200 bytes.
type View struct {
	destination unique.Handle[string]
	Generation  int64
	ready       unique.Handle[Ready]
	// Annotations and State are digests of the annotations other than the state, and of the
	// state: enough to tell which of them an update changed.
	Annotations uint64
	State       uint64
	Deleting    bool
	// InSync: the summarize function said the identity is in sync. Then Settings and
	// Checked are known and Object is nil.
	InSync   bool
	settings unique.Handle[string]
	// checked is when the records were last confirmed, in Unix nanoseconds; 0 for never.
	checked int64
	// Object is the identity itself while it is not in sync.
	Object *sfv1.SalesforceIdentity
}

// Ready is the identity's Ready condition, as status and reason.
type Ready struct{ Status, Reason string }

// Destination is the name of the SalesforceDestination the identity names, in its namespace.
func (v View) Destination() string { return v.destination.Value() }

// Ready is the identity's Ready condition; Unknown without a reason when it has none.
func (v View) Ready() Ready { return v.ready.Value() }

// Settings names the destination settings an identity in sync was written with.
func (v View) Settings() string {
	if !v.InSync {
		return ""
	}
	return v.settings.Value()
}

// Checked is when an identity in sync last had its records confirmed; zero for never.
func (v View) Checked() time.Time {
	if v.checked == 0 {
		return time.Time{}
	}
	return time.Unix(0, v.checked)
}
