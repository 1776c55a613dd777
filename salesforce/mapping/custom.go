package mapping

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

const customSuffix = "__c"

// customBase is what Salesforce accepts before "__c": a letter, then letters,
// digits and single underscores, not ending in an underscore.
var customBase = regexp.MustCompile(`^[A-Za-z](_?[A-Za-z0-9])*$`)

// mapCustom sends every trait not otherwise handled as "<key>__c". Null and
// ” are skipped as nothing to write; false and 0 are sent, so a checkbox can
// be unchecked and a counter reset (the reference drops every falsy value).
// Keys are visited in sorted order so errors are stable.
func mapCustom(b *body, traits map[string]any, skip func(key string, value any) bool) error {
	origin := make(map[string]string) // lower-case field name → trait
	var badNames []string
	for _, key := range slices.Sorted(maps.Keys(traits)) {
		value := traits[key]
		if skip(key, value) || !present(value) {
			continue
		}
		name, ok := customFieldName(key)
		if !ok {
			badNames = append(badNames, key)
			continue
		}
		if composite(value) {
			return invalidTrait(key, "is %s; a custom field takes a single value", kindOf(value))
		}
		// Salesforce compares API names case-insensitively: foo and FOO__c are one field.
		if other, taken := origin[strings.ToLower(name)]; taken {
			return invalidTrait(key, "fills custom field %s, as trait %q does; send only one of them", name, other)
		}
		origin[strings.ToLower(name)] = key
		b.fields[name], b.traits[name] = value, key
	}
	return invalidNames(badNames)
}

// customFieldName appends the suffix Salesforce gives custom fields, unless
// the user already wrote the API name in any case; ok is false when the key
// cannot become an API name at all.
func customFieldName(key string) (name string, ok bool) {
	base := key
	if len(key) > len(customSuffix) && strings.EqualFold(key[len(key)-len(customSuffix):], customSuffix) {
		base = key[:len(key)-len(customSuffix)]
	}
	return base + customSuffix, customBase.MatchString(base)
}

// invalidNames names every trait key a create would refuse, so one round
// fixes them all.
func invalidNames(keys []string) error {
	const rule = "a custom field name starts with a letter and holds only letters, digits and single underscores (not at the end)"
	switch len(keys) {
	case 0:
		return nil
	case 1:
		return invalidTrait(keys[0], "cannot become a Salesforce field name: %s", rule)
	}
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	return &ValidationError{Reason: ReasonInvalidTraits,
		Message: fmt.Sprintf("traits %s cannot become Salesforce field names: %s", strings.Join(quoted, ", "), rule)}
}
