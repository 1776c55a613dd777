package salesforce

import (
	"context"
	"net/http"
)

// DailyAPIRequests reads the org's daily API allowance from the limits resource. It costs one
// API call; its use is refreshing the usage figure when no other call would (a caller that has
// stopped spending because its budget looked exhausted).
func (c *Client) DailyAPIRequests(ctx context.Context) (used, max int, err error) {
	const op = "limits"
	resp, err := c.call(ctx, op, http.MethodGet, "/limits", nil)
	if err != nil {
		return 0, 0, err
	}
	var limits struct {
		DailyAPIRequests struct {
			Max       int `json:"Max"`
			Remaining int `json:"Remaining"`
		} `json:"DailyApiRequests"`
	}
	if err := decode(resp, op, &limits); err != nil {
		return 0, 0, err
	}
	max = limits.DailyAPIRequests.Max
	used = max - limits.DailyAPIRequests.Remaining
	return used, max, nil
}
