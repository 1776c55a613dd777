package mapping

import (
	"slices"
	"strings"
	"testing"
)

// row is one line of a mapping table: the trait path and the field it fills.
type row struct{ source, field string }

// seedLeadRows is the product document's "Supported mappings" table, one
// entry per trait path; name and id are covered by their own tests.
var seedLeadRows = []row{
	{"address.accuracy", "Accuracy"}, {"accuracy", "Accuracy"},
	{"company.annualRevenue", "AnnualRevenue"},
	{"address.city", "City"}, {"city", "City"},
	{"company.name", "Company"}, {"company", "Company"},
	{"address.country", "Country"}, {"country", "Country"},
	{"address.countryCode", "CountryCode"}, {"countryCode", "CountryCode"},
	{"convertedAccountId", "ConvertedAccountId"},
	{"convertedContactId", "ConvertedContactId"},
	{"convertedDate", "ConvertedDate"},
	{"convertedOpportunityId", "ConvertedOpportunityId"},
	{"createdById", "CreatedById"},
	{"createdAt", "CreatedDate"}, {"createddate", "CreatedDate"},
	{"description", "Description"},
	{"email", "Email"},
	{"emailBouncedDate", "EmailBouncedDate"},
	{"emailBouncedReason", "EmailBouncedReason"},
	{"firstName", "FirstName"},
	{"geocodeAccuracy", "GeocodeAccuracy"},
	{"company.industry", "Industry"},
	{"individualId", "IndividualId"},
	{"isConverted", "IsConverted"},
	{"isDeleted", "IsDeleted"},
	{"isUnreadByOwner", "IsUnreadByOwner"},
	{"jigsaw", "Jigsaw"},
	{"jigsawContactId", "JigsawContactId"},
	{"lastActivityDate", "LastActivityDate"},
	{"lastModifiedById", "LastModifiedById"},
	{"lastModifiedDate", "LastModifiedDate"},
	{"lastName", "LastName"},
	{"lastReferencedDate", "LastReferencedDate"},
	{"lastViewedDate", "LastViewedDate"},
	{"address.latitude", "Latitude"}, {"latitude", "Latitude"},
	{"LeadSource", "LeadSource"},
	{"address.longitude", "Longitude"}, {"longitude", "Longitude"},
	{"masterRecordId", "MasterRecordId"},
	{"company.employee_count", "NumberOfEmployees"},
	{"ownerId", "OwnerId"},
	{"phone", "Phone"},
	{"photoUrl", "PhotoUrl"},
	{"address.postalCode", "PostalCode"}, {"postalCode", "PostalCode"},
	{"rating", "Rating"},
	{"salutation", "Salutation"},
	{"address.state", "State"}, {"state", "State"},
	{"address.stateCode", "StateCode"}, {"stateCode", "StateCode"},
	{"status", "Status"},
	{"address.street", "Street"}, {"street", "Street"},
	{"systemModstamp", "SystemModstamp"},
	{"title", "Title"},
	{"website", "Website"},
}

// referenceOnlyLeadRows are the reference configuration's rows the product
// document does not list.
var referenceOnlyLeadRows = []row{
	{"company.companyDunsNumber", "CompanyDunsNumber"}, {"companyDunsNumber", "CompanyDunsNumber"},
	{"currencyIsoCode", "CurrencyIsoCode"},
	{"division", "Division"},
	{"fax", "Fax"},
	{"hasOptedOutOfEmail", "HasOptedOutOfEmail"},
	{"hasOptedOutOfFax", "HasOptedOutOfFax"},
	{"middleName", "MiddleName"},
	{"mobilePhone", "MobilePhone"},
	{"recordTypeId", "RecordTypeId"},
	{"suffix", "Suffix"},
}

func TestLeadRows(t *testing.T) {
	for _, r := range slices.Concat(seedLeadRows, referenceOnlyLeadRows) {
		t.Run(r.source, func(t *testing.T) {
			value := "value of " + r.source
			flat := map[string]any{"email": "row@example.com", r.source: value}
			if strings.HasPrefix(r.source, "company.") && r.source != "company.name" {
				// A company object needs a name: see TestCompany.
				flat["company.name"] = "Acme"
			}
			if r.source == "email" {
				value = "row@example.com"
				flat[r.source] = value
			}
			lead := buildLead(t, mustJSON(t, flat), mappingOn)

			if slices.Contains(ReadOnlyLeadFields(), r.field) {
				// Never sent: see TestReadOnlyFieldsNotSent.
				if got, sent := lead.LeadFields[r.field]; sent {
					t.Errorf("read-only %s = %#v was sent", r.field, got)
				}
				if !slices.Contains(lead.Unwritten, Unwritten{Trait: r.source, Object: "Lead", Field: r.field, Why: readOnlyLead[r.field]}) {
					t.Errorf("Unwritten = %v, want trait %s reported", lead.Unwritten, r.source)
				}
			} else if got := lead.LeadFields[r.field]; got != value {
				t.Errorf("%s = %#v, want %q from trait %s", r.field, got, value, r.source)
			}
			top, _, _ := strings.Cut(r.source, ".")
			if _, leaked := lead.LeadFields[top+"__c"]; leaked {
				t.Errorf("mapped trait %s was also sent as custom field %s__c", top, top)
			}
		})
	}
}

func TestLeadRowsCoverEveryField(t *testing.T) {
	var covered []string
	for _, r := range slices.Concat(seedLeadRows, referenceOnlyLeadRows) {
		covered = append(covered, r.field)
	}
	slices.Sort(covered)
	covered = slices.Compact(covered)
	if got := LeadFieldNames(); !slices.Equal(got, covered) {
		t.Errorf("LeadFieldNames() = %v\nrow tests cover %v", got, covered)
	}
	// The reference's 44 fields plus the 15 seed rows it lacks.
	if n := len(LeadFieldNames()); n != 44+15 {
		t.Errorf("len(LeadFieldNames()) = %d, want 59", n)
	}
}

func TestLeadDeviatingSeedRows(t *testing.T) {
	cases := map[string]struct {
		reason  string
		traits  string
		absent  []string
		present map[string]any
	}{
		"NameIsSplit": {
			reason:  "Name is a read-only compound field, so name fills FirstName and LastName",
			traits:  `{"email":"a@example.com","name":"Ada Lovelace"}`,
			absent:  []string{"Name", "name__c"},
			present: map[string]any{"FirstName": "Ada", "LastName": "Lovelace"},
		},
		"IDIsNeverAField": {
			reason: "Id is the record key and the reference's id__c is nobody's field",
			traits: `{"email":"a@example.com","id":"00Q000000000001"}`,
			absent: []string{"Id", "id__c"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, fields := range []map[string]any{
				buildLead(t, tc.traits, mappingOn).LeadFields,
				buildLead(t, tc.traits, mappingOn).ContactFields,
			} {
				for _, f := range tc.absent {
					if v, ok := fields[f]; ok {
						t.Errorf("%s: %s = %#v, want absent", tc.reason, f, v)
					}
				}
				for f, want := range tc.present {
					if fields[f] != want {
						t.Errorf("%s: %s = %#v, want %#v", tc.reason, f, fields[f], want)
					}
				}
			}
		})
	}
}

func TestReadOnlyLeadFieldsAreMapped(t *testing.T) {
	mapped := LeadFieldNames()
	for _, f := range ReadOnlyLeadFields() {
		if !slices.Contains(mapped, f) {
			t.Errorf("read-only field %s is not produced by the Lead mapping", f)
		}
	}
	for _, f := range []string{"IsConverted", "CreatedDate", "CreatedById", "IsDeleted", "SystemModstamp"} {
		if !slices.Contains(ReadOnlyLeadFields(), f) {
			t.Errorf("ReadOnlyLeadFields() lacks %s", f)
		}
	}
}
