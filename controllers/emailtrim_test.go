package controllers

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

var _ = Describe("SalesforceIdentity, email with surrounding whitespace", func() {
	DescribeTable("finds the Lead a padded email created: exactly one Lead after a second apply",
		func(batching bool) {
			if !batching {
				stopManager()
				startManager(func(o *Options) { o.Batching = false })
				DeferCleanup(func() {
					stopManager()
					startManager()
				})
			}
			ns := newNamespace()
			readyDestination(ns, "prod")
			email := uniqueEmail(ns, "padded")

			createIdentity(ns, "first", map[string]any{"email": "  " + email + " ", "lastName": "First"})
			first := waitIdentity(ns, "first", sfv1.ReasonSynced)
			Expect(leadsWithEmail(email)).To(HaveLen(1))
			Expect(leadsWithEmail(email)[0]).To(HaveKeyWithValue("Email", email), "the value sent is trimmed")

			// The second apply has no record ID yet, so it looks the Lead up by email.
			createIdentity(ns, "second", map[string]any{"email": "\t" + email + "  ", "lastName": "Second"})
			second := waitIdentity(ns, "second", sfv1.ReasonSynced)
			Expect(second.Status.Records[0].ID).To(Equal(first.Status.Records[0].ID))
			Expect(second.Status.Records[0].Operation).To(Equal(sfv1.RecordUpdated))
			Expect(leadsWithEmail(email)).To(HaveLen(1))
			Expect(leadsWithEmail(email)[0]).To(HaveKeyWithValue("LastName", "Second"))
		},
		Entry("with batching", true),
		Entry("without batching", false),
	)

	It("takes an email of only whitespace for no email, and makes no call", func() {
		ns := newNamespace()
		readyDestination(ns, "prod")
		calls := emu.APICallsUsed()
		createIdentity(ns, "blank", map[string]any{"email": "   ", "lastName": ns})
		waitIdentity(ns, "blank", sfv1.ReasonMissingEmail)
		Expect(emu.APICallsUsed()).To(Equal(calls))
	})
})
