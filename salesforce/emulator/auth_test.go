package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256"}`))
	payload, _ := json.Marshal(claims)
	signing := header + "." + base64.RawURLEncoding.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestTokenEndpoint(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	h := newHarness(t, Options{ClientID: "cid", ClientSecret: "csecret", JWTPublicKey: &key.PublicKey})
	exp := time.Now().Add(3 * time.Minute).Unix()
	jwt := func(k *rsa.PrivateKey, iss, sub, aud string, exp int64) string {
		return signJWT(t, k, map[string]any{"iss": iss, "sub": sub, "aud": aud, "exp": exp})
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("cid:csecret"))
	pw := defaultPassword + defaultSecurityToken

	cases := map[string]struct {
		section     string
		form        url.Values
		query       string
		header      map[string]string
		status      int
		err, errMsg string
		scope       bool
	}{
		"password":                {section: "1.2", form: url.Values{"grant_type": {"password"}, "client_id": {"cid"}, "client_secret": {"csecret"}, "username": {defaultUsername}, "password": {pw}}, status: 200},
		"password in query":       {section: "1.2", query: url.Values{"grant_type": {"password"}, "client_id": {"cid"}, "client_secret": {"csecret"}, "username": {defaultUsername}, "password": {pw}}.Encode(), status: 200},
		"wrong password":          {section: "1.2", form: url.Values{"grant_type": {"password"}, "client_id": {"cid"}, "username": {defaultUsername}, "password": {defaultPassword}}, status: 400, err: "invalid_grant", errMsg: "authentication failure"},
		"wrong client id":         {section: "1.2", form: url.Values{"grant_type": {"password"}, "client_id": {"x"}, "username": {defaultUsername}, "password": {pw}}, status: 400, err: "invalid_client_id", errMsg: "client identifier invalid"},
		"wrong client secret":     {section: "1.2", form: url.Values{"grant_type": {"password"}, "client_id": {"cid"}, "client_secret": {"x"}, "username": {defaultUsername}, "password": {pw}}, status: 400, err: "invalid_client", errMsg: "invalid client credentials"},
		"unsupported grant":       {section: "1.2", form: url.Values{"grant_type": {"passwd"}}, status: 400, err: "unsupported_grant_type", errMsg: "grant type not supported"},
		"client credentials form": {section: "1.3", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"csecret"}}, status: 200, scope: true},
		"client credentials basic": {section: "1.3", form: url.Values{"grant_type": {"client_credentials"}},
			header: map[string]string{"Authorization": basic}, status: 200, scope: true},
		"client credentials on login host": {section: "1.3", form: url.Values{"grant_type": {"client_credentials"}},
			header: map[string]string{"Authorization": basic, "Host": "login.salesforce.com"}, status: 400, err: "invalid_grant", errMsg: "request not supported on this domain"},
		"client credentials bad secret": {section: "1.3", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"no"}}, status: 400, err: "invalid_client", errMsg: "invalid client credentials"},
		"jwt": {section: "1.4", form: url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {jwt(key, "cid", defaultUsername, "https://login.salesforce.com", exp)}}, status: 200, scope: true},
		"jwt bad signature": {section: "1.4", form: url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {jwt(other, "cid", defaultUsername, "https://login.salesforce.com", exp)}}, status: 400, err: "invalid_grant", errMsg: "invalid assertion"},
		"jwt wrong issuer": {section: "1.4", form: url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {jwt(key, "nope", defaultUsername, "https://login.salesforce.com", exp)}}, status: 400, err: "invalid_client_id", errMsg: "client identifier invalid"},
		"jwt wrong audience": {section: "1.4", form: url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {jwt(key, "cid", defaultUsername, "https://example.com", exp)}}, status: 400, err: "invalid_grant", errMsg: "audience is invalid"},
		"jwt expired": {section: "1.4", form: url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {jwt(key, "cid", defaultUsername, "https://test.salesforce.com", time.Now().Add(-time.Minute).Unix())}}, status: 400, err: "invalid_grant", errMsg: "expired authorization code"},
		"jwt unknown user": {section: "1.4", form: url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {jwt(key, "cid", "who@example.com", "https://login.salesforce.com", exp)}}, status: 400, err: "invalid_grant", errMsg: "user hasn't approved this consumer"},
	}
	for name, tc := range cases {
		t.Run(tc.section+" "+name, func(t *testing.T) {
			path := "/services/oauth2/token"
			if tc.query != "" {
				path += "?" + tc.query
			}
			r := h.form(path, tc.form, tc.header)
			if r.status != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.status, tc.status, r.raw)
			}
			if ct := r.header.Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type = %q", ct)
			}
			if r.header.Get("Sforce-Limit-Info") != "" {
				t.Errorf("token endpoint must not carry Sforce-Limit-Info")
			}
			m := r.object(t)
			if tc.status != 200 {
				if m["error"] != tc.err || m["error_description"] != tc.errMsg || len(m) != 2 {
					t.Errorf("body = %s", r.raw)
				}
				return
			}
			for _, absent := range []string{"expires_in", "refresh_token"} {
				if _, ok := m[absent]; ok {
					t.Errorf("%s must be absent", absent)
				}
			}
			if _, ok := m["scope"]; ok != tc.scope {
				t.Errorf("scope present = %v, want %v", ok, tc.scope)
			}
			token, _ := m["access_token"].(string)
			if !strings.HasPrefix(token, h.emu.opts.OrgID[:15]+"!") || m["token_type"] != "Bearer" ||
				m["instance_url"] != h.srv.URL || !regexp.MustCompile(`^\d{13}$`).MatchString(m["issued_at"].(string)) ||
				m["signature"] == "" || !strings.HasPrefix(m["id"].(string), h.srv.URL+"/id/00D") {
				t.Errorf("body = %s", r.raw)
			}
			h2 := *h
			h2.token = token
			if got := h2.do("GET", v64+"/limits", nil); got.status != 200 {
				t.Errorf("token not usable: %d", got.status)
			}
		})
	}
}

func TestLoginHostOnlyRefusesClientCredentials(t *testing.T) {
	h := newHarness(t, Options{ClientID: "cid", ClientSecret: "s", LoginHostOnly: true})
	r := h.form("/services/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"s"}}, nil)
	if r.status != 400 || r.object(t)["error_description"] != "request not supported on this domain" {
		t.Errorf("got %d %s", r.status, r.raw)
	}
}

const loginEnvelope = `<?xml version="1.0" encoding="utf-8"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">
  <env:Header><urn:CallOptions><urn:client>test</urn:client></urn:CallOptions></env:Header>
  <env:Body><urn:login><urn:username>%s</urn:username><urn:password>%s</urn:password></urn:login></env:Body>
</env:Envelope>`

func TestSOAPLogin(t *testing.T) {
	h := newHarness(t, Options{})
	soap := func(version, user, pass string) response {
		body := strings.Replace(strings.Replace(loginEnvelope, "%s", user, 1), "%s", pass, 1)
		return h.raw("POST", "/services/Soap/u/"+version, body, map[string]string{"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": "login"})
	}
	cases := map[string]struct {
		version, user, pass string
		status              int
		contains            []string
	}{
		"success": {"64.0", defaultUsername, defaultPassword + defaultSecurityToken, 200,
			[]string{"<serverUrl>" + h.srv.URL + "/services/Soap/u/64.0/00D", "<sessionId>00D", "<userId>005", "<organizationId>00D",
				"<userName>dev@example.com</userName>", "<sessionSecondsValid>7200</sessionSecondsValid>", "<passwordExpired>false</passwordExpired>"}},
		"wrong password": {"64.0", defaultUsername, "nope", 500,
			[]string{"<faultcode>INVALID_LOGIN</faultcode>", "<faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring>",
				`<sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>`}},
		"login() gone from 65.0": {"65.0", defaultUsername, defaultPassword + defaultSecurityToken, 500,
			[]string{"<faultcode>sf:INVALID_OPERATION</faultcode>", "<sf:exceptionCode>INVALID_OPERATION</sf:exceptionCode>",
				"The SOAP Login operation is not available in the API version specified (65.0)."}},
		"login() gone from 68.0": {"68.0", defaultUsername, defaultPassword + defaultSecurityToken, 500,
			[]string{"<faultcode>sf:INVALID_OPERATION</faultcode>", "(68.0)"}},
		"retired version": {"30.0", defaultUsername, defaultPassword + defaultSecurityToken, 500,
			[]string{"<faultcode>UNSUPPORTED_API_VERSION</faultcode>"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := soap(tc.version, tc.user, tc.pass)
			if r.status != tc.status || !strings.HasPrefix(r.header.Get("Content-Type"), "text/xml") {
				t.Fatalf("got %d %q: %s", r.status, r.header.Get("Content-Type"), r.raw)
			}
			for _, want := range tc.contains {
				if !strings.Contains(string(r.raw), want) {
					t.Errorf("body lacks %q:\n%s", want, r.raw)
				}
			}
			if tc.status == 200 {
				sid := regexp.MustCompile(`<sessionId>([^<]+)</sessionId>`).FindStringSubmatch(string(r.raw))[1]
				h2 := *h
				h2.token = sid
				if got := h2.do("GET", v64+"/limits", nil); got.status != 200 {
					t.Errorf("sessionId not usable as bearer: %d", got.status)
				}
			}
		})
	}
}

func TestSessionLifecycle(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, Options{SessionIdleTimeout: 15 * time.Minute, Now: func() time.Time { return now }})
	expired := `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`

	now = now.Add(14 * time.Minute)
	if r := h.do("GET", v64+"/limits", nil); r.status != 200 {
		t.Fatalf("within idle timeout: %d", r.status)
	}
	now = now.Add(14 * time.Minute) // the previous call restarted the countdown
	if r := h.do("GET", v64+"/limits", nil); r.status != 200 {
		t.Fatalf("idle countdown not restarted: %d", r.status)
	}
	now = now.Add(16 * time.Minute)
	r := h.do("GET", v64+"/limits", nil)
	if r.status != 401 || r.header.Get("Sforce-Limit-Info") == "" {
		t.Fatalf("after idle timeout: %d", r.status)
	}
	wantJSON(expired)(t, r)

	h.token = h.login()
	h.emu.ExpireSessions()
	if r := h.do("GET", v64+"/limits", nil); r.status != 401 {
		t.Fatalf("after ExpireSessions: %d", r.status)
	}

	h.token = h.login()
	if r := h.form("/services/oauth2/revoke", url.Values{"token": {h.token}}, nil); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if r := h.do("GET", v64+"/limits", nil); r.status != 401 {
		t.Fatalf("after revoke: %d", r.status)
	}

	h.emu.SetCredentials("rotated", "tok2")
	r = h.form("/services/oauth2/token", url.Values{"grant_type": {"password"}, "username": {defaultUsername},
		"password": {defaultPassword + defaultSecurityToken}}, nil)
	if r.status != 400 {
		t.Fatalf("old password still accepted")
	}
	r = h.form("/services/oauth2/token", url.Values{"grant_type": {"password"}, "username": {defaultUsername},
		"password": {"rotatedtok2"}}, nil)
	if r.status != 200 {
		t.Fatalf("rotated password refused: %s", r.raw)
	}
	if got := h.emu.Logins(); got != 4 {
		t.Errorf("Logins() = %d, want 4", got)
	}
}

// TestSOAPLoginModes: an org that no longer offers login() refuses it on every version with the
// fault live orgs send, whatever the credentials, and the admin switch changes it at run time.
func TestSOAPLoginModes(t *testing.T) {
	valid := defaultPassword + defaultSecurityToken
	cases := map[string]struct {
		start    SOAPLoginMode
		switchTo string // admin POST /_emulator/soap-login, empty for none
		status   int
		want     string
	}{
		"available by default":        {"", "", 200, "<sessionId>00D"},
		"disabled from the start":     {SOAPLoginDisabled, "", 500, "SOAP API login() is disabled by default in this org."},
		"retired from the start":      {SOAPLoginRetired, "", 500, "SOAP API login() has been retired."},
		"retired by the admin switch": {"", "retired", 500, "SOAP API login() has been retired."},
		"enabled by the admin switch": {SOAPLoginRetired, "available", 200, "<sessionId>00D"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Options{SOAPLogin: tc.start})
			if tc.switchTo != "" {
				r := h.raw("POST", "/_emulator/soap-login", `{"mode":"`+tc.switchTo+`"}`, nil)
				if r.status != 204 {
					t.Fatalf("admin switch: %d %s", r.status, r.raw)
				}
			}
			body := strings.Replace(strings.Replace(loginEnvelope, "%s", defaultUsername, 1), "%s", valid, 1)
			r := h.raw("POST", "/services/Soap/u/64.0", body, map[string]string{"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": "login"})
			if r.status != tc.status || !strings.Contains(string(r.raw), tc.want) {
				t.Fatalf("got %d, want %d with %q:\n%s", r.status, tc.status, tc.want, r.raw)
			}
			if tc.status == 500 && !strings.Contains(string(r.raw), "<sf:exceptionCode>INVALID_OPERATION</sf:exceptionCode>") {
				t.Errorf("fault is not INVALID_OPERATION:\n%s", r.raw)
			}
		})
	}
	h := newHarness(t, Options{})
	if r := h.raw("POST", "/_emulator/soap-login", `{"mode":"gone"}`, nil); r.status != 400 {
		t.Errorf("unknown mode: %d %s", r.status, r.raw)
	}
	h.raw("POST", "/_emulator/soap-login", `{"mode":"retired"}`, nil)
	h.raw("POST", "/_emulator/reset", "", nil)
	if r := h.raw("GET", "/_emulator/soap-login", "", nil); !strings.Contains(string(r.raw), `"available"`) {
		t.Errorf("reset keeps the switched mode: %s", r.raw)
	}
}
