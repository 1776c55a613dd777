package salesforce

import (
	"context"
	"fmt"
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

// Login logs in now, replacing the current session. Use it to check credentials. Unlike a
// call that needs a session, it waits for the login to end.
func (c *Client) Login(ctx context.Context) error {
	_, err := c.sharedLogin(context.WithValue(ctx, waitWholeLogin{}, true), "forced", func() bool { return true })
	return err
}

// waitWholeLogin marks a caller that waits for a login however long it takes.
type waitWholeLogin struct{}

// loginInProgress is returned to a call that waited LoginWait for a login that is still
// under way; nothing of the call was sent. It is transient: the login goes on, and a later
// call uses its session.
func loginInProgress(wait time.Duration) *Error {
	return &Error{Code: CodeLoginInProgress, Operation: "login",
		Message: fmt.Sprintf("a login to this org is still under way after %s; the call was not sent and is retried", wait)}
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
	// A call does not wait out a slow login: it gives its worker back and is retried, so one
	// slow or hostile login server cannot hold every worker that serves other destinations.
	var giveUp <-chan time.Time
	if ctx.Value(waitWholeLogin{}) == nil {
		timer := time.NewTimer(c.loginWait)
		defer timer.Stop()
		giveUp = timer.C
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-giveUp:
		return nil, loginInProgress(c.loginWait)
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*session), nil
	}
}
