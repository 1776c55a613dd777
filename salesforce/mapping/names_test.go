package mapping

import "testing"

func TestPersonName(t *testing.T) {
	const absent = "<absent>"
	cases := map[string]struct {
		reason    string
		members   string
		first     any
		last      any
		wantTrait string // set when the traits are rejected
	}{
		"TwoTokens":         {reason: "first and last token", members: `"name":"Alex Keener"`, first: "Alex", last: "Keener"},
		"OneToken":          {reason: "a single token is the first name; LastName defaults", members: `"name":"Alex"`, first: "Alex", last: "n/a"},
		"ThreeWords":        {reason: "everything after the first word is the last name", members: `"name":"Alex Van Halen"`, first: "Alex", last: "Van Halen"},
		"TrailingSpace":     {reason: "an empty last part gets the n/a default", members: `"name":"Peter "`, first: "Peter", last: "n/a"},
		"LeadingSpace":      {reason: "an empty first token omits FirstName", members: `"name":" Keener"`, first: absent, last: "Keener"},
		"DoubleSpace":       {reason: "only single spaces split", members: `"name":"Alex  Keener"`, first: "Alex", last: "Keener"},
		"TabNotSplit":       {reason: "tabs are not separators", members: `"name":"Alex\tKeener"`, first: "Alex\tKeener", last: "n/a"},
		"FirstNameWins":     {reason: "an explicit firstName wins", members: `"name":"Alex Keener","firstName":"Al"`, first: "Al", last: "Keener"},
		"LastNameWins":      {reason: "an explicit lastName wins", members: `"name":"Alex Keener","lastName":"K."`, first: "Alex", last: "K."},
		"EmptyFirstName":    {reason: "'' firstName falls back to name", members: `"name":"Alex Keener","firstName":""`, first: "Alex", last: "Keener"},
		"FalseLastName":     {reason: "a falsy lastName falls back", members: `"lastName":false`, first: absent, last: "n/a"},
		"NoNames":           {reason: "LastName defaults to n/a", members: ``, first: absent, last: "n/a"},
		"NullName":          {reason: "null name is no name", members: `"name":null`, first: absent, last: "n/a"},
		"ZeroName":          {reason: "falsy name is not split", members: `"name":0`, first: absent, last: "n/a"},
		"NumericFirstName":  {reason: "a truthy firstName passes as given", members: `"firstName":7`, first: num("7"), last: "n/a"},
		"NumberName":        {reason: "a number name cannot be split", members: `"name":42`, wantTrait: "name"},
		"ObjectName":        {reason: "an object name cannot be split", members: `"name":{}`, wantTrait: "name"},
		"TrueName":          {reason: "true cannot be split", members: `"name":true`, wantTrait: "name"},
		"ArrayName":         {reason: "an array name cannot be split", members: `"name":["Alex"]`, wantTrait: "name"},
		"NameWithFirstLast": {reason: "name is checked even when unused", members: `"name":1,"firstName":"A","lastName":"B"`, wantTrait: "name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Build([]byte(withEmail(tc.members)), nil, mappingOn)
			if tc.wantTrait != "" {
				wantError(t, err, ReasonInvalidTraits, tc.wantTrait)
				return
			}
			if err != nil {
				t.Fatalf("%s: unexpected error %v", tc.reason, err)
			}
			for object, fields := range map[string]map[string]any{"Lead": p.Lead.LeadFields, "Contact": p.Lead.ContactFields} {
				for field, want := range map[string]any{"FirstName": tc.first, "LastName": tc.last} {
					got, ok := fields[field]
					if !ok {
						got = absent
					}
					if got != want {
						t.Errorf("%s: %s.%s = %#v, want %#v", tc.reason, object, field, got, want)
					}
				}
			}
		})
	}
}
