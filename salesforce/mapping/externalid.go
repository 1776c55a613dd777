package mapping

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
)

const externalIDPrefix = "Salesforce-"

var (
	// sObjectName keeps the object name safe to put in a request path.
	sObjectName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	// recordID accepts the 15-character case-sensitive form and the
	// 18-character form with its checksum suffix.
	recordID = regexp.MustCompile(`^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$`)
)

// targets turns every Salesforce- entry into a write of the traits as they
// are; other entries belong to other destinations and are skipped.
func targets(ids []ExternalID, traits map[string]any) ([]Target, error) {
	var out []Target
	if hasSalesforceEntry(ids) {
		if err := distinctFieldNames(traits); err != nil {
			return nil, err
		}
	}
	for i, e := range ids {
		object, ok := strings.CutPrefix(e.Type, externalIDPrefix)
		if !ok {
			continue
		}
		if !sObjectName.MatchString(object) {
			return nil, invalidExternalID(i, "type %q does not name a Salesforce object: %q must start with a letter and hold only letters, digits and underscores", e.Type, object)
		}
		if e.ID != "" && !recordID.MatchString(e.ID) {
			return nil, invalidExternalID(i, "id %q is not a Salesforce ID of 15 or 18 letters and digits", e.ID)
		}
		out = append(out, Target{SObject: object, ID: e.ID, Fields: maps.Clone(traits)})
	}
	return out, nil
}

func invalidExternalID(index int, format string, args ...any) *ValidationError {
	return &ValidationError{
		Reason:  ReasonInvalidExternalID,
		Message: fmt.Sprintf("externalId[%d]: ", index) + fmt.Sprintf(format, args...),
	}
}

func hasSalesforceEntry(ids []ExternalID) bool {
	for _, e := range ids {
		if strings.HasPrefix(e.Type, externalIDPrefix) {
			return true
		}
	}
	return false
}
