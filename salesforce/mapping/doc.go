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
//  4. A trait key that already ends in "__c" is not suffixed again.
//  5. A custom trait whose value is an object or an array is rejected, naming
//     the trait; so is an object or array reaching a mapped field, such as a
//     company object without a name (the reference sends the object).
//  6. A name that is not a string is rejected instead of failing the
//     transformation.
//  7. Two traits that would fill the same custom field (foo and foo__c) are
//     rejected: the reference lets the later key win, and JSON objects carry
//     no order we could honour.
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
//
// Read-only fields of the seed table (IsConverted, CreatedDate, …) are mapped
// as the seed says; ReadOnlyLeadFields lists them so callers may refuse them
// before any write.
package mapping
