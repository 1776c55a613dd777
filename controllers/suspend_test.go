package controllers

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

// requestsSince lists the emulator's requests logged at or after t. Specs run one at a time
// and each removes its destinations, so any request there is this spec's.
func requestsSince(t time.Time) []emulator.LoggedRequest {
	var out []emulator.LoggedRequest
	for _, r := range emu.Requests() {
		if !r.Time.Before(t) {
			out = append(out, r)
		}
	}
	return out
}

// expectNoCallsFor watches the emulator's request log for a while: several destination
// resyncs (2 s in this suite) and identity wake-ups fit in it.
func expectNoCallsFor(since time.Time, d time.Duration) {
	Consistently(func() []emulator.LoggedRequest { return requestsSince(since) }, d, 250*time.Millisecond).Should(BeEmpty())
}

func setIdentitySuspend(ns, name string, on bool) {
	obj := &sfv1.SalesforceIdentity{}
	Expect(k8sClient.Get(suiteCtx, nsName(ns, name), obj)).To(Succeed())
	base := obj.DeepCopy()
	obj.Spec.Suspend = on
	Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
}

func setDestinationSuspend(ns, name string, on bool) {
	dest := &sfv1.SalesforceDestination{}
	Expect(k8sClient.Get(suiteCtx, nsName(ns, name), dest)).To(Succeed())
	base := dest.DeepCopy()
	dest.Spec.Suspend = on
	Expect(k8sClient.Patch(suiteCtx, dest, client.MergeFrom(base))).To(Succeed())
}

// waitSuspended waits for the identity's Suspended condition with the reason, recorded for
// its current generation, and returns the identity.
func waitSuspended(ns, name, reason string) *sfv1.SalesforceIdentity {
	obj := &sfv1.SalesforceIdentity{}
	Eventually(func(g Gomega) {
		g.Expect(k8sClient.Get(suiteCtx, nsName(ns, name), obj)).To(Succeed())
		c := meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionSuspended)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Reason).To(Equal(reason))
		g.Expect(c.ObservedGeneration).To(Equal(obj.Generation))
		g.Expect(obj.Status.ObservedGeneration).To(Equal(obj.Generation))
	}).Should(Succeed())
	return obj
}

var _ = Describe("Suspend", func() {
	var ns string
	BeforeEach(func() {
		ns = newNamespace()
		readyDestination(ns, "prod")
	})

	It("makes no call while an identity is suspended, keeps Ready, and catches up once resumed", func() {
		email := uniqueEmail(ns, "paused")
		createIdentity(ns, "paused", alexKeener(email))
		id := waitIdentity(ns, "paused", sfv1.ReasonSynced).Status.Records[0].ID

		setIdentitySuspend(ns, "paused", true)
		obj := waitSuspended(ns, "paused", sfv1.ReasonSuspended)
		// kstatus reads the object as it last was, not as in progress forever.
		Expect(readyCondition(obj).Status).To(Equal(metav1.ConditionTrue))
		Expect(meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReconciling)).To(BeNil())

		since := time.Now()
		traits := alexKeener(email)
		traits["title"] = "Dr."
		updateTraits(ns, "paused", traits)
		waitSuspended(ns, "paused", sfv1.ReasonSuspended)
		expectNoCallsFor(since, 5*time.Second)
		lead, _ := emu.Record("Lead", id)
		Expect(lead).To(HaveKeyWithValue("Title", "Mr."))

		setIdentitySuspend(ns, "paused", false)
		obj = waitIdentity(ns, "paused", sfv1.ReasonSynced)
		Expect(meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionSuspended)).To(BeNil())
		Eventually(func() any { l, _ := emu.Record("Lead", id); return l["Title"] }).Should(Equal("Dr."))
		Expect(leadsWithEmail(email)).To(HaveLen(1))
	})

	It("stops every call of a suspended destination's identities, new ones included, and resumes them", func() {
		emailA, emailB := uniqueEmail(ns, "a"), uniqueEmail(ns, "b")
		createIdentity(ns, "a", alexKeener(emailA))
		idA := waitIdentity(ns, "a", sfv1.ReasonSynced).Status.Records[0].ID

		setDestinationSuspend(ns, "prod", true)
		Eventually(func(g Gomega) {
			dest := &sfv1.SalesforceDestination{}
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "prod"), dest)).To(Succeed())
			c := meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionSuspended)
			g.Expect(c).NotTo(BeNil())
			g.Expect(dest.Status.ObservedGeneration).To(Equal(dest.Generation))
		}).Should(Succeed())
		waitSuspended(ns, "a", sfv1.ReasonDestinationSuspended)

		since := time.Now()
		traits := alexKeener(emailA)
		traits["title"] = "Dr."
		updateTraits(ns, "a", traits)
		createIdentity(ns, "b", alexKeener(emailB))
		waitSuspended(ns, "b", sfv1.ReasonDestinationSuspended)
		expectNoCallsFor(since, 5*time.Second)
		Expect(leadsWithEmail(emailB)).To(BeEmpty())

		setDestinationSuspend(ns, "prod", false)
		waitIdentity(ns, "a", sfv1.ReasonSynced)
		waitIdentity(ns, "b", sfv1.ReasonSynced)
		Eventually(func() any { l, _ := emu.Record("Lead", idA); return l["Title"] }).Should(Equal("Dr."))
		Expect(leadsWithEmail(emailB)).To(HaveLen(1))
	})

	It("lets a suspended identity with deletionPolicy Delete go without calling Salesforce", func() {
		email := uniqueEmail(ns, "gone")
		createIdentity(ns, "gone", alexKeener(email), withDeletionPolicy(sfv1.DeletionPolicyDelete))
		id := waitIdentity(ns, "gone", sfv1.ReasonSynced).Status.Records[0].ID
		setIdentitySuspend(ns, "gone", true)
		waitSuspended(ns, "gone", sfv1.ReasonSuspended)

		since := time.Now()
		obj := &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, "gone")}
		Expect(k8sClient.Delete(suiteCtx, obj)).To(Succeed())
		Eventually(func() bool {
			return k8sClient.Get(suiteCtx, nsName(ns, "gone"), obj) != nil
		}).Should(BeTrue())
		Expect(requestsSince(since)).To(BeEmpty())
		_, found := emu.Record("Lead", id)
		Expect(found).To(BeTrue())
	})
})
