package mapping

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestReadOnlyFieldsNotSent(t *testing.T) {
	cases := map[string]struct {
		reason  string
		members string
		field   string
		trait   string
		object  string
	}{
		"PhotoUrl":        {reason: "fixes: PhotoUrl has no Create or Update property", members: `"photoUrl":"https://x/p.png"`, field: "PhotoUrl", trait: "photoUrl", object: "Lead"},
		"JigsawContactId": {reason: "fixes: JigsawContactId is filled from Data.com", members: `"jigsawContactId":"123"`, field: "JigsawContactId", trait: "jigsawContactId", object: "Lead"},
		"CreatedDate":     {reason: "fixes: an audit field", members: `"createdAt":"2024-01-01","createddate":"2023-01-01"`, field: "CreatedDate", trait: "createdAt", object: "Lead"},
		"CreatedDateNext": {reason: "fixes: the trait named is the one the rule read", members: `"createdAt":"","createddate":"2023-01-01"`, field: "CreatedDate", trait: "createddate", object: "Lead"},
		"IsConverted":     {reason: "fixes: create-only, and the body also updates", members: `"isConverted":true`, field: "IsConverted", trait: "isConverted", object: "Lead"},
		"ConvertedDate":   {reason: "fixes: set by conversion", members: `"convertedDate":"2024-01-01"`, field: "ConvertedDate", trait: "convertedDate", object: "Lead"},
		"ContactPerson":   {reason: "fixes: IsPersonAccount is read-only on a Contact", members: `"isPersonAccount":true`, field: "IsPersonAccount", trait: "isPersonAccount", object: "Contact"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			lead := buildLead(t, withEmail(tc.members), mappingOn)
			body := lead.LeadFields
			if tc.object == "Contact" {
				body = lead.ContactFields
			}
			if got, sent := body[tc.field]; sent {
				t.Errorf("%s: %s.%s = %#v was sent", tc.reason, tc.object, tc.field, got)
			}
			if _, sent := body[tc.trait+"__c"]; sent {
				t.Errorf("%s: trait %s was sent as a custom field", tc.reason, tc.trait)
			}
			i := slices.IndexFunc(lead.Unwritten, func(u Unwritten) bool { return u.Field == tc.field && u.Object == tc.object })
			if i < 0 {
				t.Fatalf("%s: Unwritten = %v, want %s.%s", tc.reason, lead.Unwritten, tc.object, tc.field)
			}
			if u := lead.Unwritten[i]; u.Trait != tc.trait || !strings.Contains(u.String(), tc.trait) || !strings.Contains(u.String(), "refuses") && !strings.Contains(u.String(), "create only") {
				t.Errorf("%s: Unwritten = %+v (%s), want trait %s and the reason", tc.reason, u, u, tc.trait)
			}
		})
	}
	t.Run("WritableSeedRowsStillSent", func(t *testing.T) {
		lead := buildLead(t, withEmail(`"jigsaw":"J1","emailBouncedReason":"full","isUnreadByOwner":true`), mappingOn)
		for f, want := range map[string]any{"Jigsaw": "J1", "EmailBouncedReason": "full", "IsUnreadByOwner": true} {
			if lead.LeadFields[f] != want {
				t.Errorf("%s = %#v, want %#v", f, lead.LeadFields[f], want)
			}
		}
		if len(lead.Unwritten) != 0 {
			t.Errorf("Unwritten = %v, want none", lead.Unwritten)
		}
	})
}

// leadDescribe is the Lead describe of a plain org, as far as these tests need it.
var leadDescribe = Describe{
	"lastname": {Name: "LastName", Length: 80}, "firstname": {Name: "FirstName", Length: 40},
	"email": {Name: "Email", Length: 80}, "company": {Name: "Company", Length: 255},
	"title": {Name: "Title", Length: 128}, "numberofemployees": {Name: "NumberOfEmployees"},
	"postalcode": {Name: "PostalCode", Length: 20}, "score__c": {Name: "Score__c", Length: 10},
}

var contactDescribe = Describe{
	"lastname": {Name: "LastName", Length: 80}, "firstname": {Name: "FirstName", Length: 40},
	"email": {Name: "Email", Length: 80}, "title": {Name: "Title", Length: 128},
}

func TestFieldLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := map[string]struct {
		reason     string
		traits     string
		s          Settings
		ids        []ExternalID
		useContact bool
		wantTrait  string   // empty: the plan passes
		wantInMsg  []string // field and limit
		contactErr bool     // the problem is only the Contact's
	}{
		"LastNameTooLong": {reason: "fixes: LastName holds 80", traits: withEmail(`"lastName":"` + long(81) + `"`), s: mappingOn,
			wantTrait: "lastName", wantInMsg: []string{"Lead.LastName", "80", "81"}},
		"NameTooLong": {reason: "fixes: a last name from name names name", traits: withEmail(`"name":"A ` + long(81) + `"`), s: mappingOn,
			wantTrait: "name", wantInMsg: []string{"LastName", "80"}},
		"EmailTooLong": {reason: "fixes: Email holds 80", traits: `{"email":"` + long(76) + `@b.co"}`, s: mappingOn,
			wantTrait: "email", wantInMsg: []string{"Lead.Email", "80"}},
		"CompanyTooLong": {reason: "fixes: Company holds 255", traits: withEmail(`"company":{"name":"` + long(256) + `"}`), s: mappingOn,
			wantTrait: "company.name", wantInMsg: []string{"Lead.Company", "255"}},
		"CharactersNotBytes": {reason: "the limit counts characters", traits: withEmail(`"lastName":"` + strings.Repeat("ü", 80) + `"`), s: mappingOn},
		"AtTheLimit":         {reason: "80 characters fit", traits: withEmail(`"lastName":"` + long(80) + `"`), s: mappingOn},
		"NumberInTextField": {reason: "fixes: a number is written as text", traits: withEmail(`"score":12345678901`), s: mappingOn,
			wantTrait: "score", wantInMsg: []string{"Score__c", "10"}},
		"NumberField": {reason: "numbers have no length", traits: withEmail(`"company":{"name":"A","employee_count":123456789012}`), s: mappingOn},
		"UnknownField": {reason: "fixes: a custom field the org lacks", traits: withEmail(`"favouriteColour":"teal"`), s: mappingOn,
			wantTrait: "favouriteColour", wantInMsg: []string{"favouriteColour__c", "Lead"}},
		"UnknownUnmapped": {reason: "fixes: with mapping off a trait is a field name", traits: `{"email":"a@b.co","Colour":"teal"}`,
			wantTrait: "Colour", wantInMsg: []string{"Colour"}},
		"CaseInsensitive": {reason: "field names match in any case", traits: `{"email":"a@b.co","LASTNAME":"x","company":"y"}`},
		"TargetTooLong": {reason: "fixes: targets are checked too", traits: `{"Title":"` + long(129) + `"}`, ids: []ExternalID{{Type: "Salesforce-Contact"}},
			wantTrait: "Title", wantInMsg: []string{"externalId[0]", "Contact.Title", "128"}},
		"ContactOnly": {reason: "a Contact problem matters only for the Contact", traits: withEmail(`"company":"Acme"`), s: mappingOn, useContact: true,
			contactErr: true},
		"ContactIgnoredWithoutSetting": {reason: "without the setting the Contact body is never sent", traits: withEmail(`"company":"Acme"`), s: mappingOn},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Build([]byte(tc.traits), tc.ids, tc.s)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			describe := func(object string, fresh bool) (Describe, error) {
				switch object {
				case "Lead":
					return leadDescribe, nil
				case "Contact":
					return contactDescribe, nil
				}
				return nil, errors.New("no such object")
			}
			err = CheckPlan(p, tc.useContact, describe)
			if tc.contactErr {
				if err != nil || p.Lead.ContactError == nil || p.Lead.ContactFields != nil {
					t.Errorf("%s: err = %v, ContactError = %v, want only a ContactError", tc.reason, err, p.Lead.ContactError)
				}
				return
			}
			if tc.wantTrait == "" {
				if err != nil {
					t.Errorf("%s: CheckPlan = %v, want nil", tc.reason, err)
				}
				return
			}
			wantError(t, err, ReasonInvalidTraits, tc.wantTrait)
			for _, s := range tc.wantInMsg {
				if err != nil && !strings.Contains(err.Error(), s) {
					t.Errorf("%s: %q does not say %s", tc.reason, err, s)
				}
			}
		})
	}
}

func TestFieldLimitsFreshDescribe(t *testing.T) {
	p, err := Build([]byte(withEmail(`"score":"1"`)), nil, mappingOn)
	if err != nil {
		t.Fatal(err)
	}
	stale := Describe{"email": {Name: "Email", Length: 80}, "lastname": {Name: "LastName", Length: 80}, "company": {Name: "Company", Length: 255}}
	var asked []bool
	describe := func(object string, fresh bool) (Describe, error) {
		asked = append(asked, fresh)
		if fresh {
			return leadDescribe, nil
		}
		return stale, nil
	}
	if err := CheckPlan(p, false, describe); err != nil {
		t.Errorf("a field added since the cached describe was refused: %v", err)
	}
	if !slices.Equal(asked, []bool{false, true}) {
		t.Errorf("describes asked = %v, want the cached one, then a fresh one", asked)
	}
	failing := errors.New("describe failed")
	if err := CheckPlan(p, false, func(string, bool) (Describe, error) { return nil, failing }); !errors.Is(err, failing) {
		t.Errorf("CheckPlan = %v, want the describe's error", err)
	}
}
