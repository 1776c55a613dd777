package batch

import (
	"testing"
	"time"
)

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name        string
		opts        Options
		perCall     int
		wantWindow  time.Duration
		wantMaxWait time.Duration
		wantRecords int
	}{
		{"zero options take the defaults", Options{}, maxWritesPerCall, 20 * time.Millisecond, 5 * time.Second, 1000},
		{"retrieves default to five POST collections of 2,000", Options{}, maxRetrievesPerCall, 20 * time.Millisecond, 5 * time.Second, 10000},
		{"an explicit MaxRecords caps every kind", Options{MaxRecords: 50}, maxRetrievesPerCall, 20 * time.Millisecond, 5 * time.Second, 50},
		{"MaxWait is never below Window", Options{Window: 10 * time.Second, MaxWait: time.Second}, maxLookupsPerCall, 10 * time.Second, 10 * time.Second, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.opts.withDefaults().forKind(tt.perCall)
			if got.Window != tt.wantWindow || got.MaxWait != tt.wantMaxWait || got.MaxRecords != tt.wantRecords {
				t.Errorf("got Window %v, MaxWait %v, MaxRecords %d; want %v, %v, %d",
					got.Window, got.MaxWait, got.MaxRecords, tt.wantWindow, tt.wantMaxWait, tt.wantRecords)
			}
		})
	}
}
