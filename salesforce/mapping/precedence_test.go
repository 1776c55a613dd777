package mapping

import "testing"

func TestPrecedence(t *testing.T) {
	cases := map[string]struct {
		reason string
		traits string
		field  string
		want   any // nil: the field is absent
	}{
		"AddressBeforeFlat":       {"address.city wins over city", `"address":{"city":"Paris"},"city":"Lyon"`, "City", "Paris"},
		"FlatWhenNoAddress":       {"city fills City when address has no city", `"address":{"street":"x"},"city":"Lyon"`, "City", "Lyon"},
		"EmptyStringFallsThrough": {"'' is not a value", `"address":{"city":""},"city":"Lyon"`, "City", "Lyon"},
		"NullFallsThrough":        {"null is not a value", `"address":{"city":null},"city":"Lyon"`, "City", "Lyon"},
		"ZeroCounts":              {"0 is a value", `"address":{"latitude":0},"latitude":48.85`, "Latitude", num("0")},
		"FalseCounts":             {"false is a value", `"address":{"city":false},"city":"Lyon"`, "City", false},
		"AddressNotObject":        {"a string address has no city", `"address":"1 Main St","city":"Lyon"`, "City", "Lyon"},
		"AccuracyNested":          {"address.accuracy wins over accuracy", `"address":{"accuracy":"Street"},"accuracy":"City"`, "Accuracy", "Street"},
		"AccuracyFallback":        {"accuracy when address.accuracy is empty", `"address":{"accuracy":""},"accuracy":"City"`, "Accuracy", "City"},
		"MappedZeroKept":          {"mapped fields keep 0", `"company":{"name":"A","employee_count":0}`, "NumberOfEmployees", num("0")},
		"MappedFalseKept":         {"mapped fields keep false", `"hasOptedOutOfEmail":false`, "HasOptedOutOfEmail", false},
		"MappedEmptyDropped":      {"mapped fields drop ''", `"title":""`, "Title", nil},
		"MappedNullDropped":       {"mapped fields drop null", `"title":null`, "Title", nil},
		"NumberKeptExactly":       {"numbers keep their digits", `"company":{"name":"A","annualRevenue":1.50e3}`, "AnnualRevenue", num("1.50e3")},
		"LeadSourceCapitalised":   {"LeadSource is read with a capital L", `"LeadSource":"Web","leadSource":"Ads"`, "LeadSource", "Web"},
		"LeadSourceLowercase":     {"leadSource is a custom trait", `"leadSource":"Ads"`, "LeadSource", nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			traits := withEmail(tc.traits)
			got, ok := buildLead(t, traits, mappingOn).LeadFields[tc.field]
			if tc.want == nil {
				if ok {
					t.Errorf("%s: %s = %#v, want absent", tc.reason, tc.field, got)
				}
				return
			}
			if got != tc.want {
				t.Errorf("%s: %s = %#v, want %#v", tc.reason, tc.field, got, tc.want)
			}
		})
	}
}

func TestCompany(t *testing.T) {
	cases := map[string]struct {
		reason    string
		traits    string
		want      any
		wantTrait string // set when the traits are rejected
	}{
		"String":              {reason: "a string company fills Company", traits: `"company":"Acme"`, want: "Acme"},
		"ObjectName":          {reason: "company.name fills Company", traits: `"company":{"name":"Acme","industry":"Tech"}`, want: "Acme"},
		"Missing":             {reason: "Company defaults to n/a", traits: ``, want: "n/a"},
		"Empty":               {reason: "'' falls through to n/a", traits: `"company":""`, want: "n/a"},
		"Null":                {reason: "null falls through to n/a", traits: `"company":null`, want: "n/a"},
		"Zero":                {reason: "0 is a value", traits: `"company":0`, want: num("0")},
		"ObjectWithoutName":   {reason: "the reference would send the object", traits: `"company":{"industry":"Tech"}`, wantTrait: "company"},
		"ObjectWithEmptyName": {reason: "'' falls through to the object", traits: `"company":{"name":""}`, wantTrait: "company"},
		"EmptyObject":         {reason: "{} has no name", traits: `"company":{}`, wantTrait: "company"},
		"Array":               {reason: "an array is no company", traits: `"company":["Acme"]`, wantTrait: "company"},
		"NameObject":          {reason: "company.name must be a single value", traits: `"company":{"name":{"legal":"Acme"}}`, wantTrait: "company.name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			traits := withEmail(tc.traits)
			p, err := Build([]byte(traits), nil, mappingOn)
			if tc.wantTrait != "" {
				wantError(t, err, ReasonInvalidTraits, tc.wantTrait)
				return
			}
			if err != nil {
				t.Fatalf("%s: unexpected error %v", tc.reason, err)
			}
			if got := p.Lead.LeadFields["Company"]; got != tc.want {
				t.Errorf("%s: Company = %#v, want %#v", tc.reason, got, tc.want)
			}
			if _, ok := p.Lead.ContactFields["Company"]; ok {
				t.Errorf("%s: the Contact mapping has no Company field", tc.reason)
			}
		})
	}
}

func TestMappedObjectValuesRejected(t *testing.T) {
	cases := map[string]struct {
		traits string
		trait  string
	}{
		"Title":        {`{"email":"o@example.com","title":{"a":1}}`, "title"},
		"AddressCity":  {`{"email":"o@example.com","address":{"city":["Paris"]}}`, "address.city"},
		"FirstName":    {`{"email":"o@example.com","firstName":{"given":"Ada"}}`, "firstName"},
		"LeadSource":   {`{"email":"o@example.com","LeadSource":[]}`, "LeadSource"},
		"FlatFallback": {`{"email":"o@example.com","address":{"city":""},"city":{"x":1}}`, "city"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Build([]byte(tc.traits), nil, mappingOn)
			wantError(t, err, ReasonInvalidTraits, tc.trait)
		})
	}
}
