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
		{"applies one at a time, half a second apart, wait Window", []int{0, 500, 1000, 1500, 2000}, ms(20)},
		{"three at once are not yet a stream", []int{0, 0, 0}, ms(20)},
		{"four within a second are", []int{0, 300, 600, 900}, busyQuiet},
		{"clumps with pauses are", []int{0, 1, 2, 170, 171, 172, 340}, busyQuiet},
		{"the first entry after a stream paused waits for the stream's next clump", []int{0, 10, 20, 30, 1100}, busyQuiet},
		{"still, after a pause as long as MaxWait and the stream's last quiet period", []int{0, 10, 20, 30, 6030}, busyQuiet},
		{"a stream that paused longer than that is idle again", []int{0, 10, 20, 30, 6100}, ms(20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a arrivalTimes
			var now time.Time
			for _, at := range tt.at {
				now = t0.Add(ms(at))
				a.arrived(now)
			}
			if got := a.quietPeriod(now, opts); got != tt.want {
				t.Errorf("quiet period %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("never more than MaxWait", func(t *testing.T) {
		var a arrivalTimes
		for i := range 4 {
			a.arrived(t0.Add(ms(i)))
		}
		short := Options{Window: ms(20), MaxWait: ms(300)}
		if got := a.quietPeriod(t0.Add(ms(3)), short); got != ms(300) {
			t.Errorf("quiet period %v, want MaxWait", got)
		}
	})
	t.Run("a batch leaves MaxWait after its first entry at the latest", func(t *testing.T) {
		var a arrivalTimes
		var now time.Time
		for i := 0; i <= 48; i++ {
			now = t0.Add(ms(100 * i))
			a.arrived(now)
		}
		if got := a.departure(t0, now, opts).Sub(t0); got != opts.MaxWait {
			t.Errorf("leaves %v after its first entry, want %v", got, opts.MaxWait)
		}
	})
}
