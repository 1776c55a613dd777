package salesforce

import (
	"strconv"
	"strings"
)

// parseLimitInfo reads the api-usage part of a Sforce-Limit-Info header, e.g.
// "api-usage=25/15000; api-bursts=1/750". Other parts are ignored.
func parseLimitInfo(header string) (used, max int, ok bool) {
	for _, part := range strings.Split(header, ";") {
		key, value, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found || !strings.EqualFold(strings.TrimSpace(key), "api-usage") {
			continue
		}
		u, m, found := strings.Cut(strings.TrimSpace(value), "/")
		if !found {
			return 0, 0, false
		}
		var err error
		if used, err = strconv.Atoi(strings.TrimSpace(u)); err != nil || used < 0 {
			return 0, 0, false
		}
		if max, err = strconv.Atoi(strings.TrimSpace(m)); err != nil || max < 0 {
			return 0, 0, false
		}
		return used, max, true
	}
	return 0, 0, false
}
