package mapping

import (
	"reflect"
	"testing"
)

// The identify call of the product document.
const alexKeener = `{
	"name": "Alex Keener",
	"title": "Mr.",
	"email": "alex@example.com",
	"company": "Google Inc.",
	"phone": "+1-202-555-0146",
	"rating": "Hot",
	"city": "New Orleans",
	"postalCode": "90002",
	"country": "US",
	"street": "Blue Gum Street",
	"state": "LA"
}`

func TestSeedIdentifyExample(t *testing.T) {
	lead := buildLead(t, alexKeener, mappingOn)

	if lead.Email != "alex@example.com" {
		t.Errorf("Email = %q, want alex@example.com", lead.Email)
	}
	assertFields(t, lead.LeadFields, map[string]any{
		"FirstName":  "Alex",
		"LastName":   "Keener",
		"Title":      "Mr.",
		"Email":      "alex@example.com",
		"Company":    "Google Inc.",
		"Phone":      "+1-202-555-0146",
		"Rating":     "Hot",
		"City":       "New Orleans",
		"PostalCode": "90002",
		"Country":    "US",
		"Street":     "Blue Gum Street",
		"State":      "LA",
	})
}

func TestSeedIdentifyExampleAsConvertedContact(t *testing.T) {
	lead := buildLead(t, alexKeener, Settings{MapRudderProperties: true, UseContactIDForConvertedLeads: true})

	if lead.ContactError != nil {
		t.Fatalf("ContactError = %v, want none", lead.ContactError)
	}
	// The Contact list does not ignore company and rating, so they become
	// custom fields, as in the reference.
	assertFields(t, lead.ContactFields, map[string]any{
		"FirstName":         "Alex",
		"LastName":          "Keener",
		"Title":             "Mr.",
		"Email":             "alex@example.com",
		"Phone":             "+1-202-555-0146",
		"MailingCity":       "New Orleans",
		"MailingPostalCode": "90002",
		"MailingCountry":    "US",
		"MailingStreet":     "Blue Gum Street",
		"MailingState":      "LA",
		"company__c":        "Google Inc.",
		"rating__c":         "Hot",
	})
}

func TestSeedExternalIDExample(t *testing.T) {
	const traits = `{"FirstName": "John", "LastName": "Gibbs", "Email": "john@peterson.com"}`
	unchanged := map[string]any{"FirstName": "John", "LastName": "Gibbs", "Email": "john@peterson.com"}

	cases := map[string]struct {
		reason     string
		ids        []ExternalID
		want       []Target
		wantReason string
	}{
		"UpdateWithRealID": {
			reason: "A Salesforce-Contact entry with an ID updates that Contact with the traits unchanged",
			ids:    []ExternalID{{Type: "Salesforce-Contact", ID: "0035g00000AbCdEFGH"}},
			want:   []Target{{SObject: "Contact", ID: "0035g00000AbCdEFGH", Fields: unchanged}},
		},
		"Create": {
			reason: "Without an id the entry creates a Contact",
			ids:    []ExternalID{{Type: "Salesforce-Contact"}},
			want:   []Target{{SObject: "Contact", Fields: unchanged}},
		},
		"DocumentPlaceholderID": {
			reason:     "The document's placeholder sf-contact-id is not a Salesforce ID and must not reach a request path",
			ids:        []ExternalID{{Type: "Salesforce-Contact", ID: "sf-contact-id"}},
			wantReason: ReasonInvalidExternalID,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Build([]byte(traits), tc.ids, mappingOn)
			if tc.wantReason != "" {
				wantError(t, err, tc.wantReason, "")
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
