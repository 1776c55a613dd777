package mapping

import (
	"encoding/json"
	"strings"
	"testing"
)

// Each table below is one correction of the reference's behaviour; every
// row with a "fixes" reason fails on the reference's rules.

func TestFlattenedKeys(t *testing.T) {
	cases := map[string]struct {
		reason  string
		members string
		want    map[string]any // fields that must hold these values
		absent  []string
	}{
		"FlatPaths": {
			reason:  "fixes: a key equal to the whole dotted path is read before descending",
			members: `"address.city":"Paris","company.name":"Acme"`,
			want:    map[string]any{"City": "Paris", "Company": "Acme"},
			absent:  []string{"address.city__c", "company.name__c"},
		},
		"FlatWinsOverNested": {
			reason:  "fixes: lodash's get reads the flat key first",
			members: `"address":{"city":"Lyon"},"address.city":"Paris"`,
			want:    map[string]any{"City": "Paris"},
			absent:  []string{"address.city__c"},
		},
		"FlatUnknownSubkey": {
			reason:  "fixes: a flattened key is consumed like the nested object it spells",
			members: `"address.planet":"Mars"`,
			absent:  []string{"address.planet__c"},
		},
		"NestedStillWorks": {
			reason:  "nested objects are read as before",
			members: `"company":{"name":"Acme","industry":"Tech"}`,
			want:    map[string]any{"Company": "Acme", "Industry": "Tech"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			lead := buildLead(t, withEmail(tc.members), mappingOn)
			for f, v := range tc.want {
				if got := lead.LeadFields[f]; got != v {
					t.Errorf("%s: %s = %#v, want %#v", tc.reason, f, got, v)
				}
			}
			for _, f := range tc.absent {
				for object, fields := range map[string]map[string]any{"Lead": lead.LeadFields, "Contact": lead.ContactFields} {
					if got, ok := fields[f]; ok {
						t.Errorf("%s: %s.%s = %#v, want absent", tc.reason, object, f, got)
					}
				}
			}
			if lead.ContactError != nil {
				t.Errorf("%s: ContactError = %v", tc.reason, lead.ContactError)
			}
		})
	}
}

func TestCustomNamesCaseInsensitive(t *testing.T) {
	cases := map[string]struct {
		reason    string
		members   string
		s         Settings
		ids       []ExternalID
		want      map[string]any // custom fields of the Lead body
		wantTrait string
	}{
		"SuffixAnyCase":     {reason: "fixes: foo__C is already an API name", members: `"foo__C":"v"`, s: mappingOn, want: map[string]any{"foo__c": "v"}},
		"CollisionAnyCase":  {reason: "fixes: foo and FOO__c are one field", members: `"foo":"1","FOO__c":"2"`, s: mappingOn, wantTrait: "foo"},
		"CollisionUpper":    {reason: "fixes: Foo__c and foo__C are one field", members: `"Foo__c":"1","foo__C":"2"`, s: mappingOn, wantTrait: "foo__C"},
		"DistinctStillSent": {reason: "different names are two fields", members: `"foo":"1","bar__c":"2"`, s: mappingOn, want: map[string]any{"foo__c": "1", "bar__c": "2"}},
		"UnmappedCollision": {reason: "fixes: with mapping off, email and Email are one field", members: `"Email":"x@example.com"`, wantTrait: "email"},
		"TargetCollision": {reason: "fixes: a target's Name and name are one field", members: `"Name":"a","name":"b"`,
			ids: []ExternalID{{Type: "Salesforce-Account"}}, wantTrait: "name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Build([]byte(withEmail(tc.members)), tc.ids, tc.s)
			if tc.wantTrait != "" {
				wantError(t, err, ReasonInvalidTraits, tc.wantTrait)
				return
			}
			if err != nil {
				t.Fatalf("%s: unexpected error %v", tc.reason, err)
			}
			assertFields(t, customOnly(p.Lead.LeadFields), tc.want)
		})
	}
}

func TestEmailTrimmed(t *testing.T) {
	cases := map[string]struct {
		reason    string
		traits    string
		s         Settings
		wantEmail string // empty: MissingEmail
		field     string // the body's field that carries it
	}{
		"Blank":          {reason: "fixes: whitespace is no email", traits: `{"email":"   "}`, s: mappingOn},
		"TabsNewlines":   {reason: "fixes: any whitespace", traits: `{"email":"\t\n"}`, s: mappingOn},
		"Padded":         {reason: "fixes: looked up and sent trimmed", traits: `{"email":" a@b.co "}`, s: mappingOn, wantEmail: "a@b.co", field: "Email"},
		"PaddedUnmapped": {reason: "fixes: trimmed with mapping off too", traits: `{"email":" a@b.co\n"}`, wantEmail: "a@b.co", field: "email"},
		"CapitalPadded":  {reason: "the Email field of an unmapped body is trimmed", traits: `{"Email":"  a@b.co"}`, wantEmail: "a@b.co", field: "Email"},
		"BlankUnmapped":  {reason: "fixes: whitespace is no email with mapping off", traits: `{"email":" "}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Build([]byte(tc.traits), nil, tc.s)
			if tc.wantEmail == "" {
				ve, ok := AsValidationError(err)
				if !ok || ve.Reason != ReasonMissingEmail {
					t.Fatalf("%s: Build = (%s, %v), want MissingEmail", tc.reason, Canonical(p), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: unexpected error %v", tc.reason, err)
			}
			if p.Lead.Email != tc.wantEmail {
				t.Errorf("%s: lookup email = %q, want %q", tc.reason, p.Lead.Email, tc.wantEmail)
			}
			for object, fields := range map[string]map[string]any{"Lead": p.Lead.LeadFields, "Contact": p.Lead.ContactFields} {
				if got := fields[tc.field]; got != tc.wantEmail {
					t.Errorf("%s: %s.%s = %#v, want %q", tc.reason, object, tc.field, got, tc.wantEmail)
				}
			}
		})
	}
}

func TestInvalidTraitKeys(t *testing.T) {
	cases := map[string]struct {
		reason    string
		members   string
		wantTrait string   // the one key named; empty when several are
		wantInMsg []string // every key the message must name
	}{
		"Space":              {reason: "fixes: a space", members: `"favorite color":"red"`, wantTrait: "favorite color"},
		"DotLeft":            {reason: "fixes: a dot no mapping reads", members: `"favorite.color":"red"`, wantTrait: "favorite.color"},
		"NonASCII":           {reason: "fixes: a non-ASCII letter", members: `"café":"au lait"`, wantTrait: "café"},
		"LeadingDigit":       {reason: "fixes: a leading digit", members: `"1stVisit":"x"`, wantTrait: "1stVisit"},
		"Empty":              {reason: "fixes: an empty key", members: `"":"x"`, wantTrait: ""},
		"DoubleUnderscore":   {reason: "fixes: double underscores inside", members: `"a__b":"x"`, wantTrait: "a__b"},
		"TrailingUnderscore": {reason: "fixes: an underscore before the suffix", members: `"a_":"x"`, wantTrait: "a_"},
		"OnlySuffix":         {reason: "fixes: nothing before the suffix", members: `"__c":"x"`, wantTrait: "__c"},
		"EveryKeyNamed": {reason: "fixes: each bad key is named, not just the first", members: `"favorite color":"red","1st":"x","ok":"y"`,
			wantInMsg: []string{`"favorite color"`, `"1st"`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Build([]byte(withEmail(tc.members)), nil, mappingOn)
			ve, ok := AsValidationError(err)
			if !ok || ve.Reason != ReasonInvalidTraits {
				t.Fatalf("%s: error = %v, want InvalidTraits", tc.reason, err)
			}
			if tc.wantInMsg == nil && ve.Trait != tc.wantTrait {
				t.Errorf("%s: Trait = %q, want %q", tc.reason, ve.Trait, tc.wantTrait)
			}
			for _, s := range tc.wantInMsg {
				if !strings.Contains(ve.Message, s) {
					t.Errorf("%s: message %q does not name %s", tc.reason, ve.Message, s)
				}
			}
		})
	}
	t.Run("ValidKeysPass", func(t *testing.T) {
		buildLead(t, withEmail(`"a":"1","Ab_1":"2","x_y_z__c":"3"`), mappingOn)
	})
}

func TestNameWords(t *testing.T) {
	cases := map[string]struct {
		reason      string
		name        string
		first, last string
	}{
		"OneWordTrailingSpace": {reason: "fixes: an empty last part gets n/a", name: "Peter ", first: "Peter", last: "n/a"},
		"ThreeWords":           {reason: "fixes: everything after the first word is the last name", name: "Alex Van Halen", first: "Alex", last: "Van Halen"},
		"FourWords":            {reason: "fixes: no word is lost", name: "Ana de la Cruz", first: "Ana", last: "de la Cruz"},
		"SpacesAroundLast":     {reason: "fixes: spaces around the last name are not part of it", name: "Alex  Van Halen ", first: "Alex", last: "Van Halen"},
		"OneWord":              {reason: "a single word is the first name", name: "Alex", first: "Alex", last: "n/a"},
		"TwoWords":             {reason: "as before", name: "Alex Keener", first: "Alex", last: "Keener"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			name, _ := json.Marshal(tc.name)
			lead := buildLead(t, withEmail(`"name":`+string(name)), mappingOn)
			for object, fields := range map[string]map[string]any{"Lead": lead.LeadFields, "Contact": lead.ContactFields} {
				if fields["FirstName"] != tc.first || fields["LastName"] != tc.last {
					t.Errorf("%s: %s FirstName, LastName = %#v, %#v, want %q, %q", tc.reason, object, fields["FirstName"], fields["LastName"], tc.first, tc.last)
				}
			}
		})
	}
}

func TestFalseAndZeroSent(t *testing.T) {
	cases := map[string]struct {
		reason  string
		members string
		want    map[string]any
	}{
		"False":      {reason: "fixes: false unchecks a checkbox", members: `"subscribed":false`, want: map[string]any{"subscribed__c": false}},
		"Zero":       {reason: "fixes: 0 resets a counter", members: `"visits":0`, want: map[string]any{"visits__c": num("0")}},
		"ZeroDigits": {reason: "fixes: 0.0 keeps its digits", members: `"score":0.0`, want: map[string]any{"score__c": num("0.0")}},
		"Suffixed":   {reason: "fixes: also for a __c key", members: `"Opt_In__c":false`, want: map[string]any{"Opt_In__c": false}},
		"NullEmpty":  {reason: "null and '' still write nothing", members: `"a":null,"b":""`, want: map[string]any{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			lead := buildLead(t, withEmail(tc.members), mappingOn)
			assertFields(t, customOnly(lead.LeadFields), tc.want)
			assertFields(t, customOnly(lead.ContactFields), tc.want)
		})
	}
}
