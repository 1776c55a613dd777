package controllers

import (
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// jitter spreads periodic work by up to +10% so destinations created together do not come
// due in the same second forever after. (Drift checks do the opposite on purpose: they are
// aligned so they batch.)
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// httpClient is the client package's default HTTP client with the manager's timeout.
func httpClient(timeout time.Duration) *http.Client {
	hc := salesforce.NewHTTPClient()
	hc.Timeout = timeout
	return hc
}
