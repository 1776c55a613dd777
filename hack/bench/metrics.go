package main

import (
	"strconv"
	"strings"
)

// sample is one line of the Prometheus text format.
type sample struct {
	name, labels string
	value        float64
}

type samples []sample

// parseSamples reads the text format well enough for counters and gauges; the bench needs
// sums of a few series, not a full client.
func parseSamples(text string) samples {
	var out samples
	for _, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		name, labels := line[:sp], ""
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name, labels = name[:i], name[i:]
		}
		out = append(out, sample{name: name, labels: labels, value: v})
	}
	return out
}

// sum adds the series of a metric whose labels contain every one of the given label pairs.
func (s samples) sum(name string, labels ...string) float64 {
	var total float64
next:
	for _, x := range s {
		if x.name != name {
			continue
		}
		for _, l := range labels {
			if !strings.Contains(x.labels, l) {
				continue next
			}
		}
		total += x.value
	}
	return total
}
