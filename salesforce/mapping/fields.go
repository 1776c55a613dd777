package mapping

import (
	"maps"
	"strings"
)

// objectMapping describes how traits become one sObject's body.
type objectMapping struct {
	rules   []fieldRule
	ignored map[string]bool
	// nested are the traits the rules read into (company for company.industry):
	// as objects they are consumed by the rules, never sent as custom fields.
	nested map[string]bool
}

var (
	leadMapping    = newObjectMapping(leadRules, leadIgnored)
	contactMapping = newObjectMapping(contactRules, contactIgnored)
)

func newObjectMapping(rules []fieldRule, ignored map[string]bool) objectMapping {
	nested := map[string]bool{}
	for _, r := range rules {
		for _, src := range r.sources {
			if root, _, ok := strings.Cut(src, "."); ok {
				nested[root] = true
			}
		}
	}
	return objectMapping{rules: rules, ignored: ignored, nested: nested}
}

// apply builds the body: mapped fields from the traits overlaid with the
// computed names, then custom fields from the traits as given.
func (m objectMapping) apply(traits map[string]any) (map[string]any, error) {
	first, last, err := personName(traits)
	if err != nil {
		return nil, err
	}
	view := maps.Clone(traits)
	view["firstName"], view["lastName"] = first, last

	fields := make(map[string]any)
	if err := mapStandard(fields, view, m.rules); err != nil {
		return nil, err
	}
	if err := mapCustom(fields, traits, m.skipsCustom); err != nil {
		return nil, err
	}
	return fields, nil
}

// mapStandard walks the rules in their fixed order so that, of several
// invalid traits, the same one is always reported.
func mapStandard(fields, view map[string]any, rules []fieldRule) error {
	for _, r := range rules {
		value, source, ok := firstPresent(view, r.sources)
		if !ok {
			if r.fallback != nil {
				fields[r.field] = r.fallback
			}
			continue
		}
		if composite(value) {
			return invalidTrait(source, "is %s, but %s takes a single value", kindOf(value), r.field)
		}
		fields[r.field] = value
	}
	return nil
}

func firstPresent(view map[string]any, sources []string) (value any, source string, ok bool) {
	for _, src := range sources {
		if v, found := lookup(view, src); found && present(v) {
			return v, src, true
		}
	}
	return nil, "", false
}

// skipsCustom reports whether a trait stays out of the custom fields. On a
// Contact a company string still becomes company__c, as in the reference,
// while a company object only feeds Industry.
func (m objectMapping) skipsCustom(key string, value any) bool {
	if m.ignored[key] {
		return true
	}
	_, isObject := value.(map[string]any)
	return isObject && m.nested[key]
}
