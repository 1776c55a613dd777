package mapping

import (
	"reflect"
	"testing"
)

func TestMappingOff(t *testing.T) {
	const traits = `{"email":"off@example.com","name":"Ada Lovelace","customNullValue":null,"prefs":{"a":[1]},"n":0,"foo__c":"x","id":"raw"}`
	raw := map[string]any{
		"email": "off@example.com", "name": "Ada Lovelace", "customNullValue": nil,
		"prefs": map[string]any{"a": []any{num("1")}}, "n": num("0"), "foo__c": "x", "id": "raw",
	}
	lead := buildLead(t, traits, Settings{MapRudderProperties: false, UseContactIDForConvertedLeads: true})

	// Raw traits: nulls kept, no __c, no n/a, no split, objects untouched.
	assertFields(t, lead.LeadFields, raw)
	assertFields(t, lead.ContactFields, raw)
	if lead.Email != "off@example.com" {
		t.Errorf("Email = %q", lead.Email)
	}
	lead.LeadFields["extra"] = 1
	if _, shared := lead.ContactFields["extra"]; shared {
		t.Error("LeadFields and ContactFields share one map")
	}
}

func TestEmail(t *testing.T) {
	cases := map[string]struct {
		traits    string
		s         Settings
		wantEmail string
		wantTrait string // the trait a MissingEmail names; email when empty
	}{
		"Present":         {traits: `{"email":"e@example.com"}`, s: mappingOn, wantEmail: "e@example.com"},
		"PresentUnmapped": {traits: `{"email":"e@example.com"}`, wantEmail: "e@example.com"},
		"Missing":         {traits: `{}`, s: mappingOn},
		"Empty":           {traits: `{"email":""}`, s: mappingOn},
		"Null":            {traits: `{"email":null}`, s: mappingOn},
		"Number":          {traits: `{"email":5}`, s: mappingOn},
		"Object":          {traits: `{"email":{"work":"e@example.com"}}`, s: mappingOn},
		"CapitalEmail":    {traits: `{"Email":"e@example.com"}`, s: mappingOn},
		"MissingOff":      {traits: `{"name":"x"}`},
		// With mapping off the traits are field names: the Email field finds the Lead too.
		"CapitalEmailUnmapped":  {traits: `{"Email":"e@example.com"}`, wantEmail: "e@example.com"},
		"EmptyCapitalUnmapped":  {traits: `{"Email":""}`, wantTrait: "Email"},
		"NumberCapitalUnmapped": {traits: `{"Email":7}`, wantTrait: "Email"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Build([]byte(tc.traits), nil, tc.s)
			if tc.wantEmail == "" {
				trait := tc.wantTrait
				if trait == "" {
					trait = "email"
				}
				wantError(t, err, ReasonMissingEmail, trait)
				if p.Lead != nil || p.Targets != nil {
					t.Errorf("error came with a plan: %s", Canonical(p))
				}
				return
			}
			if err != nil || p.Lead.Email != tc.wantEmail {
				t.Errorf("Build = (%s, %v), want email %q", Canonical(p), err, tc.wantEmail)
			}
		})
	}
}

func TestInvalidTraits(t *testing.T) {
	for name, traits := range map[string]string{
		"Array":     `[{"email":"a@example.com"}]`,
		"String":    `"a@example.com"`,
		"Null":      `null`,
		"Number":    `1`,
		"Bool":      `true`,
		"Empty":     ``,
		"Blank":     "  \n",
		"Truncated": `{"email":`,
		"Trailing":  `{"email":"a@example.com"} {}`,
		"Garbage":   `{"email":"a@example.com"}x`,
	} {
		t.Run(name, func(t *testing.T) {
			for _, ids := range [][]ExternalID{nil, {{Type: "Salesforce-Account"}}} {
				_, err := Build([]byte(traits), ids, mappingOn)
				wantError(t, err, ReasonInvalidTraits, "")
			}
		})
	}
}

func TestExternalIDs(t *testing.T) {
	const traits = `{"Name":"Acme","email":null,"id":"x","address":{"city":"Paris"},"n":1.10}`
	asIs := map[string]any{
		"Name": "Acme", "email": nil, "id": "x", "address": map[string]any{"city": "Paris"}, "n": num("1.10"),
	}
	const id15, id18 = "001D000000IqhSL", "001D000000IqhSLIAZ"

	cases := map[string]struct {
		reason     string
		ids        []ExternalID
		want       []Target // nil with no wantReason: the Lead flow runs
		wantReason string
	}{
		"Update":       {reason: "an id updates", ids: []ExternalID{{"Salesforce-Account", id18}}, want: []Target{{"Account", id18, asIs}}},
		"Update15":     {reason: "15-character ids are fine", ids: []ExternalID{{"Salesforce-Account", id15}}, want: []Target{{"Account", id15, asIs}}},
		"Create":       {reason: "no id creates", ids: []ExternalID{{"Salesforce-Account", ""}}, want: []Target{{"Account", "", asIs}}},
		"CustomObject": {reason: "custom objects are objects", ids: []ExternalID{{"Salesforce-My_Object__c", ""}}, want: []Target{{"My_Object__c", "", asIs}}},
		"LeadUnmapped": {reason: "a Lead target gets the traits unchanged", ids: []ExternalID{{"Salesforce-Lead", ""}}, want: []Target{{"Lead", "", asIs}}},
		"InOrder": {
			reason: "one target per Salesforce- entry, in order, others ignored",
			ids:    []ExternalID{{"Salesforce-Contact", id15}, {"hubspot-Contact", "1"}, {"Salesforce-Account", ""}},
			want:   []Target{{"Contact", id15, asIs}, {"Account", "", asIs}},
		},
		"OthersOnly":       {reason: "no Salesforce- entry runs the Lead flow, which needs an email", ids: []ExternalID{{"brazeExternalId", "1"}}, wantReason: ReasonMissingEmail},
		"LowercasePrefix":  {reason: "the prefix is case-sensitive", ids: []ExternalID{{"salesforce-Contact", ""}}, wantReason: ReasonMissingEmail},
		"PrefixNotAtStart": {reason: "the prefix must start the type", ids: []ExternalID{{"xSalesforce-Contact", ""}}, wantReason: ReasonMissingEmail},
		"NoObject":         {reason: "an empty object name", ids: []ExternalID{{"Salesforce-", ""}}, wantReason: ReasonInvalidExternalID},
		"PathInObject":     {reason: "slashes would change the path", ids: []ExternalID{{"Salesforce-Account/001", ""}}, wantReason: ReasonInvalidExternalID},
		"DotsInObject":     {reason: "dots would change the path", ids: []ExternalID{{"Salesforce-../limits", ""}}, wantReason: ReasonInvalidExternalID},
		"SpaceInObject":    {reason: "no spaces", ids: []ExternalID{{"Salesforce-My Object", ""}}, wantReason: ReasonInvalidExternalID},
		"DigitFirst":       {reason: "a name starts with a letter", ids: []ExternalID{{"Salesforce-1Account", ""}}, wantReason: ReasonInvalidExternalID},
		"ShortID":          {reason: "ids are 15 or 18 characters", ids: []ExternalID{{"Salesforce-Account", "001D000000IqhS"}}, wantReason: ReasonInvalidExternalID},
		"SixteenID":        {reason: "ids are 15 or 18 characters", ids: []ExternalID{{"Salesforce-Account", id15 + "A"}}, wantReason: ReasonInvalidExternalID},
		"SlashID":          {reason: "ids are alphanumeric", ids: []ExternalID{{"Salesforce-Account", "001D000000Iq/SL"}}, wantReason: ReasonInvalidExternalID},
		"LaterEntryBad":    {reason: "every entry is checked", ids: []ExternalID{{"Salesforce-Account", ""}, {"Salesforce-Bad Name", ""}}, wantReason: ReasonInvalidExternalID},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Build([]byte(traits), tc.ids, mappingOn)
			if tc.wantReason != "" {
				trait := ""
				if tc.wantReason == ReasonMissingEmail {
					trait = "email"
				}
				wantError(t, err, tc.wantReason, trait)
				return
			}
			if err != nil {
				t.Fatalf("%s: unexpected error %v", tc.reason, err)
			}
			if p.Lead != nil || !reflect.DeepEqual(p.Targets, tc.want) {
				t.Errorf("%s\n got: %s\nwant: %s", tc.reason, Canonical(p), Canonical(Plan{Targets: tc.want}))
			}
		})
	}
}

func TestTargetsOwnTheirFields(t *testing.T) {
	p, err := Build([]byte(`{"a":1}`), []ExternalID{{Type: "Salesforce-Account"}, {Type: "Salesforce-Contact"}}, mappingOn)
	if err != nil {
		t.Fatal(err)
	}
	p.Targets[0].Fields["b"] = 2
	if _, shared := p.Targets[1].Fields["b"]; shared {
		t.Error("targets share one fields map")
	}
}

func TestValidationErrorMessage(t *testing.T) {
	cases := map[string]struct {
		err  *ValidationError
		want string
	}{
		"WithTrait":    {&ValidationError{Reason: ReasonInvalidTraits, Trait: "company", Message: "is an object"}, `trait "company": is an object`},
		"WithoutTrait": {&ValidationError{Reason: ReasonInvalidTraits, Message: "traits must be a JSON object, not an array"}, "traits must be a JSON object, not an array"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}
