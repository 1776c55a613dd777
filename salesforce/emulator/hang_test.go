package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A hung request with a body must end when its client gives up, or the server could never
// shut down.
func TestHangWithBodyEndsWithTheClient(t *testing.T) {
	e := New(Options{})
	e.AddFault(Fault{Method: "POST", Hang: true})
	srv := httptest.NewServer(e)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/services/data/v66.0/composite", strings.NewReader(`{"compositeRequest":[]}`))
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("a hung request answered")
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not shut down: the hung handler outlived its client")
	}
}
