package salesforce

import (
	"fmt"
	"strings"
)

// Credentials hold everything a login flow may need. Which flow runs is decided
// by which fields are set; see Flow.
type Credentials struct {
	Username, Password, SecurityToken string
	ClientID, ClientSecret            string
	PrivateKeyPEM                     []byte // JWT bearer flow (PKCS#1 or PKCS#8 RSA)
}

// Flow names a login flow.
type Flow string

const (
	FlowSOAPLogin         Flow = "soap-login"
	FlowOAuthPassword     Flow = "oauth-password"
	FlowJWTBearer         Flow = "jwt-bearer"
	FlowClientCredentials Flow = "client-credentials"
)

// Flow chooses the login flow from the credentials present:
//   - ClientID and PrivateKeyPEM: JWT bearer (Username names the user);
//   - ClientID, ClientSecret, Username and Password: OAuth username-password;
//   - ClientID and ClientSecret without Username: client credentials (My Domain only);
//   - Username and Password alone (SecurityToken optional): SOAP login().
//
// The error names the missing keys, using the Secret key names, never values.
func (c Credentials) Flow() (Flow, error) {
	has := func(s string) bool { return s != "" }
	switch {
	case has(c.ClientID) && len(c.PrivateKeyPEM) > 0:
		if !has(c.Username) {
			return "", missing("username")
		}
		return FlowJWTBearer, nil
	case has(c.ClientID) && has(c.ClientSecret):
		if !has(c.Username) {
			if has(c.Password) {
				return "", missing("username")
			}
			return FlowClientCredentials, nil
		}
		if !has(c.Password) {
			return "", missing("password")
		}
		return FlowOAuthPassword, nil
	case has(c.ClientID):
		return "", missing("clientSecret or privateKey")
	case has(c.ClientSecret) || len(c.PrivateKeyPEM) > 0:
		return "", missing("clientId")
	}
	var absent []string
	if !has(c.Username) {
		absent = append(absent, "username")
	}
	if !has(c.Password) {
		absent = append(absent, "password")
	}
	if len(absent) > 0 {
		return "", missing(absent...)
	}
	return FlowSOAPLogin, nil
}

func missing(keys ...string) error {
	return fmt.Errorf("incomplete salesforce credentials: missing %s", strings.Join(keys, ", "))
}

// String keeps secrets out of logs and error messages that format a Credentials value.
func (c Credentials) String() string {
	set := func(s string) string {
		if s == "" {
			return "unset"
		}
		return "set"
	}
	key := "unset"
	if len(c.PrivateKeyPEM) > 0 {
		key = "set"
	}
	return fmt.Sprintf("Credentials{Username:%q Password:%s SecurityToken:%s ClientID:%s ClientSecret:%s PrivateKeyPEM:%s}",
		c.Username, set(c.Password), set(c.SecurityToken), set(c.ClientID), set(c.ClientSecret), key)
}

// GoString does the same for %#v.
func (c Credentials) GoString() string { return c.String() }
