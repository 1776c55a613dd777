package controllers

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce"
)

var _ = Describe("Bounded metric labels", func() {
	It("count error codes outside the documented list as other, whatever a server invents", func() {
		ns := newNamespace()
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":"invented_%d","error_description":"no"}`, n.Add(1))
		}))
		DeferCleanup(srv.Close)
		createSecret(ns, "creds", map[string]string{"clientId": "id", "clientSecret": "secret"})
		destinationWith(ns, "prod", "creds", srv.URL)
		waitDestinationReason(ns, "prod", sfv1.ReasonAuthenticationFailed)

		var mine []map[string]any
		for _, s := range series("salesforce_api_requests_total") {
			if s["destination"] == ns+"/prod" {
				mine = append(mine, s)
			}
		}
		Expect(n.Load()).To(BeNumerically(">=", 1))
		Expect(mine).NotTo(BeEmpty())
		for _, s := range mine {
			Expect(s["outcome"]).To(Equal("other"))
		}
	})

	It("remove a deleted destination's series", func() {
		ns := newNamespace()
		readyDestination(ns, "prod")
		createIdentity(ns, "m", map[string]any{"email": uniqueEmail(ns, "m"), "lastName": "M"})
		waitIdentity(ns, "m", sfv1.ReasonSynced)
		dest := ns + "/prod"
		Eventually(func() []map[string]any { return series("salesforce_api_requests_total") }).Should(
			ContainElement(HaveKeyWithValue("destination", dest)))

		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceIdentity{ObjectMeta: objectMeta(ns, "m")})).To(Succeed())
		Expect(k8sClient.Delete(suiteCtx, &sfv1.SalesforceDestination{ObjectMeta: objectMeta(ns, "prod")})).To(Succeed())
		for _, name := range []string{"salesforce_api_requests_total", "salesforce_api_usage_ratio", "salesforce_api_usage_requests"} {
			Eventually(func() []map[string]any { return series(name) }).ShouldNot(
				ContainElement(HaveKeyWithValue("destination", dest)), name)
		}
	})
})

var _ = DescribeTable("callOutcome",
	func(status int, err error, want string) { Expect(callOutcome(status, err)).To(Equal(want)) },
	Entry("success", 200, nil, "2xx"),
	Entry("redirect", 302, nil, "3xx"),
	Entry("documented code", 403, sfError("REQUEST_LIMIT_EXCEEDED"), "REQUEST_LIMIT_EXCEEDED"),
	Entry("invented code", 400, sfError("EVIL_1234567"), "other"),
	Entry("error without a code", 500, sfError(""), "5xx"),
	Entry("network", 0, fmt.Errorf("dial: refused"), "network_error"),
	Entry("nonsense status", 999, nil, "other"),
)

func sfError(code string) error { return &salesforce.Error{StatusCode: 400, Code: code} }
