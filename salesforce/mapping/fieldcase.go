package mapping

import (
	"maps"
	"slices"
	"strings"
)

// distinctFieldNames refuses traits sent as field names when two of them are
// one field to Salesforce, which compares API names case-insensitively:
// {"email": …, "Email": …} would write Email twice with no saying which wins.
func distinctFieldNames(traits map[string]any) error {
	seen := make(map[string]string, len(traits))
	for _, key := range slices.Sorted(maps.Keys(traits)) {
		lower := strings.ToLower(key)
		if other, taken := seen[lower]; taken {
			return invalidTrait(key, "names the same Salesforce field as trait %q (field names are case-insensitive); send only one of them", other)
		}
		seen[lower] = key
	}
	return nil
}
