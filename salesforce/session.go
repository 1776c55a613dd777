package salesforce

import (
	"context"
	"time"
)

// session is one successful login. Requests remember which session they used,
// so that a 401 triggers a new login only if nobody has replaced it already.
type session struct {
	accessToken string
	instanceURL string
}

// loginTimeout bounds a login that runs on behalf of many callers: it must not
// die with the context of whichever caller happened to start it.
const loginTimeout = 2 * time.Minute

// Login logs in now, replacing the current session. Use it to check credentials.
func (c *Client) Login(ctx context.Context) error {
	_, err := c.sharedLogin(ctx, "forced", func() bool { return true })
	return err
}

// session returns the current session, logging in first if there is none.
// Concurrent callers share a single login.
func (c *Client) session(ctx context.Context) (*session, error) {
	if s := c.currentSession(); s != nil {
		return s, nil
	}
	return c.sharedLogin(ctx, "initial", func() bool { return c.currentSession() == nil })
}

// relogin replaces failed after Salesforce rejected it. Only the first caller
// holding a given failed session logs in; the others get the new session.
func (c *Client) relogin(ctx context.Context, failed *session) (*session, error) {
	if s := c.currentSession(); s != nil && s != failed {
		return s, nil
	}
	return c.sharedLogin(ctx, "renew", func() bool {
		s := c.currentSession()
		return s == nil || s == failed
	})
}

func (c *Client) currentSession() *session {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.current
}

// sharedLogin runs at most one login per key at a time. needed is checked
// inside the shared call so that a caller arriving after a login finished
// reuses its result instead of starting another.
func (c *Client) sharedLogin(ctx context.Context, key string, needed func() bool) (*session, error) {
	ch := c.logins.DoChan(key, func() (any, error) {
		if !needed() {
			return c.currentSession(), nil
		}
		loginCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loginTimeout)
		defer cancel()
		s, err := c.login(loginCtx)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.current = s
		c.mu.Unlock()
		return s, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*session), nil
	}
}
