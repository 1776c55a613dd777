package controllers

import (
	"encoding/json"
	"fmt"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// alexKeener is the seed's identify call, with the email made unique per namespace.
func alexKeener(email string) map[string]any {
	return map[string]any{
		"name": "Alex Keener", "title": "Mr.", "email": email, "company": "Google Inc.",
		"phone": "+1-202-555-0146", "rating": "Hot", "city": "New Orleans", "postalCode": "90002",
		"country": "US", "street": "Blue Gum Street", "state": "LA",
	}
}

var _ = Describe("SalesforceIdentity, Lead flow", func() {
	var ns string
	BeforeEach(func() {
		ns = newNamespace()
		readyDestination(ns, "prod")
	})

	It("creates the seed's Alex Keener Lead with the mapped fields and writes its ID back", func() {
		email := uniqueEmail(ns, "alex")
		createIdentity(ns, "alex-keener", alexKeener(email))
		obj := waitIdentity(ns, "alex-keener", sfv1.ReasonSynced)

		leads := leadsWithEmail(email)
		Expect(leads).To(HaveLen(1))
		lead := leads[0]
		Expect(lead).To(HaveKeyWithValue("FirstName", "Alex"))
		Expect(lead).To(HaveKeyWithValue("LastName", "Keener"))
		Expect(lead).To(HaveKeyWithValue("Company", "Google Inc."))
		Expect(lead).To(HaveKeyWithValue("Title", "Mr."))
		Expect(lead).To(HaveKeyWithValue("Phone", "+1-202-555-0146"))
		Expect(lead).To(HaveKeyWithValue("Rating", "Hot"))
		Expect(lead).To(HaveKeyWithValue("City", "New Orleans"))
		Expect(lead).To(HaveKeyWithValue("PostalCode", "90002"))
		Expect(lead).To(HaveKeyWithValue("Country", "US"))
		Expect(lead).To(HaveKeyWithValue("Street", "Blue Gum Street"))
		Expect(lead).To(HaveKeyWithValue("State", "LA"))

		Expect(obj.Status.Records).To(HaveLen(1))
		Expect(obj.Status.Records[0].ObjectType).To(Equal("Lead"))
		Expect(obj.Status.Records[0].ID).To(Equal(lead["Id"]))
		Expect(obj.Status.Records[0].Operation).To(Equal(sfv1.RecordCreated))
		Expect(obj.Status.ObservedGeneration).To(Equal(obj.Generation))
		Expect(obj.Annotations[sfv1.AnnotationState]).To(ContainSubstring(lead["Id"].(string)))
		Eventually(func() []string { return eventReasons(ns, "alex-keener") }).Should(ContainElement("Created"))
	})

	It("keeps kubectl's last-applied copy on the stored object while the cache drops it", func() {
		email := uniqueEmail(ns, "applied")
		lastApplied := `{"apiVersion":"salesforce.destinations.dev/v1alpha1","kind":"SalesforceIdentity","spec":{"traits":{"email":"` + email + `"}}}`
		createIdentity(ns, "applied", map[string]any{"email": email, "lastName": "Applied"}, func(o *sfv1.SalesforceIdentity) {
			o.Annotations = map[string]string{lastAppliedAnnotation: lastApplied}
		})
		obj := waitIdentity(ns, "applied", sfv1.ReasonSynced)
		Expect(obj.Annotations).To(HaveKeyWithValue(lastAppliedAnnotation, lastApplied))
		Expect(obj.Annotations).To(HaveKey(sfv1.AnnotationState))
		Expect(leadsWithEmail(email)).To(HaveLen(1))
	})

	It("PATCHes the same Lead when traits change, and spends nothing on an unchanged resync", func() {
		email := uniqueEmail(ns, "alex")
		createIdentity(ns, "alex", alexKeener(email))
		first := waitIdentity(ns, "alex", sfv1.ReasonSynced)
		id := first.Status.Records[0].ID

		traits := alexKeener(email)
		traits["title"] = "Dr."
		updateTraits(ns, "alex", traits)
		obj := waitIdentity(ns, "alex", sfv1.ReasonSynced)
		Expect(obj.Status.Records[0].ID).To(Equal(id))
		Expect(obj.Status.Records[0].Operation).To(Equal(sfv1.RecordUpdated))
		Eventually(func() any { return leadsWithEmail(email)[0]["Title"] }).Should(Equal("Dr."))
		Expect(leadsWithEmail(email)).To(HaveLen(1))

		// A reconcile with nothing new: an unrelated annotation triggers one.
		calls := emu.APICallsUsed()
		reconciled := identityReconciles()
		base := obj.DeepCopy()
		obj.Annotations["example.com/touch"] = "1"
		Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
		// Zero calls proves nothing unless a reconcile ran.
		Eventually(identityReconciles).Should(BeNumerically(">", reconciled))
		Consistently(emu.APICallsUsed, "2s").Should(Equal(calls))
		Expect(readyCondition(waitIdentity(ns, "alex", sfv1.ReasonSynced)).Status).To(BeEquivalentTo("True"))
	})

	It("writes an identity in sync again when the destination's mapping setting changes", func() {
		email := uniqueEmail(ns, "remap")
		createIdentity(ns, "remap", alexKeener(email))
		waitIdentity(ns, "remap", sfv1.ReasonSynced)
		calls := emu.APICallsUsed()

		// Unmapped, the traits go as they are, and a Lead's name is not a field one can write.
		dest := &sfv1.SalesforceDestination{}
		Expect(k8sClient.Get(suiteCtx, nsName(ns, "prod"), dest)).To(Succeed())
		base := dest.DeepCopy()
		off := false
		dest.Spec.MapRudderProperties = &off
		Expect(k8sClient.Patch(suiteCtx, dest, client.MergeFrom(base))).To(Succeed())
		Eventually(func(g Gomega) {
			obj := &sfv1.SalesforceIdentity{}
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "remap"), obj)).To(Succeed())
			g.Expect(readyCondition(obj)).NotTo(BeNil())
			g.Expect(readyCondition(obj).Status).To(BeEquivalentTo("False"))
			g.Expect(readyCondition(obj).Message).To(ContainSubstring("Name"))
		}).Should(Succeed())
		Expect(emu.APICallsUsed()).To(BeNumerically(">", calls))
	})

	It("finds an existing Lead by email instead of creating one", func() {
		email := uniqueEmail(ns, "existing")
		id, err := emu.Seed("Lead", map[string]any{"LastName": "Old", "Company": "Old Co", "Email": email})
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "existing", map[string]any{"email": email, "firstName": "New", "lastName": "Name", "company": "New Co"})
		obj := waitIdentity(ns, "existing", sfv1.ReasonSynced)
		Expect(obj.Status.Records[0].ID).To(Equal(id))
		Expect(obj.Status.Records[0].Operation).To(Equal(sfv1.RecordUpdated))
		Expect(leadsWithEmail(email)).To(HaveLen(1))
		Expect(leadsWithEmail(email)[0]).To(HaveKeyWithValue("Company", "New Co"))
	})

	It("writes nothing when several Leads share the email", func() {
		email := uniqueEmail(ns, "twins")
		for range 2 {
			_, err := emu.Seed("Lead", map[string]any{"LastName": "Twin", "Company": "Co", "Email": email})
			Expect(err).NotTo(HaveOccurred())
		}
		createIdentity(ns, "twins", map[string]any{"email": email, "lastName": "Twin"})
		obj := waitIdentity(ns, "twins", sfv1.ReasonMultipleLeadsFound)
		Expect(readyCondition(obj).Message).To(ContainSubstring(leadsWithEmail(email)[0]["Id"].(string)))
		for _, l := range leadsWithEmail(email) {
			Expect(l).To(HaveKeyWithValue("Company", "Co"))
		}
	})

	It("makes no call without an email trait", func() {
		calls := emu.APICallsUsed()
		createIdentity(ns, "no-email", map[string]any{"name": "Nobody"})
		obj := waitIdentity(ns, "no-email", sfv1.ReasonMissingEmail)
		Expect(readyCondition(obj).Message).To(ContainSubstring("email"))
		Expect(emu.APICallsUsed()).To(Equal(calls))
	})

	It("rejects a custom trait with an object value, naming the trait", func() {
		createIdentity(ns, "nested", map[string]any{"email": uniqueEmail(ns, "n"), "preferences": map[string]any{"a": 1}})
		obj := waitIdentity(ns, "nested", sfv1.ReasonInvalidTraits)
		Expect(readyCondition(obj).Message).To(ContainSubstring("preferences"))
	})

	It("refuses a field the org does not have before any write, naming the field and the trait", func() {
		email := uniqueEmail(ns, "u")
		createIdentity(ns, "unknown-field", map[string]any{"email": email, "favouriteColour": "teal"})
		obj := waitIdentity(ns, "unknown-field", sfv1.ReasonInvalidTraits)
		Expect(readyCondition(obj).Message).To(ContainSubstring("favouriteColour__c"))
		Expect(readyCondition(obj).Message).To(ContainSubstring(`trait "favouriteColour"`))
		Expect(leadsWithEmail(email)).To(BeEmpty())
	})
})

var _ = Describe("SalesforceIdentity, converted leads", func() {
	It("stops with LeadConverted when useContactIdForConvertedLeads is off", func() {
		ns := newNamespace()
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "conv")
		leadID, err := emu.Seed("Lead", map[string]any{"LastName": "Conv", "Company": "Co", "Email": email})
		Expect(err).NotTo(HaveOccurred())
		_, err = emu.ConvertLead(leadID)
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "conv", map[string]any{"email": email, "lastName": "Conv"})
		obj := waitIdentity(ns, "conv", sfv1.ReasonLeadConverted)
		Expect(readyCondition(obj).Message).To(ContainSubstring("useContactIdForConvertedLeads"))
	})

	It("writes the converted Contact with the Contact mapping when the setting is on", func() {
		ns := newNamespace()
		readyDestination(ns, "prod", withContactIDForConvertedLeads)
		email := uniqueEmail(ns, "conv")
		leadID, err := emu.Seed("Lead", map[string]any{"LastName": "Conv", "Company": "Co", "Email": email})
		Expect(err).NotTo(HaveOccurred())
		contactID, err := emu.ConvertLead(leadID)
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "conv", map[string]any{"email": email, "firstName": "Con", "lastName": "Verted", "title": "CTO"})
		obj := waitIdentity(ns, "conv", sfv1.ReasonSynced)
		Expect(obj.Status.Records).To(HaveLen(1))
		Expect(obj.Status.Records[0].ObjectType).To(Equal("Contact"))
		Expect(obj.Status.Records[0].ID).To(Equal(contactID))
		contact, ok := emu.Record("Contact", contactID)
		Expect(ok).To(BeTrue())
		Expect(contact).To(HaveKeyWithValue("Title", "CTO"))
		Expect(contact).To(HaveKeyWithValue("LastName", "Verted"))
	})

	It("stops with ConvertedContactMissing when a converted Lead has no Contact", func() {
		ns := newNamespace()
		readyDestination(ns, "prod", withContactIDForConvertedLeads)
		email := uniqueEmail(ns, "orphan")
		_, err := emu.Seed("Lead", map[string]any{"LastName": "Orphan", "Company": "Co", "Email": email, "IsConverted": true})
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "orphan", map[string]any{"email": email})
		waitIdentity(ns, "orphan", sfv1.ReasonConvertedContactMissing)
	})
})

var _ = Describe("SalesforceIdentity, externalId targets", func() {
	var ns string
	BeforeEach(func() {
		ns = newNamespace()
		readyDestination(ns, "prod")
	})

	It("updates the named Contact with the traits as they are and creates an Account, remembering its ID", func() {
		contactID, err := emu.Seed("Contact", map[string]any{"LastName": "Before"})
		Expect(err).NotTo(HaveOccurred())
		traits := map[string]any{"FirstName": "John", "LastName": "Gibbs", "Email": uniqueEmail(ns, "john")}
		createIdentity(ns, "john", traits, withExternalIDs(
			sfv1.ExternalID{Type: "Salesforce-Contact", ID: contactID},
		))
		obj := waitIdentity(ns, "john", sfv1.ReasonSynced)
		contact, _ := emu.Record("Contact", contactID)
		Expect(contact).To(HaveKeyWithValue("FirstName", "John"))
		Expect(contact).To(HaveKeyWithValue("LastName", "Gibbs"))
		Expect(obj.Status.Records).To(ConsistOf(HaveField("ID", contactID)))

		// Several entries, one without id: the Account is created and its ID remembered.
		accountsBefore := len(emu.Records("Account"))
		obj = &sfv1.SalesforceIdentity{}
		Expect(k8sClient.Get(suiteCtx, nsName(ns, "john"), obj)).To(Succeed())
		base := obj.DeepCopy()
		obj.Spec.Traits = rawJSON(map[string]any{"Name": "Gibbs Ltd", "LastName": "Gibbs"})
		obj.Spec.ExternalID = []sfv1.ExternalID{{Type: "Salesforce-Contact", ID: "not-a-salesforce-id"}, {Type: "Salesforce-Account"}}
		Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(HaveOccurred(), "an unusable Salesforce- id is rejected at admission")
		obj.Spec.ExternalID = []sfv1.ExternalID{{Type: "Salesforce-Account"}, {Type: "Other-Thing", ID: "any id at all"}}
		obj.Spec.Traits = rawJSON(map[string]any{"Name": "Gibbs Ltd"})
		Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
		obj = waitIdentity(ns, "john", sfv1.ReasonSynced)
		Expect(emu.Records("Account")).To(HaveLen(accountsBefore + 1))
		Expect(obj.Status.Records).To(HaveLen(1))
		accountID := obj.Status.Records[0].ID
		Expect(obj.Status.Records[0].Operation).To(Equal(sfv1.RecordCreated))

		// A change of traits PATCHes the remembered Account; no second Account appears.
		base = obj.DeepCopy()
		obj.Spec.Traits = rawJSON(map[string]any{"Name": "Gibbs Holdings"})
		Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
		obj = waitIdentity(ns, "john", sfv1.ReasonSynced)
		Expect(obj.Status.Records[0].ID).To(Equal(accountID))
		account, _ := emu.Record("Account", accountID)
		Expect(account).To(HaveKeyWithValue("Name", "Gibbs Holdings"))
		Expect(emu.Records("Account")).To(HaveLen(accountsBefore + 1))
	})

	It("writes one request per entry, in order", func() {
		c1, _ := emu.Seed("Contact", map[string]any{"LastName": "One"})
		a1, _ := emu.Seed("Account", map[string]any{"Name": "One"})
		createIdentity(ns, "multi", map[string]any{"Description": "shared"}, withExternalIDs(
			sfv1.ExternalID{Type: "Salesforce-Contact", ID: c1},
			sfv1.ExternalID{Type: "Salesforce-Account", ID: a1},
		))
		obj := waitIdentity(ns, "multi", sfv1.ReasonSynced)
		Expect(obj.Status.Records).To(HaveLen(2))
		Expect(obj.Status.Records[0].ObjectType).To(Equal("Contact"))
		Expect(obj.Status.Records[1].ObjectType).To(Equal("Account"))
		contact, _ := emu.Record("Contact", c1)
		account, _ := emu.Record("Account", a1)
		Expect(contact).To(HaveKeyWithValue("Description", "shared"))
		Expect(account).To(HaveKeyWithValue("Description", "shared"))
	})

	// A crash between sending a create and recording its ID leaves a pending marker in the
	// state and no record. The next reconcile looks for the record before creating again.
	DescribeTable("resolves a create whose outcome was never recorded",
		func(landed int, reason string, wantAccounts int) {
			name := fmt.Sprintf("Lost Create %s", ns)
			createIdentity(ns, "pending", map[string]any{"Name": name}, withExternalIDs(sfv1.ExternalID{Type: "Salesforce-Account"}))
			obj := waitIdentity(ns, "pending", sfv1.ReasonSynced)
			created := obj.Status.Records[0].ID

			stopManager()
			DeferCleanup(func() {
				if stopMgr == nil {
					startManager()
				}
			})
			// Forget the record the identity created, as if the create's answer was lost.
			Expect(emu.SetFields("Account", created, map[string]any{"Name": "Someone else's"})).To(Succeed())
			for range landed {
				_, err := emu.Seed("Account", map[string]any{"Name": name, "Description": "after restart"})
				Expect(err).NotTo(HaveOccurred())
			}
			Expect(k8sClient.Get(suiteCtx, nsName(ns, "pending"), obj)).To(Succeed())
			base := obj.DeepCopy()
			since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			// The manager's own marker, signed as it signs its writes.
			sinceTime, err := time.Parse(time.RFC3339, since)
			Expect(err).NotTo(HaveOccurred())
			storeState(obj, syncState{Pending: &pendingCreate{Key: "externalId/0", Type: "Account", Since: metav1.NewTime(sinceTime)}})
			// A new generation, so waiting for its Ready condition waits for the controller.
			obj.Spec.Traits = rawJSON(map[string]any{"Name": name, "Description": "after restart"})
			Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
			startManager()

			obj = waitIdentity(ns, "pending", reason)
			matching := 0
			for _, a := range emu.Records("Account") {
				if a["Name"] == name {
					matching++
				}
			}
			Expect(matching).To(Equal(wantAccounts))
			if reason == sfv1.ReasonCreateIncomplete {
				Expect(readyCondition(obj).Message).To(ContainSubstring(sfv1.AnnotationState))
				return
			}
			Expect(stateOf(obj).Pending).To(BeNil())
			Expect(stateOf(obj).Records).To(ConsistOf(HaveField("Created", true)))
		},
		Entry("it landed: the record is adopted, nothing is created", 1, sfv1.ReasonSynced, 1),
		Entry("it never arrived: created once", 0, sfv1.ReasonSynced, 1),
		Entry("two candidates: a person decides", 2, sfv1.ReasonCreateIncomplete, 2),
	)
})

var _ = Describe("SalesforceIdentity state survives restarts", func() {
	It("does not create a second Lead when the manager restarts after a create whose state and status were lost", func() {
		ns := newNamespace()
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "restart")
		createIdentity(ns, "restart", alexKeener(email))
		obj := waitIdentity(ns, "restart", sfv1.ReasonSynced)
		leadID := obj.Status.Records[0].ID

		stopManager()
		// The crash window: the create reached Salesforce, neither the annotation nor the
		// status did.
		base := obj.DeepCopy()
		delete(obj.Annotations, sfv1.AnnotationState)
		Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
		Expect(k8sClient.Get(suiteCtx, nsName(ns, "restart"), obj)).To(Succeed())
		base = obj.DeepCopy()
		obj.Status = sfv1.SalesforceIdentityStatus{}
		Expect(k8sClient.Status().Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
		startManager()

		obj = waitIdentity(ns, "restart", sfv1.ReasonSynced)
		Expect(obj.Status.Records[0].ID).To(Equal(leadID))
		Expect(leadsWithEmail(email)).To(HaveLen(1))
	})

	It("spends no Salesforce call when the manager restarts over unchanged identities", func() {
		ns := newNamespace()
		readyDestination(ns, "prod")
		for _, name := range []string{"a", "b", "c"} {
			createIdentity(ns, name, map[string]any{"email": uniqueEmail(ns, name), "lastName": name})
		}
		for _, name := range []string{"a", "b", "c"} {
			waitIdentity(ns, name, sfv1.ReasonSynced)
		}
		stopManager()
		calls := emu.APICallsUsed()
		reconciled := identityReconciles()
		startManager()
		// The destination's LoggedIn is left over from before the restart: only the
		// reconciles of the new manager prove it looked at the identities.
		Eventually(identityReconciles).Should(BeNumerically(">=", reconciled+3))
		Consistently(emu.APICallsUsed, "3s").Should(Equal(calls))
	})
})

var _ = Describe("SalesforceIdentity drift", func() {
	It("re-applies fields someone changed in Salesforce and says which", func() {
		ns := newNamespace()
		// The shortest interval admission allows; the check is brought forward below.
		readyDestination(ns, "prod", withDriftInterval("1m"))
		email := uniqueEmail(ns, "drift")
		createIdentity(ns, "drift", alexKeener(email))
		obj := waitIdentity(ns, "drift", sfv1.ReasonSynced)
		leadID := obj.Status.Records[0].ID

		Expect(emu.SetFields("Lead", leadID, map[string]any{"Title": "Changed in the UI", "City": "Paris"})).To(Succeed())
		backdateDriftCheck(ns, "drift")
		Eventually(func() any { l, _ := emu.Record("Lead", leadID); return l["Title"] }).Should(Equal("Mr."))
		l, _ := emu.Record("Lead", leadID)
		Expect(l).To(HaveKeyWithValue("City", "New Orleans"))
		Eventually(func() []string { return eventReasons(ns, "drift") }).Should(ContainElement("DriftCorrected"))
		Expect(series("salesforce_drift_corrections_total")).To(ContainElement(And(
			HaveKeyWithValue("destination", ns+"/prod"), HaveKeyWithValue("value", BeNumerically(">=", 1)))))
	})
})

var _ = Describe("SalesforceIdentity deletion", func() {
	var ns string
	BeforeEach(func() {
		ns = newNamespace()
		readyDestination(ns, "prod")
	})

	It("deletes the Lead it created with deletionPolicy Delete", func() {
		email := uniqueEmail(ns, "del")
		createIdentity(ns, "del", alexKeener(email), withDeletionPolicy(sfv1.DeletionPolicyDelete))
		waitIdentity(ns, "del", sfv1.ReasonSynced)
		Expect(leadsWithEmail(email)).To(HaveLen(1))
		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, "del")})).To(Succeed())
		Eventually(func() error {
			return k8sClient.Get(suiteCtx, nsName(ns, "del"), &sfv1.SalesforceIdentity{})
		}).Should(Satisfy(apierrors.IsNotFound))
		Expect(leadsWithEmail(email)).To(BeEmpty())
	})

	It("never deletes a Lead it only found by email, even with deletionPolicy Delete", func() {
		email := uniqueEmail(ns, "adopted")
		_, err := emu.Seed("Lead", map[string]any{"LastName": "Adopted", "Company": "Co", "Email": email})
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "adopted", map[string]any{"email": email}, withDeletionPolicy(sfv1.DeletionPolicyDelete))
		waitIdentity(ns, "adopted", sfv1.ReasonSynced)
		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, "adopted")})).To(Succeed())
		Eventually(func() error {
			return k8sClient.Get(suiteCtx, nsName(ns, "adopted"), &sfv1.SalesforceIdentity{})
		}).Should(Satisfy(apierrors.IsNotFound))
		Expect(leadsWithEmail(email)).To(HaveLen(1))
	})

	It("leaves Salesforce alone with deletionPolicy Orphan", func() {
		email := uniqueEmail(ns, "orphan")
		createIdentity(ns, "orphan", alexKeener(email))
		waitIdentity(ns, "orphan", sfv1.ReasonSynced)
		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, "orphan")})).To(Succeed())
		Eventually(func() error {
			return k8sClient.Get(suiteCtx, nsName(ns, "orphan"), &sfv1.SalesforceIdentity{})
		}).Should(Satisfy(apierrors.IsNotFound))
		Expect(leadsWithEmail(email)).To(HaveLen(1))
	})
})

// stateOf decodes an identity's state annotation.
func stateOf(obj *sfv1.SalesforceIdentity) syncState {
	var st syncState
	Expect(json.Unmarshal([]byte(obj.Annotations[sfv1.AnnotationState]), &st)).To(Succeed())
	return st
}

// backdateDriftCheck moves the identity's last drift check two hours back, so the next one is
// due now whatever the interval.
func backdateDriftCheck(ns, name string) {
	obj := &sfv1.SalesforceIdentity{}
	Expect(k8sClient.Get(suiteCtx, nsName(ns, name), obj)).To(Succeed())
	var st map[string]any
	Expect(json.Unmarshal([]byte(obj.Annotations[sfv1.AnnotationState]), &st)).To(Succeed())
	st["checkedAt"] = time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	raw, err := json.Marshal(st)
	Expect(err).NotTo(HaveOccurred())
	past := metav1.NewTime(time.Now().Add(-2 * time.Hour))
	base := obj.DeepCopy()
	obj.Status.LastDriftCheckTime = &past
	Expect(k8sClient.Status().Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
	base = obj.DeepCopy()
	obj.Annotations[sfv1.AnnotationState] = string(raw)
	Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
}
