package controllers

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func destinationWith(ns, name, secret, loginURL string) *sfv1.SalesforceDestination {
	dest := &sfv1.SalesforceDestination{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: sfv1.SalesforceDestinationSpec{
			CredentialsSecretRef: sfv1.SecretReference{Name: secret},
			LoginURL:             loginURL,
		},
	}
	Expect(k8sClient.Create(suiteCtx, dest)).To(Succeed())
	return dest
}

var _ = Describe("SalesforceDestination", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("logs in and records the instance, the flow and the observed generation", func() {
		dest := readyDestination(ns, "prod")
		Expect(dest.Status.InstanceURL).To(Equal(emuServer.URL))
		Expect(dest.Status.AuthFlow).To(Equal("soap-login"))
		Expect(dest.Status.ObservedGeneration).To(Equal(dest.Generation))
		Expect(dest.Finalizers).To(ContainElement(sfv1.FinalizerInUse))
	})

	It("reports API usage once identities have made calls", func() {
		readyDestination(ns, "prod")
		createIdentity(ns, "u", map[string]any{"email": uniqueEmail(ns, "u"), "lastName": "U"})
		waitIdentity(ns, "u", sfv1.ReasonSynced)
		Eventually(func(g Gomega) {
			dest := &sfv1.SalesforceDestination{}
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "prod"), dest)).To(Succeed())
			g.Expect(dest.Status.APIUsage).NotTo(BeNil())
			g.Expect(dest.Status.APIUsage.Limit).To(Equal(int64(1_000_000)))
			g.Expect(dest.Status.APIUsage.Used).To(BeNumerically(">", 0))
			g.Expect(dest.Status.Identities).To(Equal(int32(1)))
		}).Should(Succeed())
	})

	DescribeTable("explains why it cannot log in",
		func(setup func(ns string) (secret, loginURL string), reason string, mentions []string) {
			secret, loginURL := setup(ns)
			destinationWith(ns, "prod", secret, loginURL)
			dest := waitDestinationReason(ns, "prod", reason)
			msg := readyMessage(dest.Status.Conditions)
			for _, m := range mentions {
				Expect(msg).To(ContainSubstring(m))
			}
			// The credentials never reach the status.
			Expect(msg).NotTo(ContainSubstring(emuPassword))
			Expect(msg).NotTo(ContainSubstring("wrong-password"))
			Expect(msg).NotTo(ContainSubstring(emuToken))
		},
		Entry("missing Secret", func(string) (string, string) { return "absent", emuServer.URL },
			sfv1.ReasonSecretNotFound, []string{`"absent"`}),
		Entry("Secret without the security token", func(ns string) (string, string) {
			createSecret(ns, "partial", map[string]string{"username": emuUsername, "password": emuPassword})
			return "partial", emuServer.URL
		}, sfv1.ReasonSecretKeyMissing, []string{`"securityToken"`}),
		Entry("Secret with an empty username and no password", func(ns string) (string, string) {
			createSecret(ns, "empty", map[string]string{"username": "", "securityToken": emuToken})
			return "empty", emuServer.URL
		}, sfv1.ReasonSecretKeyMissing, []string{`"username"`, `"password"`}),
		Entry("wrong password", func(ns string) (string, string) {
			createSecret(ns, "wrong", map[string]string{"username": emuUsername, "password": "wrong-password", "securityToken": emuToken})
			return "wrong", emuServer.URL
		}, sfv1.ReasonAuthenticationFailed, []string{"INVALID_LOGIN"}),
		Entry("plain http to a host that is not loopback", func(ns string) (string, string) {
			createSecret(ns, "creds", emulatorCredentials())
			return "creds", "http://login.example.com"
		}, sfv1.ReasonInsecureLoginURL, []string{"https"}),
		Entry("nothing listening at the login URL", func(ns string) (string, string) {
			createSecret(ns, "creds", emulatorCredentials())
			return "creds", "http://127.0.0.1:1"
		}, sfv1.ReasonUnreachable, []string{"127.0.0.1:1"}),
	)

	It("logs in again at once when the Secret is fixed, and identities resume", func() {
		createSecret(ns, "creds", map[string]string{"username": emuUsername, "password": "wrong-password", "securityToken": emuToken})
		destinationWith(ns, "prod", "creds", emuServer.URL)
		waitDestinationReason(ns, "prod", sfv1.ReasonAuthenticationFailed)
		createIdentity(ns, "waiting", map[string]any{"email": uniqueEmail(ns, "w"), "lastName": "W"})
		waitIdentity(ns, "waiting", sfv1.ReasonDestinationNotReady)

		setSecretPassword(ns, "creds", emuPassword)
		waitDestinationReason(ns, "prod", sfv1.ReasonLoggedIn)
		waitIdentity(ns, "waiting", sfv1.ReasonSynced)
	})

	It("follows a password rotation: the new Secret re-authenticates and identities keep syncing", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "rot")
		createIdentity(ns, "rot", map[string]any{"email": email, "lastName": "Rot"})
		waitIdentity(ns, "rot", sfv1.ReasonSynced)

		emu.SetCredentials("rotated-password", emuToken)
		DeferCleanup(func() { emu.SetCredentials(emuPassword, emuToken) })
		emu.ExpireSessions()
		setSecretPassword(ns, "prod-creds", "rotated-password")

		updateTraits(ns, "rot", map[string]any{"email": email, "lastName": "Rotated"})
		waitIdentity(ns, "rot", sfv1.ReasonSynced)
		Expect(leadsWithEmail(email)[0]).To(HaveKeyWithValue("LastName", "Rotated"))
	})

	It("reports a password changed in Salesforce at once, and recovers when the Secret follows", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "pw")
		createIdentity(ns, "pw", map[string]any{"email": email, "lastName": "Before"})
		waitIdentity(ns, "pw", sfv1.ReasonSynced)

		emu.SetCredentials("changed-in-salesforce", emuToken)
		DeferCleanup(func() { emu.SetCredentials(emuPassword, emuToken) })
		emu.ExpireSessions()
		updateTraits(ns, "pw", map[string]any{"email": email, "lastName": "After"})
		dest := waitDestinationReason(ns, "prod", sfv1.ReasonAuthenticationFailed)
		Expect(readyMessage(dest.Status.Conditions)).NotTo(ContainSubstring(emuPassword))
		waitIdentity(ns, "pw", sfv1.ReasonDestinationNotReady)

		setSecretPassword(ns, "prod-creds", "changed-in-salesforce")
		waitDestinationReason(ns, "prod", sfv1.ReasonLoggedIn)
		waitIdentity(ns, "pw", sfv1.ReasonSynced)
		Expect(leadsWithEmail(email)[0]).To(HaveKeyWithValue("LastName", "After"))
	})

	It("logs in again once, transparently, when the session expires mid-run", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "exp")
		createIdentity(ns, "exp", map[string]any{"email": email, "lastName": "Before"})
		waitIdentity(ns, "exp", sfv1.ReasonSynced)

		logins := emu.Logins()
		emu.ExpireSessions()
		updateTraits(ns, "exp", map[string]any{"email": email, "lastName": "After"})
		obj := waitIdentity(ns, "exp", sfv1.ReasonSynced)
		Expect(obj.Status.Records[0].Operation).To(Equal(sfv1.RecordUpdated))
		Expect(leadsWithEmail(email)[0]).To(HaveKeyWithValue("LastName", "After"))
		Expect(emu.Logins()).To(Equal(logins + 1))
	})

	It("cannot be deleted while identities use it", func() {
		readyDestination(ns, "prod")
		createIdentity(ns, "user", map[string]any{"email": uniqueEmail(ns, "user"), "lastName": "U"})
		waitIdentity(ns, "user", sfv1.ReasonSynced)

		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceDestination{ObjectMeta: objectMeta(ns, "prod")})).To(Succeed())
		dest := waitDestinationReason(ns, "prod", sfv1.ReasonInUse)
		Expect(readyMessage(dest.Status.Conditions)).To(ContainSubstring("1 SalesforceIdentity"))

		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, "user")})).To(Succeed())
		Eventually(func() error {
			return k8sClient.Get(suiteCtx, nsName(ns, "prod"), &sfv1.SalesforceDestination{})
		}).Should(Satisfy(apierrors.IsNotFound))
	})

	It("only ever reads the Secret of its own namespace", func() {
		other := newNamespace()
		createSecret(other, "shared-creds", emulatorCredentials())
		destinationWith(ns, "prod", "shared-creds", emuServer.URL)
		dest := waitDestinationReason(ns, "prod", sfv1.ReasonSecretNotFound)
		Expect(readyMessage(dest.Status.Conditions)).To(ContainSubstring(ns))
	})
})

var _ = Describe("SalesforceIdentity waiting and retrying", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("waits for a destination that does not exist, and syncs when it appears", func() {
		createIdentity(ns, "early", map[string]any{"email": uniqueEmail(ns, "early"), "lastName": "E"})
		waitIdentity(ns, "early", sfv1.ReasonDestinationNotFound)
		readyDestination(ns, "prod")
		waitIdentity(ns, "early", sfv1.ReasonSynced)
	})

	It("never uses a destination of another namespace", func() {
		other := newNamespace()
		readyDestination(other, "prod")
		createIdentity(ns, "lonely", map[string]any{"email": uniqueEmail(ns, "lonely"), "lastName": "L"})
		waitIdentity(ns, "lonely", sfv1.ReasonDestinationNotFound)
	})

	It("retries through Salesforce outages and keeps the record it knows", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "flaky")
		createIdentity(ns, "flaky", map[string]any{"email": email, "lastName": "Flaky"})
		first := waitIdentity(ns, "flaky", sfv1.ReasonSynced)

		unavailable, _ := emulator.Preset("SERVER_UNAVAILABLE")
		unavailable.Times = 2
		fault := emu.AddFault(unavailable)
		DeferCleanup(func() { emu.RemoveFault(fault) })
		updateTraits(ns, "flaky", map[string]any{"email": email, "lastName": "Flakier"})
		waitIdentity(ns, "flaky", sfv1.ReasonSalesforceUnavailable)
		obj := waitIdentity(ns, "flaky", sfv1.ReasonSynced)
		Expect(obj.Status.Records[0].ID).To(Equal(first.Status.Records[0].ID))
		Expect(leadsWithEmail(email)).To(HaveLen(1))
		Expect(leadsWithEmail(email)[0]).To(HaveKeyWithValue("LastName", "Flakier"))
	})

	It("backs off when Salesforce says the org's API limit is reached", func() {
		readyDestination(ns, "prod")
		limit, _ := emulator.Preset("REQUEST_LIMIT_EXCEEDED")
		limit.Times = 1
		limit.PathContains = "/query"
		fault := emu.AddFault(limit)
		DeferCleanup(func() { emu.RemoveFault(fault) })
		createIdentity(ns, "limited", map[string]any{"email": uniqueEmail(ns, "limited"), "lastName": "L"})
		obj := waitIdentity(ns, "limited", sfv1.ReasonAPILimitExceeded)
		Expect(readyMessage(obj.Status.Conditions)).To(ContainSubstring("REQUEST_LIMIT_EXCEEDED"))
	})

	It("stops spending at the destination's API budget", func() {
		budget := int32(50)
		readyDestination(ns, "prod", func(d *sfv1.SalesforceDestination) { d.Spec.APIBudgetPercent = &budget })
		used := emu.APICallsUsed()
		DeferCleanup(func() { emu.SetAPICallsUsed(used) })
		emu.SetAPICallsUsed(600_000)

		// The first identity's calls show the client the org at 60%; the next one waits.
		createIdentity(ns, "first", map[string]any{"email": uniqueEmail(ns, "first"), "lastName": "F"})
		waitIdentity(ns, "first", sfv1.ReasonSynced)
		calls := emu.APICallsUsed()
		createIdentity(ns, "second", map[string]any{"email": uniqueEmail(ns, "second"), "lastName": "S"})
		obj := waitIdentity(ns, "second", sfv1.ReasonAPIBudgetExhausted)
		Expect(readyMessage(obj.Status.Conditions)).To(ContainSubstring("retrying at"))
		Expect(emu.APICallsUsed()).To(BeNumerically("<=", calls+1), "at most the destination's usage refresh")
	})

	It("keeps trying to delete created records through an outage", func() {
		readyDestination(ns, "prod")
		email := uniqueEmail(ns, "gone")
		createIdentity(ns, "gone", map[string]any{"email": email, "lastName": "G"}, withDeletionPolicy(sfv1.DeletionPolicyDelete))
		waitIdentity(ns, "gone", sfv1.ReasonSynced)
		unavailable, _ := emulator.Preset("SERVER_UNAVAILABLE")
		unavailable.Times = 2
		unavailable.Method = "DELETE"
		fault := emu.AddFault(unavailable)
		DeferCleanup(func() { emu.RemoveFault(fault) })

		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, "gone")})).To(Succeed())
		Eventually(func(g Gomega) {
			obj := &sfv1.SalesforceIdentity{}
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "gone"), obj)).To(Succeed())
			g.Expect(readyCondition(obj)).NotTo(BeNil())
			g.Expect(readyCondition(obj).Reason).To(Equal(sfv1.ReasonDeleting))
		}).Should(Succeed())
		Eventually(func() error {
			return k8sClient.Get(suiteCtx, nsName(ns, "gone"), &sfv1.SalesforceIdentity{})
		}).Should(Satisfy(apierrors.IsNotFound))
		Expect(leadsWithEmail(email)).To(BeEmpty())
	})
})

func readyMessage(conds []metav1.Condition) string {
	for _, c := range conds {
		if c.Type == sfv1.ConditionReady {
			return c.Message
		}
	}
	return ""
}

// setSecretPassword rotates the password in a credentials Secret, as a person would.
func setSecretPassword(ns, name, password string) {
	secret := &corev1.Secret{}
	Expect(k8sClient.Get(suiteCtx, nsName(ns, name), secret)).To(Succeed())
	secret.Data["password"] = []byte(password)
	Expect(k8sClient.Update(suiteCtx, secret)).To(Succeed())
}
