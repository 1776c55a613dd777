package emulator

import (
	"fmt"
	"strings"
)

// field types, as describe reports them.
const (
	tID        = "id"
	tString    = "string"
	tEmail     = "email"
	tPhone     = "phone"
	tURL       = "url"
	tTextarea  = "textarea"
	tPicklist  = "picklist"
	tBoolean   = "boolean"
	tDouble    = "double"
	tInt       = "int"
	tCurrency  = "currency"
	tPercent   = "percent"
	tDate      = "date"
	tDatetime  = "datetime"
	tReference = "reference"
)

type fieldDef struct {
	Name, Label, Type string
	Length            int
	Nillable          bool
	Createable        bool
	Updateable        bool
	Custom            bool
	ExternalID        bool
	IDLookup          bool
	Unique            bool
	Required          bool // must be non-empty on create and may not be cleared
	Default           any
	ReferenceTo       []string
}

func (f *fieldDef) textual() bool {
	switch f.Type {
	case tString, tEmail, tPhone, tURL, tTextarea, tPicklist:
		return true
	}
	return false
}

// filterable is false for long text areas: SOQL can select them but not filter on them.
func (f *fieldDef) filterable() bool { return f.Type != tTextarea || f.Length <= 255 }

// indexed fields get a value index so that upserts and equality queries stay O(1).
func (f *fieldDef) indexed() bool { return f.ExternalID || f.IDLookup || f.Unique }

type objectDef struct {
	Name, Label, LabelPlural, KeyPrefix string
	Custom                              bool
	fields                              []*fieldDef
	byLower                             map[string]*fieldDef
	derivedName                         bool // Name = Salutation First Middle Last Suffix
}

func (o *objectDef) field(name string) *fieldDef { return o.byLower[strings.ToLower(name)] }

func (o *objectDef) add(f *fieldDef) {
	if f.Label == "" {
		f.Label = labelFor(f.Name)
	}
	if existing := o.byLower[strings.ToLower(f.Name)]; existing != nil {
		*existing = *f
		return
	}
	o.fields = append(o.fields, f)
	o.byLower[strings.ToLower(f.Name)] = f
}

// labelFor turns an API name into the label Salesforce shows in STRING_TOO_LONG messages.
func labelFor(name string) string {
	name = strings.TrimSuffix(name, "__c")
	if strings.HasSuffix(name, "Id") && len(name) > 2 {
		return splitCamel(name[:len(name)-2]) + " ID"
	}
	return splitCamel(strings.ReplaceAll(name, "_", " "))
}

func splitCamel(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' && s[i-1] >= 'a' && s[i-1] <= 'z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// field constructors keep the schema tables readable.
func txt(name string, length int) *fieldDef {
	return &fieldDef{Name: name, Type: tString, Length: length, Nillable: true, Createable: true, Updateable: true}
}
func typed(name, typ string, length int) *fieldDef {
	f := txt(name, length)
	f.Type = typ
	return f
}
func boolean(name string) *fieldDef {
	return &fieldDef{Name: name, Type: tBoolean, Createable: true, Updateable: true, Default: false}
}
func ref(name string, to ...string) *fieldDef {
	f := typed(name, tReference, 18)
	f.ReferenceTo = to
	return f
}
func readOnly(f *fieldDef) *fieldDef {
	f.Createable, f.Updateable = false, false
	return f
}
func required(f *fieldDef) *fieldDef {
	f.Required, f.Nillable = true, false
	return f
}
func createOnly(f *fieldDef) *fieldDef {
	f.Updateable = false
	return f
}
func withLabel(f *fieldDef, label string) *fieldDef {
	f.Label = label
	return f
}
func withDefault(f *fieldDef, v any) *fieldDef {
	f.Default = v
	return f
}
func idLookup(f *fieldDef) *fieldDef {
	f.IDLookup = true
	return f
}

// systemFields are the leading and trailing fields every object shares.
func systemFields() []*fieldDef {
	id := readOnly(&fieldDef{Name: "Id", Label: "Record ID", Type: tID, Length: 18, IDLookup: true})
	return []*fieldDef{
		id,
		readOnly(boolean("IsDeleted")),
	}
}

func auditFields() []*fieldDef {
	return []*fieldDef{
		readOnly(typed("CreatedDate", tDatetime, 0)),
		readOnly(ref("CreatedById", "User")),
		readOnly(typed("LastModifiedDate", tDatetime, 0)),
		readOnly(ref("LastModifiedById", "User")),
		readOnly(typed("SystemModstamp", tDatetime, 0)),
	}
}

func lastDates() []*fieldDef {
	return []*fieldDef{
		readOnly(typed("LastActivityDate", tDate, 0)),
		readOnly(typed("LastViewedDate", tDatetime, 0)),
		readOnly(typed("LastReferencedDate", tDatetime, 0)),
	}
}

func newObject(name, label, plural, prefix string, custom bool, groups ...[]*fieldDef) *objectDef {
	o := &objectDef{Name: name, Label: label, LabelPlural: plural, KeyPrefix: prefix, Custom: custom,
		byLower: map[string]*fieldDef{}}
	for _, g := range groups {
		for _, f := range g {
			o.add(f)
		}
	}
	return o
}

func personNameFields() []*fieldDef {
	return []*fieldDef{
		readOnly(txt("Name", 121)),
		typed("Salutation", tPicklist, 40),
		txt("FirstName", 40),
		txt("MiddleName", 40),
		required(txt("LastName", 80)),
		txt("Suffix", 40),
	}
}

func leadObject() *objectDef {
	o := newObject("Lead", "Lead", "Leads", "00Q", false, systemFields(),
		[]*fieldDef{readOnly(ref("MasterRecordId", "Lead"))},
		personNameFields(),
		[]*fieldDef{
			required(txt("Company", 255)),
			txt("CompanyDunsNumber", 9),
			txt("Title", 128),
			idLookup(typed("Email", tEmail, 80)),
			typed("Phone", tPhone, 40),
			typed("MobilePhone", tPhone, 40),
			typed("Fax", tPhone, 40),
			typed("Website", tURL, 255),
			typed("Street", tTextarea, 255),
			txt("City", 40),
			txt("State", 80),
			typed("StateCode", tPicklist, 10),
			txt("PostalCode", 20),
			txt("Country", 80),
			typed("CountryCode", tPicklist, 10),
			typed("Latitude", tDouble, 0),
			typed("Longitude", tDouble, 0),
			typed("GeocodeAccuracy", tPicklist, 40),
			typed("Accuracy", tPicklist, 40),
			withLabel(typed("Description", tTextarea, 32000), "Description"),
			typed("Industry", tPicklist, 255),
			typed("AnnualRevenue", tCurrency, 0),
			typed("NumberOfEmployees", tInt, 0),
			typed("LeadSource", tPicklist, 255),
			typed("Rating", tPicklist, 255),
			withLabel(withDefault(typed("Status", tPicklist, 255), "Open - Not Contacted"), "Lead Status"),
			typed("CurrencyIsoCode", tPicklist, 3),
			typed("Division", tPicklist, 40),
			boolean("HasOptedOutOfEmail"),
			boolean("HasOptedOutOfFax"),
			boolean("IsUnreadByOwner"),
			txt("Jigsaw", 20),
			// Lead object reference: JigsawContactId and PhotoUrl have no Create or Update
			// property; the email bounce fields do.
			readOnly(txt("JigsawContactId", 20)),
			readOnly(typed("PhotoUrl", tURL, 255)),
			typed("EmailBouncedDate", tDatetime, 0),
			txt("EmailBouncedReason", 255),
			ref("IndividualId", "Individual"),
			ref("OwnerId", "User", "Group"),
			ref("RecordTypeId", "RecordType"),
			createOnly(boolean("IsConverted")),
			readOnly(typed("ConvertedDate", tDate, 0)),
			readOnly(ref("ConvertedAccountId", "Account")),
			readOnly(ref("ConvertedContactId", "Contact")),
			readOnly(ref("ConvertedOpportunityId", "Opportunity")),
		},
		auditFields(), lastDates())
	o.derivedName = true
	return o
}

func contactObject() *objectDef {
	o := newObject("Contact", "Contact", "Contacts", "003", false, systemFields(),
		[]*fieldDef{readOnly(ref("MasterRecordId", "Contact")), ref("AccountId", "Account")},
		personNameFields(),
		[]*fieldDef{
			txt("Title", 128),
			txt("Department", 80),
			idLookup(typed("Email", tEmail, 80)),
			typed("Phone", tPhone, 40),
			typed("MobilePhone", tPhone, 40),
			typed("HomePhone", tPhone, 40),
			typed("Fax", tPhone, 40),
			txt("AssistantName", 40),
			typed("AssistantPhone", tPhone, 40),
			typed("Birthdate", tDate, 0),
			typed("MailingStreet", tTextarea, 255),
			txt("MailingCity", 40),
			txt("MailingState", 80),
			typed("MailingStateCode", tPicklist, 10),
			txt("MailingPostalCode", 20),
			txt("MailingCountry", 80),
			typed("MailingCountryCode", tPicklist, 10),
			typed("MailingLatitude", tDouble, 0),
			typed("MailingLongitude", tDouble, 0),
			typed("MailingGeocodeAccuracy", tPicklist, 40),
			typed("Description", tTextarea, 32000),
			typed("Industry", tPicklist, 255),
			typed("LeadSource", tPicklist, 255),
			typed("CleanStatus", tPicklist, 40),
			boolean("CanAllowPortalSelfReg"),
			boolean("DoNotCall"),
			boolean("HasOptedOutOfEmail"),
			boolean("HasOptedOutOfFax"),
			boolean("IsEmailBounced"),
			readOnly(boolean("IsPersonAccount")),
			typed("EmailBouncedDate", tDatetime, 0),
			txt("EmailBouncedReason", 255),
			txt("Jigsaw", 20),
			ref("IndividualId", "Individual"),
			ref("ReportsToId", "Contact"),
			ref("OwnerId", "User"),
			ref("RecordTypeId", "RecordType"),
		},
		auditFields(), lastDates())
	o.derivedName = true
	return o
}

func accountObject() *objectDef {
	return newObject("Account", "Account", "Accounts", "001", false, systemFields(),
		[]*fieldDef{
			readOnly(ref("MasterRecordId", "Account")),
			withLabel(required(txt("Name", 255)), "Account Name"),
			typed("Type", tPicklist, 255),
			ref("ParentId", "Account"),
			typed("BillingStreet", tTextarea, 255), txt("BillingCity", 40), txt("BillingState", 80),
			txt("BillingPostalCode", 20), txt("BillingCountry", 80),
			typed("ShippingStreet", tTextarea, 255), txt("ShippingCity", 40), txt("ShippingState", 80),
			txt("ShippingPostalCode", 20), txt("ShippingCountry", 80),
			typed("Phone", tPhone, 40), typed("Fax", tPhone, 40), txt("AccountNumber", 40),
			typed("Website", tURL, 255), typed("Industry", tPicklist, 255),
			typed("AnnualRevenue", tCurrency, 0), typed("NumberOfEmployees", tInt, 0),
			typed("Description", tTextarea, 32000), ref("OwnerId", "User"),
		},
		auditFields(), lastDates())
}

func opportunityObject() *objectDef {
	return newObject("Opportunity", "Opportunity", "Opportunities", "006", false, systemFields(),
		[]*fieldDef{
			ref("AccountId", "Account"),
			withLabel(required(txt("Name", 120)), "Name"),
			typed("Description", tTextarea, 32000),
			withLabel(required(typed("StageName", tPicklist, 255)), "Stage"),
			typed("Amount", tCurrency, 0),
			typed("Probability", tPercent, 0),
			withLabel(required(typed("CloseDate", tDate, 0)), "Close Date"),
			typed("Type", tPicklist, 255),
			typed("LeadSource", tPicklist, 255),
			readOnly(boolean("IsClosed")),
			readOnly(boolean("IsWon")),
			ref("OwnerId", "User"),
		},
		auditFields(), lastDates())
}

func caseObject() *objectDef {
	return newObject("Case", "Case", "Cases", "500", false, systemFields(),
		[]*fieldDef{
			readOnly(ref("MasterRecordId", "Case")),
			readOnly(txt("CaseNumber", 30)),
			ref("ContactId", "Contact"),
			ref("AccountId", "Account"),
			txt("SuppliedName", 80),
			typed("SuppliedEmail", tEmail, 80),
			txt("SuppliedPhone", 40),
			txt("SuppliedCompany", 80),
			typed("Type", tPicklist, 255),
			withDefault(typed("Status", tPicklist, 255), "New"),
			typed("Reason", tPicklist, 255),
			typed("Origin", tPicklist, 255),
			txt("Subject", 255),
			withDefault(typed("Priority", tPicklist, 255), "Medium"),
			typed("Description", tTextarea, 32000),
			readOnly(boolean("IsClosed")),
			readOnly(typed("ClosedDate", tDatetime, 0)),
			ref("OwnerId", "User", "Group"),
		},
		auditFields(), lastDates())
}

func customObject(def ObjectDef) *objectDef {
	o := newObject(def.Name, def.Label, def.Label+"s", def.KeyPrefix, true, systemFields(),
		[]*fieldDef{withLabel(txt("Name", 80), def.Label+" Name"), ref("OwnerId", "User", "Group")},
		auditFields(), lastDates())
	for _, r := range def.Required {
		if f := o.field(r); f != nil {
			required(f)
		}
	}
	return o
}

func customField(def FieldDef) (*fieldDef, error) {
	if !strings.HasSuffix(strings.ToLower(def.Name), "__c") {
		return nil, fmt.Errorf("custom field name %q must end in __c", def.Name)
	}
	typ := strings.ToLower(def.Type)
	switch typ {
	case "", "text":
		typ = tString
	case "checkbox":
		typ = tBoolean
	case "number":
		typ = tDouble
	case tString, tEmail, tPhone, tURL, tTextarea, tPicklist, tBoolean, tDouble, tInt, tCurrency,
		tPercent, tDate, tDatetime, tReference:
	default:
		return nil, fmt.Errorf("unsupported custom field type %q", def.Type)
	}
	f := typed(def.Name, typ, def.Length)
	if typ == tBoolean {
		f = boolean(def.Name)
	}
	f.Custom, f.ExternalID, f.Unique = true, def.ExternalID, def.Unique
	if f.textual() && f.Length == 0 {
		f.Length = 255
	}
	return f, nil
}

// standardObjects returns fresh definitions of the objects every org has.
func standardObjects() []*objectDef {
	return []*objectDef{leadObject(), contactObject(), accountObject(), opportunityObject(), caseObject()}
}
