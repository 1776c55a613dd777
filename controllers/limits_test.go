package controllers

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

var _ = Describe("Limits", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("refuse traits past the size cap with a clear condition, before any Salesforce call", func() {
		readyDestination(ns, "prod")
		calls := emu.APICallsUsed()
		createIdentity(ns, "huge", map[string]any{"email": uniqueEmail(ns, "huge"), "lastName": "H",
			"description": strings.Repeat("x", maxTraitsBytes)})
		obj := waitIdentity(ns, "huge", sfv1.ReasonTraitsTooLarge)
		Expect(readyCondition(obj).Message).To(ContainSubstring("128 KiB"))
		Expect(leadsWithEmail(uniqueEmail(ns, "huge"))).To(BeEmpty())
		Expect(emu.APICallsUsed()).To(Equal(calls))
	})

	DescribeTable("admit driftCheckInterval only when off or at least a minute",
		func(interval time.Duration, admitted bool) {
			dest := &sfv1.SalesforceDestination{ObjectMeta: objectMeta(ns, "d"), Spec: sfv1.SalesforceDestinationSpec{
				CredentialsSecretRef: sfv1.SecretReference{Name: "c"}, DriftCheckInterval: &metav1.Duration{Duration: interval}}}
			err := k8sClient.Create(suiteCtx, dest)
			if admitted {
				Expect(err).NotTo(HaveOccurred())
				return
			}
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring("at least 1m"))
		},
		Entry("off", time.Duration(0), true),
		Entry("one minute", time.Minute, true),
		Entry("one second", time.Second, false),
		Entry("59 seconds", 59*time.Second, false),
	)
})
