package mapping

import "strings"

// computedName is the computed firstName and lastName and the traits they came from.
type computedName struct {
	first, last             any
	firstSource, lastSource string
}

// personName derives firstName and lastName: explicit traits win when
// truthy, otherwise name gives its first word as the first name and
// everything after it as the last name ("Alex Van Halen" is Alex, Van Halen;
// the reference keeps only the last word). A last name that is empty or
// missing ("Peter ", "Peter") falls back to "n/a", which Salesforce requires;
// the reference would send none and the create would fail.
func personName(traits map[string]any) (computedName, error) {
	var first, rest string
	var split bool
	if name := traits["name"]; truthy(name) {
		s, ok := name.(string)
		if !ok {
			return computedName{}, invalidTrait("name", "must be a string, not %s", kindOf(name))
		}
		first, rest, _ = strings.Cut(s, " ")
		rest, split = strings.TrimSpace(rest), true
	}

	p := computedName{first: "", last: notAvailable, firstSource: "name", lastSource: "lastName"}
	if v := traits["firstName"]; truthy(v) {
		p.first, p.firstSource = v, "firstName"
	} else if split {
		p.first = first
	}
	if v := traits["lastName"]; truthy(v) {
		p.last = v
	} else if rest != "" {
		p.last, p.lastSource = rest, "name"
	}
	return p, nil
}
