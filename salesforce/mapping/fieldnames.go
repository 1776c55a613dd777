package mapping

import (
	"maps"
	"slices"
)

// LeadFieldNames lists the standard Lead fields the mapping can produce, so
// the controller can read them back to detect drift. Custom fields depend on
// the traits and are not included.
func LeadFieldNames() []string { return fieldNames(leadRules) }

// ContactFieldNames is LeadFieldNames for the Contact mapping.
func ContactFieldNames() []string { return fieldNames(contactRules) }

// ReadOnlyLeadFields lists the mapped Lead fields Salesforce will not write;
// the mapping reports their traits in LeadPlan.Unwritten and never sends them.
// IsConverted is among them although Salesforce accepts it on create.
func ReadOnlyLeadFields() []string { return slices.Sorted(maps.Keys(readOnlyLead)) }

func fieldNames(rules []fieldRule) []string {
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.field
	}
	slices.Sort(names)
	return names
}
