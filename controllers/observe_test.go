package controllers

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func withManagementPolicy(p sfv1.ManagementPolicy) identityOpt {
	return func(o *sfv1.SalesforceIdentity) { o.Spec.ManagementPolicy = p }
}

func withDefaultManagementPolicy(p sfv1.ManagementPolicy) destinationOpt {
	return func(d *sfv1.SalesforceDestination) { d.Spec.DefaultManagementPolicy = p }
}

func setManagementPolicy(ns, name string, p sfv1.ManagementPolicy) {
	obj := &sfv1.SalesforceIdentity{}
	Expect(k8sClient.Get(suiteCtx, nsName(ns, name), obj)).To(Succeed())
	base := obj.DeepCopy()
	obj.Spec.ManagementPolicy = p
	Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
}

// change is a FieldChange with its values decoded, for comparing.
type change struct {
	Field            string
	Current, Desired any
}

func changesOf(pr sfv1.PlannedRecord) []change {
	decode := func(j interface{ MarshalJSON() ([]byte, error) }, present bool) any {
		if !present {
			return nil
		}
		raw, err := j.MarshalJSON()
		Expect(err).NotTo(HaveOccurred())
		var v any
		Expect(json.Unmarshal(raw, &v)).To(Succeed())
		return v
	}
	out := make([]change, len(pr.Changes))
	for i, c := range pr.Changes {
		out[i] = change{Field: c.Field, Current: decode(c.Current, c.Current != nil), Desired: decode(c.Desired, c.Desired != nil)}
	}
	return out
}

var collectionsRetrieve = regexp.MustCompile(`/composite/sobjects/[A-Za-z0-9_]+$`)

// writesSince lists the requests since t that could have changed data. Reads are GETs (a
// query, one record) and POSTs to /composite/sobjects/{SObject} (SObject Collections'
// retrieve, salesforce-rest.md); every write is another method or path.
func writesSince(t time.Time) []emulator.LoggedRequest {
	var out []emulator.LoggedRequest
	for _, r := range requestsSince(t) {
		if r.Method != "GET" && (r.Method != "POST" || !collectionsRetrieve.MatchString(r.Path)) {
			out = append(out, r)
		}
	}
	return out
}

func withoutDescribes(reqs []emulator.LoggedRequest) []emulator.LoggedRequest {
	var out []emulator.LoggedRequest
	for _, r := range reqs {
		if !strings.HasSuffix(r.Path, "/describe") {
			out = append(out, r)
		}
	}
	return out
}

var _ = Describe("managementPolicy Observe", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("plans the fields that differ on an existing Lead and writes nothing", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "existing")
		id, err := emu.Seed("Lead", map[string]any{"Email": email, "FirstName": "Alex", "LastName": "Keener",
			"Company": "Old Co", "Title": "Mr.", "Phone": "555", "Rating": "Hot", "City": "New Orleans", "PostalCode": "90002",
			"Country": "US", "Street": "Blue Gum Street", "State": "LA"})
		Expect(err).NotTo(HaveOccurred())
		before, _ := emu.Record("Lead", id)

		since := time.Now()
		createIdentity(ns, "existing", alexKeener(email), withManagementPolicy(sfv1.ManagementObserve))
		obj := waitIdentity(ns, "existing", sfv1.ReasonPlanned)
		Expect(obj.Status.Plan).To(HaveLen(1))
		pr := obj.Status.Plan[0]
		Expect(pr.Action).To(Equal(sfv1.PlanUpdate))
		Expect(pr.ObjectType).To(Equal("Lead"))
		Expect(pr.ID).To(Equal(id))
		Expect(changesOf(pr)).To(Equal([]change{
			{Field: "Company", Current: "Old Co", Desired: "Google Inc."},
			{Field: "Phone", Current: "555", Desired: "+1-202-555-0146"},
		}))
		Expect(readyCondition(obj).Message).To(ContainSubstring("would update Company, Phone of Lead " + id))

		expectNoCallsFor(time.Now(), 3*time.Second)
		Expect(writesSince(since)).To(BeEmpty())
		after, _ := emu.Record("Lead", id)
		Expect(after).To(Equal(before))
	})

	It("plans a Create for a new email, refreshes the plan on a spec change, and writes nothing", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "new")
		since := time.Now()
		createIdentity(ns, "new", map[string]any{"email": email, "lastName": "New", "company": "Acme"},
			withManagementPolicy(sfv1.ManagementObserve))
		obj := waitIdentity(ns, "new", sfv1.ReasonPlanned)
		Expect(obj.Status.Plan).To(HaveLen(1))
		Expect(obj.Status.Plan[0].Action).To(Equal(sfv1.PlanCreate))
		Expect(obj.Status.Plan[0].ObjectType).To(Equal("Lead"))
		Expect(obj.Status.Plan[0].ID).To(BeEmpty())
		Expect(changesOf(obj.Status.Plan[0])).To(ContainElements(
			change{Field: "Email", Desired: email}, change{Field: "Company", Desired: "Acme"}, change{Field: "LastName", Desired: "New"}))
		Expect(readyCondition(obj).Message).To(ContainSubstring("would create a Lead"))

		updateTraits(ns, "new", map[string]any{"email": email, "lastName": "New", "company": "Globex"})
		Eventually(func(g Gomega) {
			obj = waitIdentity(ns, "new", sfv1.ReasonPlanned)
			g.Expect(changesOf(obj.Status.Plan[0])).To(ContainElement(change{Field: "Company", Desired: "Globex"}))
		}).Should(Succeed())
		Expect(writesSince(since)).To(BeEmpty())
		Expect(leadsWithEmail(email)).To(BeEmpty())
	})

	It("refreshes the plan at the drift interval", func() {
		readyDestination(ns, "prod", withDriftInterval("1m"))
		email := uniqueEmail(ns, "refresh")
		id, err := emu.Seed("Lead", map[string]any{"Email": email, "LastName": "Refresh", "Company": "Acme"})
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "refresh", map[string]any{"email": email, "lastName": "Refresh", "company": "Acme"},
			withManagementPolicy(sfv1.ManagementObserve))
		obj := waitIdentity(ns, "refresh", sfv1.ReasonPlanned)
		Expect(obj.Status.Plan[0].Action).To(Equal(sfv1.PlanNone))
		Expect(readyCondition(obj).Message).To(ContainSubstring("Lead " + id + " unchanged"))

		Expect(emu.SetFields("Lead", id, map[string]any{"Company": "Changed in Salesforce"})).To(Succeed())
		// The shortest interval a destination takes is a minute; its check falls in the
		// 6-second slot after that.
		Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "refresh"), obj)).To(Succeed())
			g.Expect(obj.Status.Plan).To(HaveLen(1))
			g.Expect(changesOf(obj.Status.Plan[0])).To(Equal([]change{{Field: "Company", Current: "Changed in Salesforce", Desired: "Acme"}}))
		}, 100*time.Second).Should(Succeed())
		got, _ := emu.Record("Lead", id)
		Expect(got).To(HaveKeyWithValue("Company", "Changed in Salesforce"))
	})

	It("applies exactly the plan once switched to Apply", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "switch")
		id, err := emu.Seed("Lead", map[string]any{"Email": email, "LastName": "Switch", "Company": "Old Co", "City": "Paris", "Phone": "555"})
		Expect(err).NotTo(HaveOccurred())
		createIdentity(ns, "switch", map[string]any{"email": email, "lastName": "Switch", "company": "New Co", "city": "Paris", "phone": "555"},
			withManagementPolicy(sfv1.ManagementObserve))
		obj := waitIdentity(ns, "switch", sfv1.ReasonPlanned)
		Expect(changesOf(obj.Status.Plan[0])).To(Equal([]change{{Field: "Company", Current: "Old Co", Desired: "New Co"}}))

		// A field the plan leaves alone changes afterwards: the Apply of that plan must not touch it.
		Expect(emu.SetFields("Lead", id, map[string]any{"City": "Lyon"})).To(Succeed())
		since := time.Now()
		setManagementPolicy(ns, "switch", sfv1.ManagementApply)
		obj = waitIdentity(ns, "switch", sfv1.ReasonSynced)
		Expect(obj.Status.Plan).To(BeEmpty())
		Expect(obj.Status.Records).To(HaveLen(1))
		Expect(obj.Status.Records[0].ID).To(Equal(id))
		Expect(obj.Status.Records[0].Operation).To(Equal(sfv1.RecordUpdated))
		got, _ := emu.Record("Lead", id)
		Expect(got).To(HaveKeyWithValue("Company", "New Co"))
		Expect(got).To(HaveKeyWithValue("City", "Lyon"))
		// One write, and no second lookup: the record was found when planning. (The object's
		// describe, read once per login before the first write, is no lookup.)
		Expect(writesSince(since)).To(HaveLen(1))
		Expect(withoutDescribes(requestsSince(since))).To(HaveLen(1))
		Expect(leadsWithEmail(email)).To(HaveLen(1))
	})

	It("shows removedFields clears in the plan without writing them", func() {
		readyDestination(ns, "prod", withRemovedFields(sfv1.RemovedFieldsClear))
		email := uniqueEmail(ns, "clears")
		createIdentity(ns, "clears", alexKeener(email))
		id := waitIdentity(ns, "clears", sfv1.ReasonSynced).Status.Records[0].ID

		since := time.Now()
		obj := &sfv1.SalesforceIdentity{}
		Expect(k8sClient.Get(suiteCtx, nsName(ns, "clears"), obj)).To(Succeed())
		base := obj.DeepCopy()
		traits := alexKeener(email)
		delete(traits, "phone")
		obj.Spec.Traits, obj.Spec.ManagementPolicy = rawJSON(traits), sfv1.ManagementObserve
		Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())

		obj = waitIdentity(ns, "clears", sfv1.ReasonPlanned)
		Expect(obj.Status.Plan).To(HaveLen(1))
		Expect(obj.Status.Plan[0].Action).To(Equal(sfv1.PlanUpdate))
		Expect(changesOf(obj.Status.Plan[0])).To(Equal([]change{{Field: "Phone", Current: "+1-202-555-0146"}}))
		Expect(writesSince(since)).To(BeEmpty())
		got, _ := emu.Record("Lead", id)
		Expect(got).To(HaveKeyWithValue("Phone", "+1-202-555-0146"))

		setManagementPolicy(ns, "clears", sfv1.ManagementApply)
		waitIdentity(ns, "clears", sfv1.ReasonSynced)
		got, _ = emu.Record("Lead", id)
		Expect(got["Phone"]).To(BeNil())
	})

	It("follows the destination's defaultManagementPolicy, and an identity's own policy wins", func() {
		readyDestination(ns, "prod", withDefaultManagementPolicy(sfv1.ManagementObserve))
		planned, applied := uniqueEmail(ns, "planned"), uniqueEmail(ns, "applied")
		createIdentity(ns, "planned", map[string]any{"email": planned, "lastName": "Planned"})
		createIdentity(ns, "applied", map[string]any{"email": applied, "lastName": "Applied"}, withManagementPolicy(sfv1.ManagementApply))
		Expect(waitIdentity(ns, "planned", sfv1.ReasonPlanned).Status.Plan[0].Action).To(Equal(sfv1.PlanCreate))
		waitIdentity(ns, "applied", sfv1.ReasonSynced)
		Expect(leadsWithEmail(planned)).To(BeEmpty())
		Expect(leadsWithEmail(applied)).To(HaveLen(1))
	})

	It("leaves the records of an observing identity with deletionPolicy Delete in Salesforce", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "keepme")
		createIdentity(ns, "keepme", alexKeener(email), withDeletionPolicy(sfv1.DeletionPolicyDelete))
		id := waitIdentity(ns, "keepme", sfv1.ReasonSynced).Status.Records[0].ID
		setManagementPolicy(ns, "keepme", sfv1.ManagementObserve)
		waitIdentity(ns, "keepme", sfv1.ReasonPlanned)

		since := time.Now()
		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, "keepme")})).To(Succeed())
		Eventually(func() bool {
			return k8sClient.Get(suiteCtx, nsName(ns, "keepme"), &sfv1.SalesforceIdentity{}) != nil
		}).Should(BeTrue())
		Expect(writesSince(since)).To(BeEmpty())
		_, found := emu.Record("Lead", id)
		Expect(found).To(BeTrue())
	})

	It("plans for identities in sync once their destination's default turns to Observe", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "onboard")
		createIdentity(ns, "onboard", map[string]any{"email": email, "lastName": "Onboard"})
		id := waitIdentity(ns, "onboard", sfv1.ReasonSynced).Status.Records[0].ID

		dest := &sfv1.SalesforceDestination{}
		Expect(k8sClient.Get(suiteCtx, nsName(ns, "prod"), dest)).To(Succeed())
		base := dest.DeepCopy()
		dest.Spec.DefaultManagementPolicy = sfv1.ManagementObserve
		Expect(k8sClient.Patch(suiteCtx, dest, client.MergeFrom(base))).To(Succeed())
		Eventually(func(g Gomega) {
			obj := &sfv1.SalesforceIdentity{}
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "onboard"), obj)).To(Succeed())
			g.Expect(readyCondition(obj).Reason).To(Equal(sfv1.ReasonPlanned))
			g.Expect(obj.Status.Plan).To(Equal([]sfv1.PlannedRecord{{Action: sfv1.PlanNone, ObjectType: "Lead", ID: id}}))
		}).Should(Succeed())
	})
})
