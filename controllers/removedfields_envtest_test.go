package controllers

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

func withRemovedFields(p sfv1.RemovedFieldsPolicy) destinationOpt {
	return func(d *sfv1.SalesforceDestination) { d.Spec.RemovedFields = p }
}

// leadAfterEdit syncs an identity with traits, replaces them with edited ones, waits until the
// edit is synced and returns the Lead as Salesforce holds it.
func leadAfterEdit(ns, name string, traits, edited map[string]any) map[string]any {
	createIdentity(ns, name, traits)
	id := waitIdentity(ns, name, sfv1.ReasonSynced).Status.Records[0].ID
	updateTraits(ns, name, edited)
	obj := waitIdentity(ns, name, sfv1.ReasonSynced)
	Expect(obj.Status.Records[0].ID).To(Equal(id))
	lead, ok := emu.Record("Lead", id)
	Expect(ok).To(BeTrue())
	return lead
}

var _ = Describe("removedFields", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("Clear sets a removed trait's field to null and leaves the rest", func() {
		readyDestination(ns, "prod", withRemovedFields(sfv1.RemovedFieldsClear))
		email := uniqueEmail(ns, "clear")
		edited := alexKeener(email)
		delete(edited, "phone")
		delete(edited, "title")
		lead := leadAfterEdit(ns, "clear", alexKeener(email), edited)
		Expect(lead["Phone"]).To(BeNil())
		Expect(lead["Title"]).To(BeNil())
		Expect(lead).To(HaveKeyWithValue("City", "New Orleans"))
		Expect(lead).To(HaveKeyWithValue("Company", "Google Inc."))
	})

	It("Keep (the default) leaves a removed trait's value in Salesforce", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "keep")
		edited := alexKeener(email)
		delete(edited, "phone")
		edited["city"] = "Baton Rouge"
		lead := leadAfterEdit(ns, "keep", alexKeener(email), edited)
		Expect(lead).To(HaveKeyWithValue("Phone", "+1-202-555-0146"))
		Expect(lead).To(HaveKeyWithValue("City", "Baton Rouge"))
	})

	It("Clear never clears a required field, even one that left the plan", func() {
		// Without mapping the traits are the fields, so the required ones can leave the plan.
		readyDestination(ns, "prod", withRemovedFields(sfv1.RemovedFieldsClear), withMapping(false))
		email := uniqueEmail(ns, "required")
		traits := map[string]any{"email": email, "LastName": "Keener", "Company": "Google Inc.", "Phone": "555"}
		lead := leadAfterEdit(ns, "required", traits, map[string]any{"email": email, "Title": "Dr."})
		Expect(lead["Phone"]).To(BeNil())
		Expect(lead).To(HaveKeyWithValue("LastName", "Keener"))
		Expect(lead).To(HaveKeyWithValue("Company", "Google Inc."))
		Expect(lead).To(HaveKeyWithValue("Title", "Dr."))
	})
})
