package controllers

import (
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// jitter spreads periodic work by up to +10% so thousands of identities created together do
// not come due in the same second forever after.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

var transportOnce = sync.OnceValue(func() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
})

// sharedTransport is one connection pool for every destination's client, so identities of
// many destinations do not each hold idle sockets.
func sharedTransport() *http.Transport { return transportOnce() }
