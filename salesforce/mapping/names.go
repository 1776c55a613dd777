package mapping

import "strings"

// personName derives firstName and lastName the way the reference does:
// explicit traits win when truthy, otherwise name is split on single spaces
// into its first and (when there are several) last token; middle tokens are
// lost and LastName falls back to "n/a", which Salesforce requires.
func personName(traits map[string]any) (first, last any, err error) {
	var parts []string
	if name := traits["name"]; truthy(name) {
		s, ok := name.(string)
		if !ok {
			return nil, nil, invalidTrait("name", "must be a string, not %s", kindOf(name))
		}
		parts = strings.Split(s, " ")
	}

	first = ""
	if v := traits["firstName"]; truthy(v) {
		first = v
	} else if len(parts) > 0 {
		first = parts[0]
	}

	last = notAvailable
	if v := traits["lastName"]; truthy(v) {
		last = v
	} else if len(parts) > 1 {
		last = parts[len(parts)-1]
	}
	return first, last, nil
}
