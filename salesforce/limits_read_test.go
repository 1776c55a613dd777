package salesforce

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hugeServer logs in, then answers every other request with the given status and a body of
// size bytes that starts like the JSON expected and never ends it.
func hugeServer(t *testing.T, size int64, status int, loginHuge bool) *httptest.Server {
	chunk := []byte(strings.Repeat("x", 1<<20))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		login := strings.HasPrefix(r.URL.Path, "/services/oauth2/")
		if login && !loginHuge {
			fmt.Fprintf(w, `{"access_token":"00Dx!S","instance_url":"http://%s"}`, r.Host)
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"totalSize":1,"done":true,"records":[{"Id":"`)
		for sent := int64(0); sent < size; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// peakHeap samples the heap while fn runs.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	runtime.GC()
	fn()
	close(done)
	return peak.Load()
}

func TestHugeAnswersAreRefusedWithBoundedMemory(t *testing.T) {
	const size = 300 << 20
	cases := []struct {
		name      string
		status    int
		loginHuge bool
	}{
		{"query page", 200, false},
		{"error body", 500, false},
		{"login answer", 200, true},
	}
	creds := Credentials{ClientID: "id", ClientSecret: "client-secret"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := hugeServer(t, size, tc.status, tc.loginHuge)
			// Eight callers, two exchanges at a time: the bound covers them all.
			c, err := New(Config{LoginURL: srv.URL, AllowedHosts: loopbackHosts, Credentials: creds, HTTPClient: srv.Client(), Calls: NewCallLimit(2)})
			if err != nil {
				t.Fatal(err)
			}
			var errs []error
			var mu sync.Mutex
			peak := peakHeap(func() {
				var wg sync.WaitGroup
				for range 8 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := c.Query(testContext(t), "SELECT Id FROM Lead")
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}()
				}
				wg.Wait()
			})
			t.Logf("peak heap in use: %d MiB (process peak RSS so far: %s)", peak>>20, peakRSS())
			for _, err := range errs {
				e, ok := asError(err)
				if !ok || e.Code != CodeResponseTooLarge {
					t.Fatalf("got %v, want %s", err, CodeResponseTooLarge)
				}
			}
			// Two exchanges at a time, each holding at most the data cap, twice over for the
			// garbage collector's headroom, plus the test's own: 96 MiB. Unbounded, eight
			// readers of 64 MiB each took over 450 MiB.
			if bound := uint64(2*2*DefaultMaxDataBytes + 32<<20); peak > bound {
				t.Fatalf("peak heap %d MiB, want under %d MiB", peak>>20, bound>>20)
			}
		})
	}
}

func peakRSS() string {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
