//go:build !race

package batch

const raceSlowdown = 1
