package emulator

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type session struct {
	lastUsed time.Time
}

type oauthError struct{ code, description string }

var (
	errAuthFailure       = oauthError{"invalid_grant", "authentication failure"}
	errClientID          = oauthError{"invalid_client_id", "client identifier invalid"}
	errClientSecret      = oauthError{"invalid_client", "invalid client credentials"}
	errGrantType         = oauthError{"unsupported_grant_type", "grant type not supported"}
	errWrongDomain       = oauthError{"invalid_grant", "request not supported on this domain"}
	errInvalidAssertion  = oauthError{"invalid_grant", "invalid assertion"}
	errAudience          = oauthError{"invalid_grant", "audience is invalid"}
	errExpiredAssertion  = oauthError{"invalid_grant", "expired authorization code"}
	errNotApproved       = oauthError{"invalid_grant", "user hasn't approved this consumer"}
	errInvalidRequest    = oauthError{"invalid_request", "must use HTTP POST"}
	errUnsupportedRevoke = oauthError{"unsupported_token_type", "this token type is not supported"}
)

func writeOAuthError(w http.ResponseWriter, r *http.Request, err oauthError) {
	writeJSON(w, r, http.StatusBadRequest, orderedMap{keys: []string{"error", "error_description"},
		vals: []any{err.code, err.description}})
}

func secretEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// newSession issues an access token of the form {orgId}!{opaque}.
func (e *Emulator) newSession() string {
	buf := make([]byte, 72)
	_, _ = rand.Read(buf)
	token := e.opts.OrgID[:15] + "!AQ" + base64.RawURLEncoding.EncodeToString(buf)
	e.authMu.Lock()
	e.sessions[token] = &session{lastUsed: e.now()}
	e.logins++
	e.authMu.Unlock()
	return token
}

// authenticate checks the bearer token and restarts its idle countdown.
func (e *Emulator) authenticate(r *http.Request) *apiError {
	h := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !found || token == "" || !(strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth")) {
		return &apiError{Status: http.StatusUnauthorized, Code: "INVALID_AUTH_HEADER", Message: "INVALID_HEADER_TYPE"}
	}
	e.authMu.Lock()
	defer e.authMu.Unlock()
	s := e.sessions[token]
	if s == nil {
		return errSessionInvalid()
	}
	now := e.now()
	if now.Sub(s.lastUsed) > e.opts.SessionIdleTimeout {
		delete(e.sessions, token)
		return errSessionInvalid()
	}
	s.lastUsed = now
	return nil
}

func (e *Emulator) checkPassword(username, password string) bool {
	e.authMu.Lock()
	want := e.password + e.token
	e.authMu.Unlock()
	return strings.EqualFold(username, e.opts.Username) && secretEqual(password, want)
}

// instanceURL is the configured instance or scheme://host of the incoming request.
func (e *Emulator) instanceURL(r *http.Request) string {
	if e.opts.InstanceURL != "" {
		return strings.TrimRight(e.opts.InstanceURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

func (e *Emulator) isLoginHost(r *http.Request) bool {
	if e.opts.LoginHostOnly {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	return host == "login.salesforce.com" || host == "test.salesforce.com"
}

func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request) {
	e.count(r.Method + " /oauth2/token")
	if r.Method != http.MethodPost {
		writeOAuthError(w, r, errInvalidRequest)
		return
	}
	_ = r.ParseForm() // r.Form merges the body with the query string, as the legacy clients need
	switch r.Form.Get("grant_type") {
	case "password":
		e.passwordGrant(w, r)
	case "client_credentials":
		e.clientCredentialsGrant(w, r)
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		e.jwtGrant(w, r)
	default:
		writeOAuthError(w, r, errGrantType)
	}
}

func (e *Emulator) checkClient(id, secret string, secretRequired bool) *oauthError {
	if e.opts.ClientID != "" && id != e.opts.ClientID {
		return &errClientID
	}
	if e.opts.ClientSecret != "" && (secret != "" || secretRequired) && !secretEqual(secret, e.opts.ClientSecret) {
		return &errClientSecret
	}
	return nil
}

func (e *Emulator) passwordGrant(w http.ResponseWriter, r *http.Request) {
	if err := e.checkClient(r.Form.Get("client_id"), r.Form.Get("client_secret"), false); err != nil {
		writeOAuthError(w, r, *err)
		return
	}
	if !e.checkPassword(r.Form.Get("username"), r.Form.Get("password")) {
		writeOAuthError(w, r, errAuthFailure)
		return
	}
	e.writeToken(w, r, "")
}

func (e *Emulator) clientCredentialsGrant(w http.ResponseWriter, r *http.Request) {
	if e.isLoginHost(r) {
		writeOAuthError(w, r, errWrongDomain)
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
	}
	if e.opts.ClientID == "" || id != e.opts.ClientID {
		writeOAuthError(w, r, errClientID)
		return
	}
	if !secretEqual(secret, e.opts.ClientSecret) {
		writeOAuthError(w, r, errClientSecret)
		return
	}
	e.writeToken(w, r, "api")
}

func (e *Emulator) jwtGrant(w http.ResponseWriter, r *http.Request) {
	claims, ok := e.verifyJWT(r.Form.Get("assertion"))
	if !ok {
		writeOAuthError(w, r, errInvalidAssertion)
		return
	}
	if e.opts.ClientID == "" || claims.Iss != e.opts.ClientID {
		writeOAuthError(w, r, errClientID)
		return
	}
	if !e.audienceOK(r, claims.Aud) {
		writeOAuthError(w, r, errAudience)
		return
	}
	if !strings.EqualFold(claims.Sub, e.opts.Username) {
		writeOAuthError(w, r, errNotApproved)
		return
	}
	if claims.Exp == 0 || time.Unix(claims.Exp, 0).Before(e.now()) {
		writeOAuthError(w, r, errExpiredAssertion)
		return
	}
	e.writeToken(w, r, "api")
}

type jwtClaims struct {
	Iss string      `json:"iss"`
	Sub string      `json:"sub"`
	Aud jwtAudience `json:"aud"`
	Exp int64       `json:"exp"`
}

// jwtAudience accepts both a single string and an array, as RFC 7519 allows.
type jwtAudience []string

func (a *jwtAudience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = []string{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*a = many
	return err
}

func (e *Emulator) verifyJWT(assertion string) (jwtClaims, bool) {
	var claims jwtClaims
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 || e.opts.JWTPublicKey == nil {
		return claims, false
	}
	headerJSON, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	payload, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return claims, false
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(headerJSON, &header) != nil || header.Alg != "RS256" {
		return claims, false
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(e.opts.JWTPublicKey, crypto.SHA256, digest[:], sig) != nil {
		return claims, false
	}
	if json.Unmarshal(payload, &claims) != nil {
		return claims, false
	}
	return claims, true
}

func (e *Emulator) audienceOK(r *http.Request, aud []string) bool {
	instance := e.instanceURL(r)
	for _, a := range aud {
		a = strings.TrimRight(a, "/")
		switch a {
		case "https://login.salesforce.com", "https://test.salesforce.com", instance,
			instance + "/services/oauth2/token":
			return true
		}
	}
	return false
}

func (e *Emulator) identityURL(r *http.Request) string {
	return e.instanceURL(r) + "/id/" + e.opts.OrgID + "/" + e.userID
}

func (e *Emulator) writeToken(w http.ResponseWriter, r *http.Request, scope string) {
	token := e.newSession()
	id := e.identityURL(r)
	issued := strconv.FormatInt(e.now().UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(e.opts.ClientSecret))
	mac.Write([]byte(id + issued))
	m := orderedMap{}
	m.set("access_token", token)
	if scope != "" {
		m.set("scope", scope)
	}
	m.set("instance_url", e.instanceURL(r))
	m.set("id", id)
	m.set("token_type", "Bearer")
	m.set("issued_at", issued)
	m.set("signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	writeJSON(w, r, http.StatusOK, m)
}

// serveRevoke ends a session: POST /services/oauth2/revoke with token=...
func (e *Emulator) serveRevoke(w http.ResponseWriter, r *http.Request) {
	e.count(r.Method + " /oauth2/revoke")
	_ = r.ParseForm()
	token := r.Form.Get("token")
	e.authMu.Lock()
	_, ok := e.sessions[token]
	delete(e.sessions, token)
	e.authMu.Unlock()
	if !ok {
		writeOAuthError(w, r, errUnsupportedRevoke)
		return
	}
	w.WriteHeader(http.StatusOK)
}
