package controllers

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// A tenant who may patch identities edits the state annotation to claim someone else's record,
// at create time or later. The controller must neither write nor delete that record.
var _ = Describe("A forged state annotation", func() {
	var ns, victimID string
	victimFields := func() map[string]any {
		rec, ok := emu.Record("Lead", victimID)
		Expect(ok).To(BeTrue(), "the victim record was deleted")
		return map[string]any{"LastName": rec["LastName"], "Company": rec["Company"], "Email": rec["Email"], "Title": rec["Title"]}
	}
	forged := func(id string) string {
		return fmt.Sprintf(`{"records":[{"key":"lead","type":"Lead","id":%q,"created":true}],"hash":"x"}`, id)
	}
	BeforeEach(func() {
		ns = newNamespace()
		var err error
		victimID, err = emu.Seed("Lead", map[string]any{"LastName": "Victim", "Company": "Other team", "Email": uniqueEmail(ns, "victim")})
		Expect(err).NotTo(HaveOccurred())
		readyDestination(ns, "prod")
	})

	expectVictimUntouchedAfterDelete := func(name string, before map[string]any) {
		Expect(victimFields()).To(Equal(before))
		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, name)})).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(k8sClient.Get(suiteCtx, nsName(ns, name), &sfv1.SalesforceIdentity{}))
		}).Should(BeTrue())
		Consistently(victimFields, "2s").Should(Equal(before))
	}

	It("set at create time, writes and deletes nothing of the claimed record", func() {
		before := victimFields()
		obj := &sfv1.SalesforceIdentity{
			ObjectMeta: objectMeta(ns, "forger"),
			Spec: sfv1.SalesforceIdentitySpec{
				DestinationRef: sfv1.DestinationReference{Name: "prod"},
				Traits:         rawJSON(map[string]any{"email": uniqueEmail(ns, "forger"), "lastName": "Forger", "title": "Overwritten"}),
				DeletionPolicy: sfv1.DeletionPolicyDelete,
			},
		}
		obj.Annotations = map[string]string{sfv1.AnnotationState: forged(victimID)}
		Expect(k8sClient.Create(suiteCtx, obj)).To(Succeed())
		synced := waitIdentity(ns, "forger", sfv1.ReasonSynced)
		Expect(stateOf(synced).Records).NotTo(ContainElement(HaveField("ID", victimID)))
		expectVictimUntouchedAfterDelete("forger", before)
	})

	It("edited later, writes and deletes nothing of the claimed record", func() {
		before := victimFields()
		createIdentity(ns, "forger", map[string]any{"email": uniqueEmail(ns, "forger"), "lastName": "Forger"},
			withDeletionPolicy(sfv1.DeletionPolicyDelete))
		waitIdentity(ns, "forger", sfv1.ReasonSynced)

		obj := &sfv1.SalesforceIdentity{}
		Expect(k8sClient.Get(suiteCtx, nsName(ns, "forger"), obj)).To(Succeed())
		base := obj.DeepCopy()
		obj.Annotations[sfv1.AnnotationState] = forged(victimID)
		obj.Spec.Traits = rawJSON(map[string]any{"email": uniqueEmail(ns, "forger"), "lastName": "Forger", "title": "Overwritten"})
		Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
		synced := waitIdentity(ns, "forger", sfv1.ReasonSynced)
		Expect(stateOf(synced).Records).NotTo(ContainElement(HaveField("ID", victimID)))
		time.Sleep(500 * time.Millisecond)
		expectVictimUntouchedAfterDelete("forger", before)
	})
})
