package mapping

import "slices"

// LeadFieldNames lists the standard Lead fields the mapping can produce, so
// the controller can read them back to detect drift. Custom fields depend on
// the traits and are not included.
func LeadFieldNames() []string { return fieldNames(leadRules) }

// ContactFieldNames is LeadFieldNames for the Contact mapping.
func ContactFieldNames() []string { return fieldNames(contactRules) }

// ReadOnlyLeadFields lists the mapped Lead fields Salesforce will not write,
// so the controller may refuse them before calling Salesforce. IsConverted is
// among them although Salesforce accepts it on create.
func ReadOnlyLeadFields() []string { return slices.Clone(readOnlyLeadFields) }

func fieldNames(rules []fieldRule) []string {
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.field
	}
	slices.Sort(names)
	return names
}
