package batch

import (
	"testing"
	"time"
)

func TestQuietPeriod(t *testing.T) {
	opts := Options{Window: 20 * time.Millisecond, MaxWait: 5 * time.Second}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		batch     arrivals
		wantQuiet time.Duration
		wantLeave time.Duration // after the first entry
	}{
		{
			name:      "a lone entry on an idle queue waits Window",
			batch:     arrivals{first: t0, last: t0, n: 1, lead: time.Hour},
			wantQuiet: 20 * time.Millisecond,
			wantLeave: 20 * time.Millisecond,
		},
		{
			name:      "a lone entry close behind an earlier batch's waits for its stream",
			batch:     arrivals{first: t0, last: t0, n: 1, lead: 30 * time.Millisecond},
			wantQuiet: 240 * time.Millisecond,
			wantLeave: 240 * time.Millisecond,
		},
		{
			name:      "a lone entry more than two Windows behind another waits Window",
			batch:     arrivals{first: t0, last: t0, n: 1, lead: 41 * time.Millisecond},
			wantQuiet: 20 * time.Millisecond,
			wantLeave: 20 * time.Millisecond,
		},
		{
			name:      "a burst waits Window",
			batch:     arrivals{first: t0, last: t0.Add(time.Millisecond), n: 500, lead: time.Hour},
			wantQuiet: 20 * time.Millisecond,
			wantLeave: 21 * time.Millisecond,
		},
		{
			name:      "a stream with gaps wider than Window waits eight gaps",
			batch:     arrivals{first: t0, last: t0.Add(270 * time.Millisecond), n: 10, lead: time.Hour},
			wantQuiet: 240 * time.Millisecond,
			wantLeave: 510 * time.Millisecond,
		},
		{
			name:      "a slow stream waits no longer than MaxWait after its first entry",
			batch:     arrivals{first: t0, last: t0.Add(2 * time.Second), n: 3, lead: time.Hour},
			wantQuiet: 5 * time.Second,
			wantLeave: 5 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.batch.quietPeriod(opts); got != tt.wantQuiet {
				t.Errorf("quiet period %v, want %v", got, tt.wantQuiet)
			}
			if got := tt.batch.departure(opts).Sub(t0); got != tt.wantLeave {
				t.Errorf("leaves %v after its first entry, want %v", got, tt.wantLeave)
			}
		})
	}
}
