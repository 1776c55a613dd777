package salesforce

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A slow login server must not hold the callers that need its session: they give up after
// LoginWait with a transient error, while the login itself goes on and serves later calls.
func TestCallsDoNotWaitOutASlowLogin(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/services/oauth2/") {
			<-release
			fmt.Fprintf(w, `{"access_token":"00Dx!S","instance_url":"http://%s"}`, r.Host)
			return
		}
		fmt.Fprint(w, `{"totalSize":0,"done":true,"records":[]}`)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{LoginURL: srv.URL, AllowedHosts: loopbackHosts, HTTPClient: srv.Client(),
		Credentials: Credentials{ClientID: "id", ClientSecret: "secret"}, LoginWait: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Query(testContext(t), "SELECT Id FROM Lead") })
	}
	wg.Wait()
	if waited := time.Since(start); waited > 2*time.Second {
		t.Fatalf("callers waited %s for the slow login", waited)
	}
	for _, err := range errs {
		if !IsTransient(err) || !strings.Contains(err.Error(), CodeLoginInProgress) {
			t.Fatalf("got %v, want a transient %s", err, CodeLoginInProgress)
		}
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for c.InstanceURL() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := c.Query(testContext(t), "SELECT Id FROM Lead"); err != nil {
		t.Fatalf("after the login ended: %v", err)
	}
}
