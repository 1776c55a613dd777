package salesforce

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCredentialsFlow(t *testing.T) {
	key := []byte("-----BEGIN RSA PRIVATE KEY-----")
	cases := map[string]struct {
		creds   Credentials
		want    Flow
		wantErr string
	}{
		"soap with token":      {creds: Credentials{Username: "u", Password: "p", SecurityToken: "t"}, want: FlowSOAPLogin},
		"soap without token":   {creds: Credentials{Username: "u", Password: "p"}, want: FlowSOAPLogin},
		"oauth password":       {creds: Credentials{Username: "u", Password: "p", ClientID: "id", ClientSecret: "s"}, want: FlowOAuthPassword},
		"jwt":                  {creds: Credentials{Username: "u", ClientID: "id", PrivateKeyPEM: key}, want: FlowJWTBearer},
		"jwt wins over secret": {creds: Credentials{Username: "u", ClientID: "id", ClientSecret: "s", PrivateKeyPEM: key}, want: FlowJWTBearer},
		"client credentials":   {creds: Credentials{ClientID: "id", ClientSecret: "s"}, want: FlowClientCredentials},
		"nothing":              {wantErr: "missing username, password"},
		"no password":          {creds: Credentials{Username: "u", SecurityToken: "t"}, wantErr: "missing password"},
		"client credentials with the username left in place": {creds: Credentials{Username: "u", ClientID: "id", ClientSecret: "s"}, want: FlowClientCredentials},
		"oauth password without username":                    {creds: Credentials{Password: "p", ClientID: "id", ClientSecret: "s"}, wantErr: "missing username"},
		"jwt without username":                               {creds: Credentials{ClientID: "id", PrivateKeyPEM: key}, wantErr: "missing username"},
		"client id alone":                                    {creds: Credentials{Username: "u", Password: "p", ClientID: "id"}, wantErr: "missing clientSecret or privateKey"},
		"secret without id":                                  {creds: Credentials{ClientSecret: "s"}, wantErr: "missing clientId"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := tc.creds.Flow()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Flow() error = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Flow() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestLoginURL(t *testing.T) {
	cases := map[string]struct {
		sandbox bool
		login   string
		want    string
	}{
		"production":        {want: ProductionLoginURL},
		"sandbox":           {sandbox: true, want: SandboxLoginURL},
		"custom wins":       {sandbox: true, login: "https://acme.my.salesforce.com/", want: "https://acme.my.salesforce.com"},
		"custom production": {login: "https://acme--uat.sandbox.my.salesforce.com", want: "https://acme--uat.sandbox.my.salesforce.com"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := LoginURL(tc.sandbox, tc.login); got != tc.want {
				t.Fatalf("LoginURL() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNewValidatesConfig(t *testing.T) {
	cases := map[string]struct {
		cfg     Config
		wantErr bool
	}{
		"default login host":      {cfg: Config{Credentials: testCreds}},
		"https custom":            {cfg: Config{Credentials: testCreds, LoginURL: "https://acme.my.salesforce.com"}},
		"http loopback ip":        {cfg: Config{Credentials: testCreds, AllowedHosts: loopbackHosts, LoginURL: "http://127.0.0.1:8080"}},
		"http localhost":          {cfg: Config{Credentials: testCreds, AllowedHosts: loopbackHosts, LoginURL: "http://localhost:8080"}},
		"http ipv6 loopback":      {cfg: Config{Credentials: testCreds, AllowedHosts: loopbackHosts, LoginURL: "http://[::1]:8080"}},
		"loopback not named":      {cfg: Config{Credentials: testCreds, LoginURL: "http://127.0.0.1:8080"}, wantErr: true},
		"https host not allowed":  {cfg: Config{Credentials: testCreds, LoginURL: "https://login.example.com"}, wantErr: true},
		"lookalike suffix":        {cfg: Config{Credentials: testCreds, LoginURL: "https://evilsalesforce.com"}, wantErr: true},
		"http remote":             {cfg: Config{Credentials: testCreds, LoginURL: "http://acme.my.salesforce.com"}, wantErr: true},
		"ftp":                     {cfg: Config{Credentials: testCreds, LoginURL: "ftp://acme.my.salesforce.com"}, wantErr: true},
		"userinfo":                {cfg: Config{Credentials: testCreds, LoginURL: "https://u:p@acme.my.salesforce.com"}, wantErr: true},
		"bad api version":         {cfg: Config{Credentials: testCreds, APIVersion: "v66"}, wantErr: true},
		"path-like api version":   {cfg: Config{Credentials: testCreds, APIVersion: "66.0/../x"}, wantErr: true},
		"incomplete credentials":  {cfg: Config{Credentials: Credentials{Username: "u"}}, wantErr: true},
		"unparseable private key": {cfg: Config{Credentials: Credentials{Username: "u", ClientID: "id", PrivateKeyPEM: []byte("junk")}}, wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if (err != nil) != tc.wantErr {
				t.Fatalf("New() error = %v, wantErr %v", err, tc.wantErr)
			}
		})
	}
}

func TestOAuthPasswordLogin(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("GET", "/services/data/v68.0/sobjects/Lead/00Q5g000001AbcdEAC", org.reply(200, "get_lead.json"))
	c := newTestClient(t, org, testCreds)
	if _, err := c.Get(testContext(t), "Lead", "00Q5g000001AbcdEAC", nil); err != nil {
		t.Fatalf("Get: %v", err)
	}
	reqs := org.recorded()
	login := reqs[0]
	if login.Method != "POST" || login.Path != "/services/oauth2/token" || login.RawQuery != "" {
		t.Fatalf("login request = %s %s?%s, want POST to the token endpoint without query", login.Method, login.Path, login.RawQuery)
	}
	if ct := login.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Fatalf("Content-Type = %q", ct)
	}
	form, _ := url.ParseQuery(login.Body)
	want := map[string]string{
		"grant_type": "password", "client_id": testCreds.ClientID, "client_secret": testCreds.ClientSecret,
		"username": testCreds.Username, "password": testCreds.Password + testCreds.SecurityToken,
	}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("form %s = %q, want %q", k, form.Get(k), v)
		}
	}
	data := reqs[1]
	if got := data.Header.Get("Authorization"); got != "Bearer 00Dx0000000BV7z!login1" {
		t.Errorf("Authorization = %q", got)
	}
	if got := data.Header.Get("Sforce-Call-Options"); got != "client=salesforce-controller" {
		t.Errorf("Sforce-Call-Options = %q", got)
	}
	if !strings.HasPrefix(data.Header.Get("User-Agent"), "salesforce-controller/") {
		t.Errorf("User-Agent = %q", data.Header.Get("User-Agent"))
	}
	if c.InstanceURL() != org.srv.URL {
		t.Errorf("InstanceURL() = %q, want %q", c.InstanceURL(), org.srv.URL)
	}
}

func TestClientCredentialsLogin(t *testing.T) {
	org := newFakeOrg(t)
	c := newTestClient(t, org, Credentials{ClientID: "id", ClientSecret: "secret"})
	if err := c.Login(testContext(t)); err != nil {
		t.Fatalf("Login: %v", err)
	}
	form, _ := url.ParseQuery(org.recorded()[0].Body)
	if form.Get("grant_type") != "client_credentials" || form.Get("client_id") != "id" || form.Get("client_secret") != "secret" {
		t.Fatalf("form = %v", form)
	}
}

func TestSOAPLogin(t *testing.T) {
	org := newFakeOrg(t)
	org.handle("DELETE", "/services/data/v68.0/sobjects/Lead/00Q5g000001AbcdEAC", org.reply(204, ""))
	creds := Credentials{Username: `o'brien&<x>@example.com`, Password: `pa<ss>&"`, SecurityToken: "TKN"}
	c := newTestClient(t, org, creds)
	if err := c.Delete(testContext(t), "Lead", "00Q5g000001AbcdEAC"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	login := org.recorded()[0]
	if login.Path != "/services/Soap/u/64.0" || login.Header.Get("SOAPAction") != "login" {
		t.Fatalf("login request = %s with SOAPAction %q", login.Path, login.Header.Get("SOAPAction"))
	}
	var env struct {
		Body struct {
			Login struct {
				Username string `xml:"username"`
				Password string `xml:"password"`
			} `xml:"login"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal([]byte(login.Body), &env); err != nil {
		t.Fatalf("envelope is not XML: %v", err)
	}
	if env.Body.Login.Username != creds.Username || env.Body.Login.Password != creds.Password+creds.SecurityToken {
		t.Fatalf("envelope carries %q / %q", env.Body.Login.Username, env.Body.Login.Password)
	}
	if got := org.recorded()[1].Header.Get("Authorization"); got != "Bearer 00Dx0000000BV7z!login1" {
		t.Fatalf("data call Authorization = %q, want the SOAP session id", got)
	}
}

func rsaKeyPEM(t *testing.T, pkcs8 bool) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if pkcs8 {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

func TestJWTBearerLogin(t *testing.T) {
	fixed := time.Unix(1_800_000_000, 0)
	now = func() time.Time { return fixed }
	t.Cleanup(func() { now = time.Now })
	for _, pkcs8 := range []bool{false, true} {
		t.Run(map[bool]string{false: "pkcs1", true: "pkcs8"}[pkcs8], func(t *testing.T) {
			key, keyPEM := rsaKeyPEM(t, pkcs8)
			org := newFakeOrg(t)
			org.loginBody = "token_jwt.json"
			c := newTestClient(t, org, Credentials{Username: "user@example.com", ClientID: "3MVG9consumerKey", PrivateKeyPEM: keyPEM})
			if err := c.Login(testContext(t)); err != nil {
				t.Fatalf("Login: %v", err)
			}
			form, _ := url.ParseQuery(org.recorded()[0].Body)
			if form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
				t.Fatalf("grant_type = %q", form.Get("grant_type"))
			}
			parts := strings.Split(form.Get("assertion"), ".")
			if len(parts) != 3 {
				t.Fatalf("assertion has %d parts", len(parts))
			}
			sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
			digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
			if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
				t.Fatalf("signature does not verify: %v", err)
			}
			var header map[string]string
			var claims map[string]any
			h, _ := base64.RawURLEncoding.DecodeString(parts[0])
			p, _ := base64.RawURLEncoding.DecodeString(parts[1])
			if json.Unmarshal(h, &header) != nil || json.Unmarshal(p, &claims) != nil {
				t.Fatal("header or claims are not JSON")
			}
			if header["alg"] != "RS256" {
				t.Errorf("alg = %q", header["alg"])
			}
			want := map[string]any{"iss": "3MVG9consumerKey", "sub": "user@example.com", "aud": org.srv.URL, "exp": float64(fixed.Add(3 * time.Minute).Unix())}
			for k, v := range want {
				if claims[k] != v {
					t.Errorf("claim %s = %v, want %v", k, claims[k], v)
				}
			}
		})
	}
}

func TestJWTAudienceForStandardHosts(t *testing.T) {
	_, keyPEM := rsaKeyPEM(t, false)
	for _, login := range []string{ProductionLoginURL, SandboxLoginURL} {
		c, err := New(Config{LoginURL: login, Credentials: Credentials{Username: "u", ClientID: "id", PrivateKeyPEM: keyPEM}})
		if err != nil {
			t.Fatal(err)
		}
		assertion, err := c.jwtAssertion()
		if err != nil {
			t.Fatal(err)
		}
		p, _ := base64.RawURLEncoding.DecodeString(strings.Split(assertion, ".")[1])
		var claims map[string]any
		_ = json.Unmarshal(p, &claims)
		if claims["aud"] != login {
			t.Errorf("aud = %v, want %s", claims["aud"], login)
		}
	}
}

func TestLoginFailures(t *testing.T) {
	cases := map[string]struct {
		creds     Credentials
		status    int
		body      string
		wantCode  string
		transient bool
	}{
		"oauth invalid grant":      {creds: testCreds, status: 400, body: "oauth_invalid_grant.json", wantCode: "invalid_grant"},
		"oauth invalid client id":  {creds: testCreds, status: 400, body: "oauth_invalid_client_id.json", wantCode: "invalid_client_id"},
		"client creds on login":    {creds: Credentials{ClientID: "id", ClientSecret: "s"}, status: 400, body: "oauth_wrong_domain.json", wantCode: "invalid_grant"},
		"soap invalid login":       {creds: Credentials{Username: "u", Password: "p"}, status: 500, body: "soap_fault.xml", wantCode: "INVALID_LOGIN"},
		"token without instance":   {creds: testCreds, status: 200, body: "token_no_instance.json", wantCode: CodeUnexpectedResponse, transient: true},
		"gateway page on token":    {creds: testCreds, status: 503, body: "gateway_503.html", wantCode: CodeUnexpectedResponse, transient: true},
		"gateway page on soap":     {creds: Credentials{Username: "u", Password: "p"}, status: 503, body: "gateway_503.html", wantCode: CodeUnexpectedResponse, transient: true},
		"json error on soap login": {creds: Credentials{Username: "u", Password: "p"}, status: 500, body: "server_unavailable.json", wantCode: "SERVER_UNAVAILABLE", transient: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			org := newFakeOrg(t)
			org.loginStatus, org.loginBody = tc.status, tc.body
			c := newTestClient(t, org, tc.creds)
			err := c.Login(testContext(t))
			e, ok := asError(err)
			if !ok || e.Code != tc.wantCode {
				t.Fatalf("Login() = %v, want code %s", err, tc.wantCode)
			}
			if IsTransient(err) != tc.transient || IsAuth(err) == tc.transient {
				t.Fatalf("IsTransient=%v IsAuth=%v for %v", IsTransient(err), IsAuth(err), err)
			}
			if c.InstanceURL() != "" {
				t.Fatalf("failed login left a session")
			}
		})
	}
}

func TestSOAPPasswordExpired(t *testing.T) {
	body := strings.Replace(fixture(t, "soap_login.xml", "http://x"), "<passwordExpired>false", "<passwordExpired>true", 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
	defer srv.Close()
	c, err := New(Config{LoginURL: srv.URL, AllowedHosts: loopbackHosts, Credentials: Credentials{Username: "u", Password: "p"}, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Login(testContext(t))
	if !IsAuth(err) || !strings.Contains(err.Error(), "INVALID_OPERATION_WITH_EXPIRED_PASSWORD") {
		t.Fatalf("Login() = %v, want expired password auth error", err)
	}
}
