package mapping

import (
	"maps"
	"strings"
)

// objectMapping describes how traits become one sObject's body.
type objectMapping struct {
	object  string
	rules   []fieldRule
	ignored map[string]bool
	// nested are the traits the rules read into (company for company.industry):
	// as objects, or flattened as "company.name", they are consumed by the
	// rules, never sent as custom fields.
	nested map[string]bool
	// readOnly are the rules' fields Salesforce refuses to write: their traits
	// are reported, never sent.
	readOnly map[string]string
}

var (
	leadMapping    = newObjectMapping("Lead", leadRules, leadIgnored, readOnlyLead)
	contactMapping = newObjectMapping("Contact", contactRules, contactIgnored, readOnlyContact)
)

func newObjectMapping(object string, rules []fieldRule, ignored map[string]bool, readOnly map[string]string) objectMapping {
	nested := map[string]bool{}
	for _, r := range rules {
		for _, src := range r.sources {
			if root, _, ok := strings.Cut(src, "."); ok {
				nested[root] = true
			}
		}
	}
	return objectMapping{object: object, rules: rules, ignored: ignored, nested: nested, readOnly: readOnly}
}

// body is one object's write: the fields, the trait each field came from,
// and the traits the mapping chose not to send.
type body struct {
	fields    map[string]any
	traits    map[string]string
	unwritten []Unwritten
}

// apply builds the body: mapped fields from the traits overlaid with the
// computed names, then custom fields from the traits as given.
func (m objectMapping) apply(traits map[string]any) (body, error) {
	name, err := personName(traits)
	if err != nil {
		return body{}, err
	}
	view := maps.Clone(traits)
	view["firstName"], view["lastName"] = name.first, name.last

	b := body{fields: map[string]any{}, traits: map[string]string{}}
	if err := m.mapStandard(&b, view); err != nil {
		return body{}, err
	}
	for field, source := range b.traits {
		switch source {
		case "firstName":
			b.traits[field] = name.firstSource
		case "lastName":
			b.traits[field] = name.lastSource
		}
	}
	if err := mapCustom(&b, traits, m.skipsCustom); err != nil {
		return body{}, err
	}
	return b, nil
}

// mapStandard walks the rules in their fixed order so that, of several
// invalid traits, the same one is always reported.
func (m objectMapping) mapStandard(b *body, view map[string]any) error {
	for _, r := range m.rules {
		value, source, ok := firstPresent(view, r.sources)
		if !ok {
			if r.fallback != nil {
				b.fields[r.field], b.traits[r.field] = r.fallback, r.sources[0]
			}
			continue
		}
		if composite(value) {
			return invalidTrait(source, "is %s, but %s takes a single value", kindOf(value), r.field)
		}
		if why, readOnly := m.readOnly[r.field]; readOnly {
			b.unwritten = append(b.unwritten, Unwritten{Trait: source, Object: m.object, Field: r.field, Why: why})
			continue
		}
		b.fields[r.field], b.traits[r.field] = value, source
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
// while a company object only feeds Industry. A flattened key is read like
// the nested object it spells, so "address.city" is consumed as address is.
func (m objectMapping) skipsCustom(key string, value any) bool {
	if m.ignored[key] {
		return true
	}
	if root, _, dotted := strings.Cut(key, "."); dotted && m.nested[root] {
		return true
	}
	_, isObject := value.(map[string]any)
	return isObject && m.nested[key]
}
