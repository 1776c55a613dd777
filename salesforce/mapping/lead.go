package mapping

import "maps"

// leadPlan builds the Lead flow's bodies. The email is required whatever the
// settings, because the Lead is found by it.
func leadPlan(traits map[string]any, s Settings) (*LeadPlan, error) {
	email, _, err := leadEmail(traits, s)
	if err != nil {
		return nil, err
	}

	if !s.MapRudderProperties {
		return &LeadPlan{Email: email, LeadFields: maps.Clone(traits), ContactFields: maps.Clone(traits)}, nil
	}

	leadFields, err := leadMapping.apply(traits)
	if err != nil {
		return nil, err
	}
	plan := &LeadPlan{Email: email, LeadFields: leadFields}
	contactFields, err := contactMapping.apply(traits)
	if err != nil {
		// Every error of apply is a *ValidationError.
		plan.ContactError, _ = AsValidationError(err)
		return plan, nil
	}
	plan.ContactFields = contactFields
	return plan, nil
}
