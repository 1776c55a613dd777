package controllers

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	eventsv1 "k8s.io/api/events/v1"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const echoSession = "00Dx0000000ECHO!SESSIONtokenVALUE42"

// echoOrg logs client-credentials callers in, answers SOAP logins with a fault, and answers
// every data call with an error; each answer repeats what the request carried (form, SOAP
// envelope, bearer token) in its body, message, HTML title and fault.
func echoOrg() *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		decoded, _ := url.QueryUnescape(string(body))
		echo := r.Header.Get("Authorization") + " " + string(body) + " " + decoded
		quoted, _ := json.Marshal(echo)
		title := "<title>" + strings.Repeat("y", 90) + html.EscapeString(echo) + "</title>"
		switch {
		case strings.HasPrefix(r.URL.Path, "/services/Soap/"):
			w.WriteHeader(500)
			fmt.Fprintf(w, `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: %s %s</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`, html.EscapeString(echo), title)
		case strings.HasPrefix(r.URL.Path, "/services/oauth2/"):
			fmt.Fprintf(w, `{"access_token":%q,"instance_url":"http://%s"}`, echoSession, r.Host)
		case strings.Contains(r.URL.Path, "/composite"):
			// A gateway page: its title, cut to length, carries part of the bearer token.
			w.WriteHeader(502)
			fmt.Fprintf(w, `<html><head>%s</head></html>`, title)
		default:
			w.WriteHeader(400)
			fmt.Fprintf(w, `[{"errorCode":"INVALID_FIELD","message":%s,"fields":[%s]}] %s`, quoted, quoted, title)
		}
	}))
	DeferCleanup(srv.Close)
	return srv
}

var _ = Describe("A Salesforce that echoes credentials in every error", func() {
	It("leaves none of them in status, events, logs or metrics", func() {
		ns := newNamespace()
		srv := echoOrg()
		clientSecret, password, token := "cs-ECHO-client-secret-1", "pw-ECHO-password-2", "tk-ECHO-token-3"
		createSecret(ns, "app", map[string]string{"clientId": "id", "clientSecret": clientSecret})
		createSecret(ns, "user", map[string]string{"username": "u@example.com", "password": password, "securityToken": token})
		destinationWith(ns, "app", "app", srv.URL)
		destinationWith(ns, "user", "user", srv.URL)
		waitDestinationReason(ns, "user", sfv1.ReasonAuthenticationFailed)
		waitDestinationReason(ns, "app", sfv1.ReasonLoggedIn)
		createIdentity(ns, "lead", map[string]any{"email": uniqueEmail(ns, "l"), "lastName": "L"}, withDestination("app"))
		createIdentity(ns, "account", map[string]any{"Name": "Acme"}, withDestination("app"),
			withExternalIDs(sfv1.ExternalID{Type: "Salesforce-Account", ID: "001000000000001AAA"}))
		Eventually(func() []string { return eventReasons(ns, "lead") }).ShouldNot(BeEmpty())
		Eventually(func(g Gomega) {
			obj := &sfv1.SalesforceIdentity{}
			g.Expect(k8sClient.Get(suiteCtx, nsName(ns, "lead"), obj)).To(Succeed())
			g.Expect(readyCondition(obj)).NotTo(BeNil())
			g.Expect(readyCondition(obj).Status).To(BeEquivalentTo("False"))
		}).Should(Succeed())

		var seen strings.Builder
		for _, list := range []client.ObjectList{&sfv1.SalesforceDestinationList{}, &sfv1.SalesforceIdentityList{}, &eventsv1.EventList{}} {
			Expect(k8sClient.List(suiteCtx, list, client.InNamespace(ns))).To(Succeed())
			raw, err := json.Marshal(list)
			Expect(err).NotTo(HaveOccurred())
			seen.Write(raw)
		}
		Expect(seen.String()).To(ContainSubstring("[redacted]"), "the echo server was not reached")
		families, err := ctrlmetrics.Registry.Gather()
		Expect(err).NotTo(HaveOccurred())
		for _, f := range families {
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					seen.WriteString(" " + l.GetValue())
				}
			}
		}
		seen.WriteString(suiteLog.String())
		for _, secret := range []string{clientSecret, password, token, echoSession} {
			for _, form := range []string{secret, url.QueryEscape(secret), secret[:12]} {
				Expect(seen.String()).NotTo(ContainSubstring(form))
			}
		}
	})
})
