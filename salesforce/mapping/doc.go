// Package mapping turns one identify — a traits JSON object, its externalId
// list and the destination's settings — into the Salesforce writes it implies.
// It performs no I/O: the controller decides which record to write from what
// Salesforce reports, and uses the Plan for the bodies.
//
// Two flows exist. When the externalId list holds an entry whose type starts
// with "Salesforce-", every such entry becomes a Target that receives the
// traits exactly as given, whatever the object. Otherwise the Lead flow runs:
// the traits are mapped to Lead fields (and, for a converted lead routed to
// its Contact, to Contact fields) following the product's mapping table and
// the reference implementation's rules.
//
// # Deliberate deviations from the reference implementation
//
//  1. The seed table lists name → Name, but Name is a read-only compound
//     field: name is split into FirstName and LastName, never sent as Name.
//  2. The seed table lists id → Id, but Id is the record key, not a field. A
//     trait "id" is dropped by the Lead and Contact mappings: neither Id nor
//     the id__c the reference would produce is sent.
//  3. Seed table rows the reference's Lead configuration lacks
//     (ConvertedAccountId, ConvertedContactId, ConvertedDate,
//     ConvertedOpportunityId, EmailBouncedDate, EmailBouncedReason,
//     JigsawContactId, LastActivityDate, LastModifiedById, LastModifiedDate,
//     LastReferencedDate, LastViewedDate, MasterRecordId, PhotoUrl,
//     SystemModstamp) are mapped as the seed says, and their traits are not
//     also sent as custom fields (the reference would send convertedDate__c).
//  4. A trait key that already ends in "__c", in any case, is not suffixed
//     again ("foo__C" is sent as foo__c).
//  5. A custom trait whose value is an object or an array is rejected, naming
//     the trait; so is an object or array reaching a mapped field, such as a
//     company object without a name (the reference sends the object).
//  6. A name that is not a string is rejected instead of failing the
//     transformation.
//  7. Two traits that would fill the same custom field (foo and foo__c, foo
//     and FOO__c: Salesforce compares API names case-insensitively) are
//     rejected: the reference lets the later key win, and JSON objects carry
//     no order we could honour. Traits sent as field names (mapping off, or an
//     externalId target) are rejected the same way when two keys differ only
//     in case.
//  8. externalId targets named Lead or Contact get the traits unchanged, like
//     every other object (the reference maps them).
//  9. Only externalId types starting with "Salesforce-" count (the reference
//     accepts any type containing "Salesforce"); the object must be a
//     Salesforce API name and an id must be 15 or 18 alphanumerics.
//  10. MapRudderProperties is honoured; the reference reads a misspelt key
//     and so always maps. With it off the traits are Salesforce field names,
//     so the Lead is looked up by email or, when that is absent, by the Email
//     field the body carries (the reference only reads email).
//  11. On a Contact, a company object only feeds Industry (company.industry);
//     the reference would also send it as company__c, which Salesforce
//     refuses. A company string still becomes company__c.
//  12. A problem only the Contact mapping has (an object-valued age, which
//     the Lead drops) does not fail the plan: it is reported in
//     LeadPlan.ContactError and matters only when a converted lead is routed
//     to its Contact.
//  13. A flattened key ({"address.city": "Paris"}) is read before descending,
//     as the reference's lodash get does, and is then consumed like the
//     nested object it spells: the reference would also send address.city__c.
//  14. The email is trimmed once, here: the MissingEmail check, the lookup
//     and the value sent all use the trimmed address, so "   " is no email
//     and " a@b.co " finds the Lead a@b.co.
//  15. A trait key that cannot become a custom field name (a space, a dot no
//     rule reads, a non-ASCII letter, a leading digit, an empty key, double
//     or trailing underscores) is rejected with InvalidTraits naming every
//     such key; the reference sends "favorite color__c" and Salesforce
//     refuses the whole write.
//  16. name gives its first word as the first name and everything after it
//     as the last name ("Alex Van Halen" → Alex, Van Halen); an empty or
//     missing last part is "n/a". The reference keeps only the last word and
//     sends no LastName for "Peter ", which Salesforce refuses.
//  17. A custom trait whose value is false or 0 is sent (a checkbox can be
//     unchecked, a counter reset); only null and "" are skipped. The
//     reference drops every falsy value.
//  18. Mapped fields Salesforce refuses to write (the audit and conversion
//     fields, IsDeleted, MasterRecordId, PhotoUrl, JigsawContactId, and
//     IsConverted, which a create accepts but the same body also updates;
//     IsDeleted and IsPersonAccount on a Contact) are not sent. Their traits
//     are listed in LeadPlan.Unwritten with the reason, for the condition
//     message. The reference sends them and the write fails.
//  19. CheckPlan, given the org's describe, refuses before any call a field
//     the object does not have and a text value longer than its field holds
//     (LastName 80, Email 80, Company 255, …), naming the field, its limit
//     and the trait; the reference lets Salesforce answer STRING_TOO_LONG or
//     INVALID_FIELD.
//
// ReadOnlyLeadFields lists the Lead fields of deviation 18, checked against
// Salesforce's Lead object reference (fields without the Create or Update
// property).
package mapping
