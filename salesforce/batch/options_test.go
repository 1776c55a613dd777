package batch

import (
	"testing"
	"time"
)

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name        string
		opts        Options
		wantWindow  time.Duration
		wantMaxWait time.Duration
		wantRecords int
	}{
		{"zero options take the defaults", Options{}, 20 * time.Millisecond, 5 * time.Second, 0},
		{"an explicit MaxRecords is kept", Options{MaxRecords: 50}, 20 * time.Millisecond, 5 * time.Second, 50},
		{"MaxWait is never below Window", Options{Window: 10 * time.Second, MaxWait: time.Second}, 10 * time.Second, 10 * time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.opts.withDefaults()
			if got.Window != tt.wantWindow || got.MaxWait != tt.wantMaxWait || got.MaxRecords != tt.wantRecords || got.MaxInFlight != defaultMaxInFlight {
				t.Errorf("got Window %v, MaxWait %v, MaxRecords %d, MaxInFlight %d; want %v, %v, %d, %d",
					got.Window, got.MaxWait, got.MaxRecords, got.MaxInFlight, tt.wantWindow, tt.wantMaxWait, tt.wantRecords, defaultMaxInFlight)
			}
		})
	}
}
