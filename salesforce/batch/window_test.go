package batch

import (
	"testing"
	"time"
)

func TestQuietPeriod(t *testing.T) {
	opts := Options{Window: 20 * time.Millisecond, MaxWait: 5 * time.Second}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	// at lists arrival times in milliseconds after t0; the quiet period is asked for after
	// the last of them.
	tests := []struct {
		name string
		at   []int
		want time.Duration
	}{
		{"a lone entry on an idle queue waits Window", []int{0}, ms(20)},
		{"a lone entry long after the previous one waits Window", []int{0, 5000}, ms(20)},
		{"a burst waits Window", []int{0, 0, 0, 1, 1, 1}, ms(20)},
		{"an even stream waits two of its gaps", []int{0, 30, 60, 90, 120}, ms(60)},
		{"clumps with pauses wait two of the longest pause", []int{0, 1, 2, 3, 170, 171, 172, 345, 346}, ms(346)},
		{"a pause more than a second ago no longer counts", []int{0, 400, 1500, 1501, 1502}, ms(20)},
		{"an idle spell is not a gap of the stream", []int{0, 2000, 2010, 2020}, ms(20)},
		{"never more than MaxWait", []int{0, 900, 1800, 2700}, ms(1800)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g arrivalGaps
			var now time.Time
			for _, a := range tt.at {
				now = t0.Add(ms(a))
				g.arrived(now)
			}
			if got := g.quietPeriod(now, opts); got != tt.want {
				t.Errorf("quiet period %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("a batch leaves MaxWait after its first entry at the latest", func(t *testing.T) {
		var g arrivalGaps
		first := t0
		for i := 0; i <= 10; i++ {
			g.arrived(t0.Add(ms(480 * i)))
		}
		now := t0.Add(ms(4800))
		if got := g.departure(first, now, opts).Sub(t0); got != opts.MaxWait {
			t.Errorf("leaves %v after its first entry, want %v", got, opts.MaxWait)
		}
	})
	t.Run("only the latest gaps are kept", func(t *testing.T) {
		var g arrivalGaps
		g.arrived(t0)
		g.arrived(t0.Add(ms(300))) // a long gap, then recentGaps short ones push it out
		at := ms(300)
		for range recentGaps {
			at += ms(1)
			g.arrived(t0.Add(at))
		}
		if got := g.longest(t0.Add(at)); got != ms(1) {
			t.Errorf("longest recent gap %v, want 1ms", got)
		}
	})
}
