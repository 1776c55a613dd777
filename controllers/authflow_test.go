package controllers

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

const (
	orgClientID     = "3MVG9authFlowSpecKey"
	orgClientSecret = "auth-flow-spec-secret"
)

// flowOrg is an org of its own that offers every login flow, so a spec can switch SOAP
// login() off and read a request log no other spec writes to.
type flowOrg struct {
	emu    *emulator.Emulator
	url    string
	keyPEM string
}

func newFlowOrg() flowOrg {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	Expect(err).NotTo(HaveOccurred())
	e := emulator.New(emulator.Options{Username: emuUsername, Password: emuPassword, SecurityToken: emuToken,
		ClientID: orgClientID, ClientSecret: orgClientSecret, JWTPublicKey: &key.PublicKey, DailyLimit: 1_000_000})
	srv := httptest.NewServer(e)
	DeferCleanup(srv.Close)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return flowOrg{emu: e, url: srv.URL, keyPEM: string(keyPEM)}
}

func (o flowOrg) soapLogins() int { return o.emu.Counters()["POST /Soap/u"] }

// jwtKeys are what the migration guide adds to a SOAP login() Secret.
func (o flowOrg) jwtKeys() map[string]string {
	return map[string]string{"clientId": orgClientID, "privateKey": o.keyPEM}
}

// eventsFor counts the events of a reason about an object, repeats folded into a series
// included, so a second emission cannot hide in a series count.
func eventsFor(ns, name, reason string) int {
	var list eventsv1.EventList
	Expect(k8sClient.List(suiteCtx, &list, client.InNamespace(ns))).To(Succeed())
	n := 0
	for _, e := range list.Items {
		if e.Regarding.Name != name || e.Reason != reason {
			continue
		}
		n++
		if e.Series != nil {
			n += int(e.Series.Count) - 1
		}
	}
	return n
}

func deprecation(dest *sfv1.SalesforceDestination) *metav1.Condition {
	return meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionAuthFlowDeprecated)
}

// addSecretKeys adds keys to a Secret the way `kubectl apply` of a larger Secret would.
func addSecretKeys(ns, name string, data map[string]string) {
	secret := &corev1.Secret{}
	Expect(k8sClient.Get(suiteCtx, nsName(ns, name), secret)).To(Succeed())
	base := secret.DeepCopy()
	for k, v := range data {
		secret.Data[k] = []byte(v)
	}
	Expect(k8sClient.Patch(suiteCtx, secret, client.MergeFrom(base))).To(Succeed())
}

// isWrite tells a request that changes records from logins and reads (queries, and the POST
// of a collection retrieve, which names its type in the path).
func isWrite(r emulator.LoggedRequest) bool {
	switch {
	case !strings.HasPrefix(r.Path, "/services/data/"), r.Method == "GET", r.Method == "HEAD":
		return false
	case r.Method == "POST":
		i := strings.Index(r.Path, "/composite/sobjects/")
		return i < 0 || strings.Contains(r.Path[i+len("/composite/sobjects/"):], "/")
	}
	return true
}

var _ = Describe("Login flows Salesforce is retiring", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("warns a SOAP login() destination with one condition and one event, across re-logins and restarts", func() {
		readyDestination(ns, "prod")
		Eventually(func(g Gomega) {
			dest := &sfv1.SalesforceDestination{}
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "prod"), dest)).To(Succeed())
			c := deprecation(dest)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(c.Reason).To(Equal(sfv1.ReasonSOAPLoginRetiring))
			for _, s := range []string{"Summer '27", `"prod-creds"`, `"clientId"`, `"privateKey"`, `"clientSecret"`, "status.authFlow"} {
				g.Expect(c.Message).To(ContainSubstring(s))
			}
		}).Should(Succeed())
		Eventually(func() int { return eventsFor(ns, "prod", sfv1.ConditionAuthFlowDeprecated) }).Should(Equal(1))

		By("a new login for a rotated Secret that still selects SOAP login()")
		logins := emu.Logins()
		addSecretKeys(ns, "prod-creds", map[string]string{"rotatedBy": "spec"})
		Eventually(emu.Logins).Should(BeNumerically(">", logins))

		By("a new login of the client when the session expired under an identity")
		logins = emu.Logins()
		emu.ExpireSessions()
		createIdentity(ns, "u", map[string]any{"email": uniqueEmail(ns, "u"), "lastName": "U"})
		waitIdentity(ns, "u", sfv1.ReasonSynced)
		Expect(emu.Logins()).To(BeNumerically(">", logins))

		By("a manager restart, which logs in afresh")
		logins = emu.Logins()
		stopManager()
		startManager()
		Eventually(emu.Logins).Should(BeNumerically(">", logins))

		Consistently(func() int { return eventsFor(ns, "prod", sfv1.ConditionAuthFlowDeprecated) }, 3*time.Second).Should(Equal(1))
		dest := waitDestinationReason(ns, "prod", sfv1.ReasonLoggedIn)
		Expect(deprecation(dest)).NotTo(BeNil())
		Expect(meta.IsStatusConditionTrue(dest.Status.Conditions, sfv1.ConditionReady)).To(BeTrue())
		Expect(series("salesforce_destination_login_flow")).To(ContainElement(And(HaveKeyWithValue("destination", ns+"/prod"),
			HaveKeyWithValue("flow", "soap-login"), HaveKeyWithValue("deprecated", "true"), HaveKeyWithValue("value", 1.0))))
		Expect(series("salesforce_destinations")).To(ContainElement(And(HaveKeyWithValue("flow", "soap-login"),
			HaveKeyWithValue("deprecated", "true"), HaveKeyWithValue("value", BeNumerically(">=", 1)))))
	})

	DescribeTable("the warning follows the flow the Secret selects",
		func(keys func(flowOrg) map[string]string, flow, reason string) {
			org := newFlowOrg()
			createSecret(ns, "creds", keys(org))
			destinationWith(ns, "prod", "creds", org.url)
			dest := waitDestinationReason(ns, "prod", sfv1.ReasonLoggedIn)
			Expect(dest.Status.AuthFlow).To(Equal(flow))
			if reason == "" {
				Expect(deprecation(dest)).To(BeNil())
				Consistently(func() int { return eventsFor(ns, "prod", sfv1.ConditionAuthFlowDeprecated) }, time.Second).Should(BeZero())
			} else {
				Eventually(func(g Gomega) {
					g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "prod"), dest)).To(Succeed())
					g.Expect(deprecation(dest)).NotTo(BeNil())
					g.Expect(deprecation(dest).Reason).To(Equal(reason))
				}).Should(Succeed())
				Eventually(func() int { return eventsFor(ns, "prod", sfv1.ConditionAuthFlowDeprecated) }).Should(Equal(1))
			}
			Expect(series("salesforce_destination_login_flow")).To(ContainElement(And(HaveKeyWithValue("destination", ns+"/prod"),
				HaveKeyWithValue("flow", flow), HaveKeyWithValue("deprecated", strconv.FormatBool(reason != "")))))
		},
		Entry("SOAP login()", func(flowOrg) map[string]string { return emulatorCredentials() },
			"soap-login", sfv1.ReasonSOAPLoginRetiring),
		Entry("OAuth username-password", func(flowOrg) map[string]string {
			return map[string]string{"username": emuUsername, "password": emuPassword, "securityToken": emuToken,
				"clientId": orgClientID, "clientSecret": orgClientSecret}
		}, "oauth-password", sfv1.ReasonPasswordFlowDeprecated),
		Entry("JWT bearer", func(o flowOrg) map[string]string {
			return map[string]string{"username": emuUsername, "clientId": orgClientID, "privateKey": o.keyPEM}
		}, "jwt-bearer", ""),
		Entry("client credentials, with the username left in place", func(flowOrg) map[string]string {
			return map[string]string{"username": emuUsername, "clientId": orgClientID, "clientSecret": orgClientSecret}
		}, "client-credentials", ""),
	)

	It("warns also when the Secret's name makes the guidance longer than an event may carry", func() {
		long := strings.Repeat("a", 60) + "." + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60)
		createSecret(ns, long, emulatorCredentials())
		destinationWith(ns, "prod", long, emuServer.URL)
		waitDestinationReason(ns, "prod", sfv1.ReasonLoggedIn)
		Eventually(func() int { return eventsFor(ns, "prod", sfv1.ConditionAuthFlowDeprecated) }).Should(Equal(1))
	})

	It("records the LoginFlowRetired event also when the org's fault text is long", func() {
		org := newFlowOrg()
		org.emu.AddFault(emulator.Fault{Method: "POST", PathContains: "/Soap/u/", Status: 500, ContentType: "text/xml;charset=UTF-8",
			Body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>` +
				`<faultcode>sf:INVALID_OPERATION</faultcode><faultstring>INVALID_OPERATION: ` + strings.Repeat("login() is gone. ", 60) +
				`</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`})
		createSecret(ns, "creds", emulatorCredentials())
		destinationWith(ns, "prod", "creds", org.url)
		waitDestinationReason(ns, "prod", sfv1.ReasonLoginFlowRetired)
		Eventually(func() int { return eventsFor(ns, "prod", sfv1.ReasonLoginFlowRetired) }).Should(Equal(1))
	})

	It("reports LoginFlowRetired with the keys to add, and JWT keys bring it back without writing its identities' records", func() {
		org := newFlowOrg()
		createSecret(ns, "creds", emulatorCredentials())
		dest := &sfv1.SalesforceDestination{ObjectMeta: objectMeta(ns, "prod"), Spec: sfv1.SalesforceDestinationSpec{
			CredentialsSecretRef: sfv1.SecretReference{Name: "creds"}, LoginURL: org.url,
			DriftCheckInterval: &metav1.Duration{Duration: time.Minute}}}
		Expect(k8sClient.Create(suiteCtx, dest)).To(Succeed())
		waitDestinationReason(ns, "prod", sfv1.ReasonLoggedIn)
		createIdentity(ns, "u", map[string]any{"email": uniqueEmail(ns, "u"), "lastName": "U"})
		waitIdentity(ns, "u", sfv1.ReasonSynced)

		By("the org retiring login() while the destination is logged in: the next drift check needs a new session")
		org.emu.SetSOAPLogin(emulator.SOAPLoginRetired)
		org.emu.ExpireSessions()
		backdateDriftCheck(ns, "u") // the shortest interval is a minute: the check falls due now
		dest = waitDestinationReason(ns, "prod", sfv1.ReasonLoginFlowRetired)
		msg := readyMessage(dest.Status.Conditions)
		for _, s := range []string{"INVALID_OPERATION", `Secret "creds"`, `"clientId"`, `"privateKey"`, `"username"`,
			`"clientSecret"`, `remove "password" and "securityToken"`, "My Domain"} {
			Expect(msg).To(ContainSubstring(s))
		}
		Expect(msg).NotTo(ContainSubstring(emuPassword))
		Expect(meta.IsStatusConditionTrue(dest.Status.Conditions, sfv1.ConditionStalled)).To(BeTrue())
		Expect(dest.Status.AuthFlow).To(Equal("soap-login"))

		By("wake-ups of the destination do not try the refused login again")
		refused := org.soapLogins()
		for i := range 3 {
			name := "w" + strconv.Itoa(i)
			createIdentity(ns, name, map[string]any{"email": uniqueEmail(ns, name), "lastName": "W"})
			Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, name)})).To(Succeed())
		}
		Consistently(org.soapLogins, 3*time.Second).Should(Equal(refused))

		By("the migration guide's step: add clientId and privateKey to the Secret")
		lead := leadsIn(org.emu, uniqueEmail(ns, "u"))
		mark := len(org.emu.Requests())
		addSecretKeys(ns, "creds", org.jwtKeys())
		dest = waitDestinationReason(ns, "prod", sfv1.ReasonLoggedIn)
		Expect(dest.Status.AuthFlow).To(Equal("jwt-bearer"))
		Eventually(func(g Gomega) {
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "prod"), dest)).To(Succeed())
			g.Expect(deprecation(dest)).To(BeNil())
			g.Expect(meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionStalled)).To(BeNil())
		}).Should(Succeed())
		waitIdentity(ns, "u", sfv1.ReasonSynced)
		// The drift check the retirement interrupted is still due: the Lead is read back.
		Eventually(func() []emulator.LoggedRequest { return org.emu.Requests()[mark:] }).Should(
			ContainElement(HaveField("Path", HavePrefix("/services/data/"))), "the identity was read back after the migration")
		reqs := org.emu.Requests()[mark:]
		Expect(reqs).To(ContainElement(HaveField("Path", "/services/oauth2/token")))
		for _, r := range reqs {
			Expect(isWrite(r)).To(BeFalse(), "%s %s", r.Method, r.Path)
		}
		Expect(leadsIn(org.emu, uniqueEmail(ns, "u"))).To(Equal(lead))
	})
})

// leadsIn lists an org's live Leads with the email.
func leadsIn(e *emulator.Emulator, email string) []map[string]any {
	var out []map[string]any
	for _, r := range e.Records("Lead") {
		if v, _ := r["Email"].(string); strings.EqualFold(v, email) {
			out = append(out, r)
		}
	}
	return out
}
