package mapping

import "maps"

// leadPlan builds the Lead flow's bodies. The email is required whatever the
// settings, because the Lead is found by it; it is trimmed here, once, and
// that one value is checked, looked up and sent.
func leadPlan(traits map[string]any, s Settings) (*LeadPlan, error) {
	email, source, err := leadEmail(traits, s)
	if err != nil {
		return nil, err
	}
	if !s.MapRudderProperties {
		return unmappedLeadPlan(traits, email, source)
	}

	lead, err := leadMapping.apply(traits)
	if err != nil {
		return nil, err
	}
	lead.fields[emailField] = email
	plan := &LeadPlan{Email: email, LeadFields: lead.fields, LeadTraits: lead.traits, Unwritten: lead.unwritten}
	contact, err := contactMapping.apply(traits)
	if err != nil {
		// Every error of apply is a *ValidationError.
		plan.ContactError, _ = AsValidationError(err)
		return plan, nil
	}
	contact.fields[emailField] = email
	plan.ContactFields, plan.ContactTraits = contact.fields, contact.traits
	plan.Unwritten = append(plan.Unwritten, contact.unwritten...)
	return plan, nil
}

// unmappedLeadPlan sends the traits as they are: they are field names, so
// two keys Salesforce would read as one field are refused.
func unmappedLeadPlan(traits map[string]any, email, source string) (*LeadPlan, error) {
	if err := distinctFieldNames(traits); err != nil {
		return nil, err
	}
	fields := maps.Clone(traits)
	fields[source] = email
	names := identityTraits(fields)
	return &LeadPlan{Email: email, LeadFields: fields, ContactFields: maps.Clone(fields),
		LeadTraits: names, ContactTraits: maps.Clone(names)}, nil
}

// identityTraits maps every field to the trait of the same name.
func identityTraits(fields map[string]any) map[string]string {
	names := make(map[string]string, len(fields))
	for k := range fields {
		names[k] = k
	}
	return names
}
