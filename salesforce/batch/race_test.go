//go:build race

package batch

// raceSlowdown widens the windows of call-count tests: the race detector
// slows every submit several-fold, which would otherwise spread 1,000
// simultaneous callers over several windows.
const raceSlowdown = 10
