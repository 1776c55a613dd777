package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkMixed measures requests per second of a create + query + composite mix served
// in-process (ServeHTTP, no network) over a table of 5,000 leads.
func BenchmarkMixed(b *testing.B) {
	emu := New(Options{DailyLimit: 1 << 30})
	for i := 0; i < 5000; i++ {
		if _, err := emu.Seed("Lead", map[string]any{"LastName": "L", "Company": "C", "Email": fmt.Sprintf("l%d@acme.com", i)}); err != nil {
			b.Fatal(err)
		}
	}
	req := httptest.NewRequest("POST", "/services/oauth2/token", strings.NewReader("grant_type=password&username=dev@example.com&password=passwordtoken"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	emu.ServeHTTP(rec, req)
	token := strings.Split(strings.Split(rec.Body.String(), `"access_token":"`)[1], `"`)[0]

	composite := `{"allOrNone":true,"compositeRequest":[` +
		`{"method":"POST","url":"/services/data/v64.0/sobjects/Account","referenceId":"a","body":{"Name":"Acme"}},` +
		`{"method":"POST","url":"/services/data/v64.0/sobjects/Contact","referenceId":"c","body":{"LastName":"S","AccountId":"@{a.id}"}}]}`
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			var r *http.Request
			switch i % 3 {
			case 0:
				r = httptest.NewRequest("POST", "/services/data/v64.0/sobjects/Lead",
					strings.NewReader(fmt.Sprintf(`{"LastName":"B","Company":"C","Email":"b%d@acme.com"}`, i)))
			case 1:
				r = httptest.NewRequest("GET", "/services/data/v64.0/query?q="+
					url.QueryEscape(fmt.Sprintf("SELECT Id, Email FROM Lead WHERE Email = 'l%d@acme.com'", i%5000)), nil)
			default:
				r = httptest.NewRequest("POST", "/services/data/v64.0/composite", strings.NewReader(composite))
			}
			r.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			emu.ServeHTTP(w, r)
			if w.Code >= 300 {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkHTTPCreate measures creates over a real loopback HTTP connection.
func BenchmarkHTTPCreate(b *testing.B) {
	emu := New(Options{DailyLimit: 1 << 30})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	resp, err := http.PostForm(srv.URL+"/services/oauth2/token", url.Values{"grant_type": {"password"},
		"username": {defaultUsername}, "password": {defaultPassword + defaultSecurityToken}})
	if err != nil {
		b.Fatal(err)
	}
	var body [512]byte
	nr, _ := resp.Body.Read(body[:])
	resp.Body.Close()
	token := strings.Split(strings.Split(string(body[:nr]), `"access_token":"`)[1], `"`)[0]
	client := srv.Client()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", srv.URL+"/services/data/v64.0/sobjects/Lead",
				strings.NewReader(`{"LastName":"B","Company":"C"}`))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 201 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
