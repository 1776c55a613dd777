package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// login runs the configured flow once and returns the new session.
func (c *Client) login(ctx context.Context) (*session, error) {
	var (
		s   *session
		err error
	)
	switch c.flow {
	case FlowSOAPLogin:
		s, err = c.soapLogin(ctx)
	case FlowOAuthPassword:
		s, err = c.tokenLogin(ctx, url.Values{
			"grant_type":    {"password"},
			"client_id":     {c.creds.ClientID},
			"client_secret": {c.creds.ClientSecret},
			"username":      {c.creds.Username},
			"password":      {c.creds.Password + c.creds.SecurityToken},
		})
	case FlowClientCredentials:
		s, err = c.tokenLogin(ctx, url.Values{
			"grant_type":    {"client_credentials"},
			"client_id":     {c.creds.ClientID},
			"client_secret": {c.creds.ClientSecret},
		})
	case FlowJWTBearer:
		var assertion string
		if assertion, err = c.jwtAssertion(); err == nil {
			c.mu.Lock()
			c.assertion = assertion
			c.mu.Unlock()
			s, err = c.tokenLogin(ctx, url.Values{
				"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
				"assertion":  {assertion},
			})
		}
	default:
		err = fmt.Errorf("unsupported login flow %q", c.flow)
	}
	if err != nil {
		if e, ok := asError(err); ok {
			return nil, c.scrub(e, nil)
		}
		return nil, err
	}
	if s.instanceURL, err = checkBaseURL(s.instanceURL, "instance URL"); err != nil {
		return nil, &Error{Code: CodeUnexpectedResponse, Operation: "login", Message: err.Error()}
	}
	// A login server must not be able to send the session, and every data call, elsewhere.
	if err := c.hosts.check(s.instanceURL, "instance URL"); err != nil {
		if e, ok := err.(*HostNotAllowedError); ok {
			e.Host = c.redactor(errorSecretMin).text(e.Host)
		}
		return nil, err
	}
	return s, nil
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	InstanceURL string `json:"instance_url"`
	ID          string `json:"id"`
	TokenType   string `json:"token_type"`
	IssuedAt    string `json:"issued_at"`
}

// tokenLogin posts an OAuth grant to the token endpoint. Credentials travel
// only in the form body, never in the URL.
func (c *Client) tokenLogin(ctx context.Context, form url.Values) (*session, error) {
	const op = "login"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.loginURL+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("salesforce %s: cannot build request: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.exchange(req, op)
	if err != nil {
		return nil, err
	}
	if resp.status >= 300 {
		return nil, parseError(resp.status, op, resp.body)
	}
	var tok tokenResponse
	if err := decode(resp, op, &tok); err != nil {
		return nil, err
	}
	if tok.AccessToken == "" || tok.InstanceURL == "" {
		return nil, &Error{StatusCode: resp.status, Code: CodeUnexpectedResponse, Operation: op,
			Message: "token response lacks access_token or instance_url"}
	}
	return &session{accessToken: tok.AccessToken, instanceURL: tok.InstanceURL}, nil
}
