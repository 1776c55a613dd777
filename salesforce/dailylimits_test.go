package salesforce

import (
	"net/http"
	"testing"
)

func TestDailyAPIRequests(t *testing.T) {
	o := newFakeOrg(t)
	o.handle(http.MethodGet, "/services/data/v68.0/limits", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Write([]byte(`{"DailyApiRequests":{"Max":15000,"Remaining":14996},"DataStorageMB":{"Max":5,"Remaining":5}}`))
	})
	c := newTestClient(t, o, testCreds)
	used, max, err := c.DailyAPIRequests(testContext(t))
	if err != nil || used != 4 || max != 15000 {
		t.Fatalf("DailyAPIRequests = %d, %d, %v; want 4, 15000, nil", used, max, err)
	}
	if _, m, ok := c.APIUsage(); !ok || m != 15000 {
		t.Fatalf("APIUsage after the call = %d, %v; want the header's allowance", m, ok)
	}
}
