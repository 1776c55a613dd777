package mapping

// fieldRule fills one Salesforce field from the first present trait path.
type fieldRule struct {
	field   string
	sources []string
	// fallback is sent when no source is present; nil sends nothing.
	fallback any
}

func rule(field string, sources ...string) fieldRule {
	return fieldRule{field: field, sources: sources}
}

// notAvailable is what the reference writes into fields Salesforce requires
// when the traits do not supply them.
const notAvailable = "n/a"

// leadRules is the reference's Lead configuration plus the seed table's rows
// it lacks (marked "seed"). name and id are absent on purpose: see doc.go.
var leadRules = []fieldRule{
	rule("Accuracy", "address.accuracy", "accuracy"),
	rule("AnnualRevenue", "company.annualRevenue"),
	rule("City", "address.city", "city"),
	{field: "Company", sources: []string{"company.name", "company"}, fallback: notAvailable},
	rule("CompanyDunsNumber", "company.companyDunsNumber", "companyDunsNumber"),
	rule("ConvertedAccountId", "convertedAccountId"),         // seed
	rule("ConvertedContactId", "convertedContactId"),         // seed
	rule("ConvertedDate", "convertedDate"),                   // seed
	rule("ConvertedOpportunityId", "convertedOpportunityId"), // seed
	rule("Country", "address.country", "country"),
	rule("CountryCode", "address.countryCode", "countryCode"),
	rule("CreatedById", "createdById"),
	rule("CreatedDate", "createdAt", "createddate"),
	rule("CurrencyIsoCode", "currencyIsoCode"),
	rule("Description", "description"),
	rule("Division", "division"),
	rule("Email", "email"),
	rule("EmailBouncedDate", "emailBouncedDate"),     // seed
	rule("EmailBouncedReason", "emailBouncedReason"), // seed
	rule("Fax", "fax"),
	rule("FirstName", "firstName"),
	rule("GeocodeAccuracy", "geocodeAccuracy"),
	rule("HasOptedOutOfEmail", "hasOptedOutOfEmail"),
	rule("HasOptedOutOfFax", "hasOptedOutOfFax"),
	rule("IndividualId", "individualId"),
	rule("Industry", "company.industry"),
	rule("IsConverted", "isConverted"),
	rule("IsDeleted", "isDeleted"),
	rule("IsUnreadByOwner", "isUnreadByOwner"),
	rule("Jigsaw", "jigsaw"),
	rule("JigsawContactId", "jigsawContactId"),   // seed
	rule("LastActivityDate", "lastActivityDate"), // seed
	rule("LastModifiedById", "lastModifiedById"), // seed
	rule("LastModifiedDate", "lastModifiedDate"), // seed
	rule("LastName", "lastName"),
	rule("LastReferencedDate", "lastReferencedDate"), // seed
	rule("LastViewedDate", "lastViewedDate"),         // seed
	rule("Latitude", "address.latitude", "latitude"),
	rule("LeadSource", "LeadSource"),
	rule("Longitude", "address.longitude", "longitude"),
	rule("MasterRecordId", "masterRecordId"), // seed
	rule("MiddleName", "middleName"),
	rule("MobilePhone", "mobilePhone"),
	rule("NumberOfEmployees", "company.employee_count"),
	rule("OwnerId", "ownerId"),
	rule("Phone", "phone"),
	rule("PhotoUrl", "photoUrl"), // seed
	rule("PostalCode", "address.postalCode", "postalCode"),
	rule("Rating", "rating"),
	rule("RecordTypeId", "recordTypeId"),
	rule("Salutation", "salutation"),
	rule("State", "address.state", "state"),
	rule("StateCode", "address.stateCode", "stateCode"),
	rule("Status", "status"),
	rule("Street", "address.street", "street"),
	rule("Suffix", "suffix"),
	rule("SystemModstamp", "systemModstamp"), // seed
	rule("Title", "title"),
	rule("Website", "website"),
}

// contactRules is the reference's Contact configuration. It has no Company.
var contactRules = []fieldRule{
	rule("AccountId", "accountId"),
	rule("AssistantName", "assistantName"),
	rule("AssistantPhone", "assistantPhone"),
	rule("Birthdate", "birthday"),
	rule("CanAllowPortalSelfReg", "canAllowPortalSelfReg"),
	rule("CleanStatus", "cleanStatus"),
	rule("Department", "department"),
	rule("Description", "description"),
	rule("DoNotCall", "doNotCall"),
	rule("Email", "email"),
	rule("EmailBouncedDate", "emailBouncedDate"),
	rule("EmailBouncedReason", "emailBouncedReason"),
	rule("Fax", "fax"),
	rule("FirstName", "firstName"),
	rule("HasOptedOutOfEmail", "hasOptedOutOfEmail"),
	rule("HasOptedOutOfFax", "hasOptedOutOfFax"),
	rule("HomePhone", "homePhone"),
	rule("IndividualId", "individualId"),
	rule("Industry", "company.industry"),
	rule("IsDeleted", "isDeleted"),
	rule("IsEmailBounced", "isEmailBounced"),
	rule("IsPersonAccount", "isPersonAccount"),
	rule("Jigsaw", "jigsaw"),
	rule("LastName", "lastName"),
	rule("LeadSource", "LeadSource"),
	rule("MailingCity", "address.city", "city"),
	rule("MailingCountry", "address.country", "country"),
	rule("MailingCountryCode", "address.countryCode", "countryCode"),
	rule("MailingGeocodeAccuracy", "geocodeAccuracy"),
	rule("MailingLatitude", "address.latitude", "latitude"),
	rule("MailingLongitude", "address.longitude", "longitude"),
	rule("MailingPostalCode", "address.postalCode", "postalCode"),
	rule("MailingState", "address.state", "state"),
	rule("MailingStateCode", "address.stateCode", "stateCode"),
	rule("MailingStreet", "address.street", "street"),
	rule("MiddleName", "middleName"),
	rule("MobilePhone", "mobilePhone"),
	rule("OwnerId", "ownerId"),
	rule("Phone", "phone"),
	rule("RecordTypeId", "recordTypeId"),
	rule("ReportsToId", "reportsToId"),
	rule("Salutation", "salutation"),
	rule("Suffix", "suffix"),
	rule("Title", "title"),
}

// recordKeyTrait is never turned into a field: Id is the record key and the
// reference's id__c is a field nobody creates.
const recordKeyTrait = "id"

// leadIgnored are the trait keys never sent as Lead custom fields: the
// reference's list (exact, case-sensitive), the keys of the seed rows added
// above, and the record key.
var leadIgnored = keySet(
	"accuracy", "address", "city", "company", "companyDunsNumber", "country", "countryCode",
	"currencyIsoCode", "createdAt", "createdById", "createddate", "description", "division",
	"email", "fax", "firstName", "geocodeAccuracy", "hasOptedOutOfEmail", "hasOptedOutOfFax",
	"individualId", "isConverted", "isDeleted", "isUnreadByOwner", "jigsaw", "lastName",
	"latitude", "LeadSource", "longitude", "middleName", "mobilePhone", "ownerId", "phone",
	"postalCode", "rating", "recordTypeId", "salutation", "state", "stateCode", "status",
	"street", "suffix", "title", "website",
	// unmapped in the reference, and therefore dropped
	"age", "anonymousId", "avatar", "birthday", "gender", "name",
	// seed rows
	"convertedAccountId", "convertedContactId", "convertedDate", "convertedOpportunityId",
	"emailBouncedDate", "emailBouncedReason", "jigsawContactId", "lastActivityDate",
	"lastModifiedById", "lastModifiedDate", "lastReferencedDate", "lastViewedDate",
	"masterRecordId", "photoUrl", "systemModstamp",
	recordKeyTrait,
)

// contactIgnored is the reference's Contact list plus the record key. It
// differs from the Lead list: company, rating, status, website, … become
// custom fields on a Contact.
var contactIgnored = keySet(
	"accountId", "address", "anonymousId", "assistantName", "assistantPhone", "avatar",
	"birthday", "canAllowPortalSelfReg", "cleanStatus", "city", "country", "countryCode",
	"department", "description", "doNotCall", "email", "emailBouncedDate",
	"emailBouncedReason", "fax", "firstName", "geocodeAccuracy", "hasOptedOutOfEmail",
	"hasOptedOutOfFax", "homePhone", "individualId", "isDeleted", "isEmailBounced",
	"isPersonAccount", "jigsaw", "lastName", "latitude", "LeadSource", "longitude",
	"middleName", "mobilePhone", "name", "ownerId", "phone", "postalCode", "recordTypeId",
	"reportsToId", "salutation", "state", "stateCode", "street", "suffix", "title",
	recordKeyTrait,
)

// Why a read-only field is not written, as the condition message says it.
const (
	whySystem    = "Salesforce sets this field itself and refuses it on create and update"
	whyConverted = "Salesforce sets this field when the Lead is converted and refuses it on create and update"
	whyDataCom   = "Salesforce fills this field from Data.com and refuses it on create and update"
	whyCreate    = "Salesforce accepts this field on create only, and the same body also updates the Lead"
)

// readOnlyLead are the Lead rules' fields a real org will not write, from
// Salesforce's Lead object reference (no Create or Update property); the
// mapping reports their traits instead of sending a write bound to fail.
var readOnlyLead = map[string]string{
	"ConvertedAccountId": whyConverted, "ConvertedContactId": whyConverted,
	"ConvertedDate": whyConverted, "ConvertedOpportunityId": whyConverted,
	"CreatedById": whySystem, "CreatedDate": whySystem, "IsDeleted": whySystem,
	"LastActivityDate": whySystem, "LastModifiedById": whySystem, "LastModifiedDate": whySystem,
	"LastReferencedDate": whySystem, "LastViewedDate": whySystem, "MasterRecordId": whySystem,
	"SystemModstamp": whySystem, "PhotoUrl": whySystem,
	"JigsawContactId": whyDataCom,
	"IsConverted":     whyCreate,
}

// readOnlyContact is the same for the Contact rules.
var readOnlyContact = map[string]string{
	"IsDeleted": whySystem, "IsPersonAccount": whySystem,
}

func keySet(keys ...string) map[string]bool {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set
}
