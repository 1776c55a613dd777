package mapping

import "fmt"

// Settings are the destination options that change what an identify writes.
type Settings struct {
	// MapRudderProperties maps traits to Salesforce fields in the Lead flow;
	// when false the raw traits are sent.
	MapRudderProperties bool
	// UseContactIDForConvertedLeads routes a converted lead to its Contact.
	// Build computes the Contact body regardless; the controller decides.
	UseContactIDForConvertedLeads bool
}

// ExternalID is one entry of an identify's externalId list.
type ExternalID struct {
	Type string
	ID   string
}

// Plan is everything one identify implies.
type Plan struct {
	// Lead is set when the Lead flow runs (no Salesforce- externalId entry).
	Lead *LeadPlan
	// Targets holds one write per Salesforce-X externalId entry, in order.
	Targets []Target
}

// LeadPlan is the Lead flow's part of a plan.
type LeadPlan struct {
	// Email is the lookup key for the Lead.
	Email string
	// LeadFields is the body for creating or updating the Lead.
	LeadFields map[string]any
	// ContactFields is the body for a converted lead's Contact. It is nil
	// when ContactError is set.
	ContactFields map[string]any
	// ContactError explains why the traits cannot be written to a Contact.
	// It matters only when a converted lead is routed to its Contact.
	ContactError *ValidationError
	// LeadTraits and ContactTraits name, for each field of the bodies, the
	// trait it came from, so a refusal can point at what the user wrote.
	LeadTraits    map[string]string
	ContactTraits map[string]string
	// Unwritten are the traits the mapping did not send, and why.
	Unwritten []Unwritten
}

// Unwritten is a trait the mapping leaves out of a body on purpose.
type Unwritten struct {
	Trait, Object, Field, Why string
}

func (u Unwritten) String() string {
	return fmt.Sprintf("trait %q was not written to %s.%s: %s", u.Trait, u.Object, u.Field, u.Why)
}

// Target is one write to an arbitrary sObject named by an externalId entry.
type Target struct {
	SObject string
	// ID is the record to update; empty means create.
	ID     string
	Fields map[string]any
}
