package mapping

import (
	"slices"
	"strings"
	"testing"
)

var contactRows = []row{
	{"accountId", "AccountId"}, {"assistantName", "AssistantName"}, {"assistantPhone", "AssistantPhone"},
	{"birthday", "Birthdate"}, {"canAllowPortalSelfReg", "CanAllowPortalSelfReg"}, {"cleanStatus", "CleanStatus"},
	{"department", "Department"}, {"description", "Description"}, {"doNotCall", "DoNotCall"},
	{"email", "Email"}, {"emailBouncedDate", "EmailBouncedDate"}, {"emailBouncedReason", "EmailBouncedReason"},
	{"fax", "Fax"}, {"firstName", "FirstName"}, {"hasOptedOutOfEmail", "HasOptedOutOfEmail"},
	{"hasOptedOutOfFax", "HasOptedOutOfFax"}, {"homePhone", "HomePhone"}, {"individualId", "IndividualId"},
	{"company.industry", "Industry"}, {"isDeleted", "IsDeleted"}, {"isEmailBounced", "IsEmailBounced"},
	{"isPersonAccount", "IsPersonAccount"}, {"jigsaw", "Jigsaw"}, {"lastName", "LastName"},
	{"LeadSource", "LeadSource"},
	{"address.city", "MailingCity"}, {"city", "MailingCity"},
	{"address.country", "MailingCountry"}, {"country", "MailingCountry"},
	{"address.countryCode", "MailingCountryCode"}, {"countryCode", "MailingCountryCode"},
	{"geocodeAccuracy", "MailingGeocodeAccuracy"},
	{"address.latitude", "MailingLatitude"}, {"latitude", "MailingLatitude"},
	{"address.longitude", "MailingLongitude"}, {"longitude", "MailingLongitude"},
	{"address.postalCode", "MailingPostalCode"}, {"postalCode", "MailingPostalCode"},
	{"address.state", "MailingState"}, {"state", "MailingState"},
	{"address.stateCode", "MailingStateCode"}, {"stateCode", "MailingStateCode"},
	{"address.street", "MailingStreet"}, {"street", "MailingStreet"},
	{"middleName", "MiddleName"}, {"mobilePhone", "MobilePhone"}, {"ownerId", "OwnerId"},
	{"phone", "Phone"}, {"recordTypeId", "RecordTypeId"}, {"reportsToId", "ReportsToId"},
	{"salutation", "Salutation"}, {"suffix", "Suffix"}, {"title", "Title"},
}

func TestContactRows(t *testing.T) {
	for _, r := range contactRows {
		t.Run(r.source, func(t *testing.T) {
			value := "contact@example.com"
			if r.source != "email" {
				value = "value of " + r.source
			}
			flat := map[string]any{"email": "contact@example.com", r.source: value}
			if r.source == "company.industry" {
				// A company object needs a name on the Lead: see TestCompany.
				flat["company.name"] = "Acme"
			}
			traits := mustJSON(t, flat)
			fields := buildLead(t, traits, mappingOn).ContactFields
			if _, readOnly := readOnlyContact[r.field]; readOnly {
				if got, sent := fields[r.field]; sent {
					t.Errorf("read-only %s = %#v was sent", r.field, got)
				}
			} else if got := fields[r.field]; got != value {
				t.Errorf("%s = %#v, want %q from trait %s", r.field, got, value, r.source)
			}
		})
	}
}

func TestContactRowsCoverEveryField(t *testing.T) {
	var covered []string
	for _, r := range contactRows {
		covered = append(covered, r.field)
	}
	slices.Sort(covered)
	covered = slices.Compact(covered)
	if got := ContactFieldNames(); !slices.Equal(got, covered) {
		t.Errorf("ContactFieldNames() = %v\nrow tests cover %v", got, covered)
	}
	if n := len(covered); n != 44 {
		t.Errorf("Contact mapping has %d fields, want the reference's 44", n)
	}
}

func TestContactErrorKeepsLeadPlan(t *testing.T) {
	cases := map[string]struct {
		reason  string
		members string
		trait   string
		company any
	}{
		"AgeObject": {
			reason:  "age is dropped on the Lead but custom on a Contact, where an object cannot go",
			members: `"company":"Acme","age":{"years":30}`,
			trait:   "age",
			company: "Acme",
		},
		"GenderArray": {
			reason:  "gender is dropped on the Lead only",
			members: `"company":{"name":"Acme"},"gender":["f"]`,
			trait:   "gender",
			company: "Acme",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			lead := buildLead(t, withEmail(tc.members), mappingOn)
			if lead.LeadFields["Company"] != tc.company {
				t.Errorf("%s: Company = %#v, want %#v", tc.reason, lead.LeadFields["Company"], tc.company)
			}
			if lead.ContactFields != nil {
				t.Errorf("%s: ContactFields = %v, want nil", tc.reason, lead.ContactFields)
			}
			if lead.ContactError == nil {
				t.Fatalf("%s: ContactError = nil", tc.reason)
			}
			wantError(t, lead.ContactError, ReasonInvalidTraits, tc.trait)
			if !strings.Contains(lead.ContactError.Error(), tc.trait) {
				t.Errorf("ContactError %q does not name %s", lead.ContactError, tc.trait)
			}
		})
	}
}

func TestContactCompany(t *testing.T) {
	cases := map[string]struct {
		reason  string
		members string
		want    map[string]any // Industry and company__c; absent keys absent
	}{
		"String": {
			reason:  "a company string becomes company__c, as in the reference",
			members: `"company":"Acme"`,
			want:    map[string]any{"company__c": "Acme"},
		},
		"Object": {
			reason:  "a company object feeds Industry and is not sent as company__c",
			members: `"company":{"name":"Acme","industry":"Tech"}`,
			want:    map[string]any{"Industry": "Tech"},
		},
		"ObjectWithoutIndustry": {
			reason:  "a company object without industry fills nothing",
			members: `"company":{"name":"Acme"}`,
			want:    map[string]any{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			lead := buildLead(t, withEmail(tc.members), mappingOn)
			if lead.ContactError != nil {
				t.Fatalf("%s: ContactError = %v", tc.reason, lead.ContactError)
			}
			got := map[string]any{}
			for _, k := range []string{"Industry", "company__c", "Company"} {
				if v, ok := lead.ContactFields[k]; ok {
					got[k] = v
				}
			}
			assertFields(t, got, tc.want)
		})
	}
}
