package mapping

import (
	"maps"
	"slices"
	"strings"
)

const customSuffix = "__c"

// mapCustom sends every trait not otherwise handled as "<key>__c". Falsy
// values are skipped as the reference does, so false and 0 never reach a
// custom field. Keys are visited in sorted order so errors are stable.
func mapCustom(fields, traits map[string]any, skip func(key string, value any) bool) error {
	origin := make(map[string]string)
	for _, key := range slices.Sorted(maps.Keys(traits)) {
		value := traits[key]
		if skip(key, value) || !truthy(value) {
			continue
		}
		if composite(value) {
			return invalidTrait(key, "is %s; a custom field takes a single value", kindOf(value))
		}
		name := customFieldName(key)
		if other, taken := origin[name]; taken {
			return invalidTrait(key, "fills custom field %s, as trait %q does; send only one of them", name, other)
		}
		origin[name] = key
		fields[name] = value
	}
	return nil
}

// customFieldName appends the suffix Salesforce gives custom fields, unless
// the user already wrote the API name.
func customFieldName(key string) string {
	if strings.HasSuffix(key, customSuffix) {
		return key
	}
	return key + customSuffix
}
