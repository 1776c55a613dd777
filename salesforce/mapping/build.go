package mapping

// Build works out the writes one identify implies. Every error it returns is
// a *ValidationError: the input is at fault and retrying cannot help.
func Build(traitsJSON []byte, externalIDs []ExternalID, s Settings) (Plan, error) {
	traits, err := parseTraits(traitsJSON)
	if err != nil {
		return Plan{}, err
	}
	ts, err := targets(externalIDs, traits)
	if err != nil {
		return Plan{}, err
	}
	if len(ts) > 0 {
		return Plan{Targets: ts}, nil
	}
	lead, err := leadPlan(traits, s)
	if err != nil {
		return Plan{}, err
	}
	return Plan{Lead: lead}, nil
}
