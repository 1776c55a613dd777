package controllers

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
)

// blockedRetrieves counts the reads under way and answers none until released.
type blockedRetrieves struct {
	orgAPI
	inFlight atomic.Int64
	release  chan struct{}
}

func (b *blockedRetrieves) Retrieve(ctx context.Context, _, _ string, _ []string) (salesforce.Record, error) {
	b.inFlight.Add(1)
	defer b.inFlight.Add(-1)
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return nil, nil
}

func TestDriftReadsAreBoundedAcrossIdentities(t *testing.T) {
	cases := []struct{ slots, identities, want int }{
		{slots: 3, identities: 50, want: 3},
		{slots: 100, identities: 20, want: 20},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d slots", tc.slots), func(t *testing.T) {
			api := &blockedRetrieves{release: make(chan struct{})}
			d := newDriftReads(time.Minute, time.Now)
			d.slots = newReadSlots(tc.slots)
			for i := range tc.identities {
				d.result(identityNamed(fmt.Sprint(i)), api, []driftTarget{{sobject: "Lead", id: fmt.Sprint(i)}}, time.Time{})
			}
			deadline := time.Now().Add(2 * time.Second)
			for api.inFlight.Load() < int64(tc.want) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond)
			if got := api.inFlight.Load(); got != int64(tc.want) {
				t.Fatalf("%d reads under way, want %d", got, tc.want)
			}
			close(api.release)
			// Answered reads give their slots back.
			deadline = time.Now().Add(2 * time.Second)
			for len(d.slots.ch) > 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if n := len(d.slots.ch); n != 0 {
				t.Fatalf("%d slots still taken after every read was answered", n)
			}
		})
	}
}
