package controllers

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// recordingListener counts the connections and bytes anyone sends it. It listens on
// 127.0.0.2: loopback, but not named by the suite's --allowed-login-hosts.
func recordingListener() (url string, conns, received *atomic.Int64) {
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		Skip("cannot listen on 127.0.0.2: " + err.Error())
	}
	conns, received = &atomic.Int64{}, &atomic.Int64{}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conn.Close()
				n, _ := io.Copy(io.Discard, conn)
				received.Add(n)
			}()
		}
	}()
	DeferCleanup(l.Close)
	return "http://" + l.Addr().String(), conns, received
}

var _ = Describe("Allowed login hosts", func() {
	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("sends nothing to a loginURL outside --allowed-login-hosts, also after an edit of a working destination", func() {
		target, conns, received := recordingListener()
		readyDestination(ns, "prod")
		dest := &sfv1.SalesforceDestination{}
		Expect(k8sClient.Get(suiteCtx, nsName(ns, "prod"), dest)).To(Succeed())
		dest.Spec.LoginURL = target
		Expect(k8sClient.Update(suiteCtx, dest)).To(Succeed())

		got := waitDestinationReason(ns, "prod", sfv1.ReasonLoginHostNotAllowed)
		msg := readyMessage(got.Status.Conditions)
		Expect(msg).To(ContainSubstring("127.0.0.2"))
		Expect(msg).To(ContainSubstring("--allowed-login-hosts"))
		createIdentity(ns, "waits", map[string]any{"email": uniqueEmail(ns, "w"), "lastName": "W"})
		waitIdentity(ns, "waits", sfv1.ReasonDestinationNotReady)
		Consistently(conns.Load, "2s").Should(BeZero())
		Expect(received.Load()).To(BeZero())
	})

	It("uses no session whose instance URL a login answered outside --allowed-login-hosts", func() {
		target, conns, received := recordingListener()
		login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><loginResponse><result><serverUrl>%s/services/Soap/u/64.0/00D</serverUrl><sessionId>00Dx!SESSION</sessionId></result></loginResponse></soapenv:Body></soapenv:Envelope>`, target)
		}))
		DeferCleanup(login.Close)
		createSecret(ns, "creds", emulatorCredentials())
		destinationWith(ns, "prod", "creds", login.URL)

		got := waitDestinationReason(ns, "prod", sfv1.ReasonLoginHostNotAllowed)
		Expect(readyMessage(got.Status.Conditions)).To(ContainSubstring("instance URL"))
		createIdentity(ns, "waits", map[string]any{"email": uniqueEmail(ns, "w"), "lastName": "W"}, withDestination("prod"))
		waitIdentity(ns, "waits", sfv1.ReasonDestinationNotReady)
		Consistently(conns.Load, "2s").Should(BeZero())
		Expect(received.Load()).To(BeZero())
	})
})
