package batch

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

// BenchmarkThousandCreates compares 1,000 concurrent Lead creates sent
// through a Coalescer with the same creates sent one client call each. The
// calls/op metric is what the org's daily budget pays.
func BenchmarkThousandCreates(b *testing.B) {
	const n = 1000
	latencies := []time.Duration{0, 20 * time.Millisecond}
	senders := []struct {
		name string
		send func(o *org, c *Coalescer) func(ctx context.Context, w salesforce.RecordWrite) (string, error)
	}{
		{"coalesced", func(_ *org, c *Coalescer) func(context.Context, salesforce.RecordWrite) (string, error) {
			return c.Save
		}},
		{"direct", func(o *org, _ *Coalescer) func(context.Context, salesforce.RecordWrite) (string, error) {
			return func(ctx context.Context, w salesforce.RecordWrite) (string, error) {
				return o.client.Create(ctx, w.SObject, w.Fields)
			}
		}},
	}
	for _, latency := range latencies {
		for _, s := range senders {
			b.Run(fmt.Sprintf("%s/latency=%v", s.name, latency), func(b *testing.B) {
				o := newOrg(b, emulator.Options{Latency: latency})
				send := s.send(o, o.coalescer(b, Options{}))
				round := 0
				calls := 0
				for b.Loop() {
					base := round * n
					round++
					calls += o.calls(func() {
						var wg sync.WaitGroup
						for i := range n {
							wg.Go(func() {
								if _, err := send(context.Background(), lead(base+i)); err != nil {
									b.Error(err)
								}
							})
						}
						wg.Wait()
					})
				}
				b.ReportMetric(float64(calls)/float64(round), "calls/op")
			})
		}
	}
}
