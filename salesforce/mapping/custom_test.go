package mapping

import "testing"

func TestCustomFields(t *testing.T) {
	cases := map[string]struct {
		reason    string
		members   string
		lead      map[string]any // expected custom fields (keys ending __c) on the Lead
		contact   map[string]any // and on the Contact; nil means same as lead
		wantTrait string
	}{
		"Suffixed":        {reason: "an unmapped trait gets __c", members: `"customKey":"v"`, lead: map[string]any{"customKey__c": "v"}},
		"CaseKept":        {reason: "the ignore list is case-sensitive", members: `"Email":"E"`, lead: map[string]any{"Email__c": "E"}},
		"AlreadySuffixed": {reason: "a __c key is not suffixed again", members: `"foo__c":"v"`, lead: map[string]any{"foo__c": "v"}},
		"FalseSent":       {reason: "false unchecks a checkbox", members: `"flag":false`, lead: map[string]any{"flag__c": false}},
		"ZeroSent":        {reason: "0 resets a counter", members: `"n":0`, lead: map[string]any{"n__c": num("0")}},
		"ZeroFloatSent":   {reason: "-0.0e5 is sent with its digits", members: `"n":-0.0e5`, lead: map[string]any{"n__c": num("-0.0e5")}},
		"EmptyDropped":    {reason: "custom fields drop ''", members: `"s":""`, lead: map[string]any{}},
		"NullDropped":     {reason: "custom fields drop null", members: `"customNullValue":null`, lead: map[string]any{}},
		"TrueKept":        {reason: "true is sent", members: `"flag":true`, lead: map[string]any{"flag__c": true}},
		"TinyNumberKept":  {reason: "a tiny non-zero number is not zero", members: `"n":1e-400`, lead: map[string]any{"n__c": num("1e-400")}},
		"ZeroStringKept":  {reason: "'0' is a non-empty string", members: `"s":"0"`, lead: map[string]any{"s__c": "0"}},
		"UserID":          {reason: "userId is not ignored", members: `"userId":"u1"`, lead: map[string]any{"userId__c": "u1"}},
		"CapitalID":       {reason: "only the exact key id is dropped", members: `"Id":"x"`, lead: map[string]any{"Id__c": "x"}},
		"ID":              {reason: "id is never a field", members: `"id":"x"`, lead: map[string]any{}},
		"LeadOnlyDropped": {
			reason:  "unmapped Lead-ignored traits are dropped on the Lead but custom on the Contact",
			members: `"age":30,"gender":"f","avatar":"a","anonymousId":"x"`,
			lead:    map[string]any{},
			contact: map[string]any{"age__c": num("30"), "gender__c": "f"},
		},
		"ContactCustoms": {
			reason:  "traits the Contact list does not ignore become custom on the Contact",
			members: `"company":"Acme","rating":"Hot","status":"Open","website":"w","accuracy":"a","isConverted":true,"createdAt":"d","division":"x","currencyIsoCode":"EUR","companyDunsNumber":"1","createdById":"c","createddate":"e","isUnreadByOwner":true`,
			lead:    map[string]any{},
			contact: map[string]any{
				"company__c": "Acme", "rating__c": "Hot", "status__c": "Open", "website__c": "w",
				"accuracy__c": "a", "isConverted__c": true, "createdAt__c": "d", "division__c": "x",
				"currencyIsoCode__c": "EUR", "companyDunsNumber__c": "1", "createdById__c": "c",
				"createddate__c": "e", "isUnreadByOwner__c": true,
			},
		},
		"ContactMappedKeysIgnored": {
			reason:  "Contact-mapped traits are not custom on the Contact",
			members: `"birthday":"2000-01-01","department":"R&D"`,
			lead:    map[string]any{"department__c": "R&D"},
			contact: map[string]any{},
		},
		"ObjectRejected":   {reason: "an object cannot fill a custom field", members: `"prefs":{"a":1}`, wantTrait: "prefs"},
		"ArrayRejected":    {reason: "an array cannot fill a custom field", members: `"tags":["a"]`, wantTrait: "tags"},
		"EmptyObject":      {reason: "{} is truthy and still an object", members: `"prefs":{}`, wantTrait: "prefs"},
		"SuffixCollision":  {reason: "foo and foo__c would fill one field", members: `"foo":"a","foo__c":"b"`, wantTrait: "foo__c"},
		"FalsyNoCollision": {reason: "a dropped value fills nothing", members: `"foo":"","foo__c":"b"`, lead: map[string]any{"foo__c": "b"}},
		"FirstErrorSorted": {reason: "the first bad key in sorted order is named", members: `"zz":[1],"aa":{"b":1}`, wantTrait: "aa"},
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
			wantContact := tc.contact
			if wantContact == nil {
				wantContact = tc.lead
			}
			assertFields(t, customOnly(p.Lead.LeadFields), tc.lead)
			assertFields(t, customOnly(p.Lead.ContactFields), wantContact)
		})
	}
}

func customOnly(fields map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range fields {
		if len(k) > 3 && k[len(k)-3:] == customSuffix {
			out[k] = v
		}
	}
	return out
}
