package controllers

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// dataRequestsSince lists the emulator's logged data calls (lookups and writes, not logins or
// limits) received after since.
func dataRequestsSince(since time.Time) []string {
	var out []string
	for _, r := range emu.Requests() {
		if r.Time.Before(since) {
			continue
		}
		for _, kind := range []string{"/sobjects", "/query", "/composite", "/search"} {
			if strings.Contains(r.Path, kind) {
				out = append(out, r.Method+" "+r.Path+"?"+r.Query)
				break
			}
		}
	}
	return out
}

var _ = Describe("SalesforceIdentity with other destinations' externalIds", func() {
	It("patches the Contact of the Salesforce- entry and ignores the other destination's entry", func() {
		ns := newNamespace()
		readyDestination(ns, "prod")
		contactID, err := emu.Seed("Contact", map[string]any{"LastName": "Before"})
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "braze", map[string]any{"LastName": "Gibbs", "Title": "CTO"}, withExternalIDs(
			sfv1.ExternalID{Type: "Salesforce-Contact", ID: contactID},
			sfv1.ExternalID{Type: "brazeExternalId", ID: "ignored"},
		))
		obj := waitIdentity(ns, "braze", sfv1.ReasonSynced)

		Expect(obj.Status.Records).To(HaveLen(1))
		Expect(obj.Status.Records[0].ObjectType).To(Equal("Contact"))
		Expect(obj.Status.Records[0].ID).To(Equal(contactID))
		contact, ok := emu.Record("Contact", contactID)
		Expect(ok).To(BeTrue())
		Expect(contact).To(HaveKeyWithValue("LastName", "Gibbs"))
		Expect(contact).To(HaveKeyWithValue("Title", "CTO"))
	})
})

var _ = Describe("SalesforceIdentity, Lead flow with mapRudderProperties off", func() {
	var ns string
	BeforeEach(func() {
		ns = newNamespace()
		readyDestination(ns, "prod", withMapping(false))
	})

	It("finds the existing Lead by the Email field and patches it", func() {
		email := uniqueEmail(ns, "unmapped")
		id, err := emu.Seed("Lead", map[string]any{"LastName": "Old", "Company": "Old Co", "Email": email})
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "unmapped", map[string]any{"Email": email, "Title": "CTO"})
		obj := waitIdentity(ns, "unmapped", sfv1.ReasonSynced)

		Expect(obj.Status.Records).To(HaveLen(1))
		Expect(obj.Status.Records[0].ID).To(Equal(id))
		Expect(obj.Status.Records[0].Operation).To(Equal(sfv1.RecordUpdated))
		leads := leadsWithEmail(email)
		Expect(leads).To(HaveLen(1))
		Expect(leads[0]).To(HaveKeyWithValue("Title", "CTO"))
	})

	It("reports MissingEmail without any call when neither email nor Email is given", func() {
		since := time.Now()
		createIdentity(ns, "no-email", map[string]any{"LastName": "Nobody", "Company": ns})
		obj := waitIdentity(ns, "no-email", sfv1.ReasonMissingEmail)
		Expect(readyCondition(obj).Message).To(ContainSubstring("Email"))
		Consistently(func() []string { return dataRequestsSince(since) }, "2s").Should(BeEmpty())
	})
})
