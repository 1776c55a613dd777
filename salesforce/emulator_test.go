package salesforce_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/destinations/salesforce-controller/salesforce"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

var emuOptions = emulator.Options{
	Username: "integration@acme.example", Password: "emu-Passw0rd", SecurityToken: "EMUtoken123",
	ClientID: "3MVG9emuKey", ClientSecret: "emuSecret456",
}

type emuOrg struct {
	emu *emulator.Emulator
	srv *httptest.Server
}

func startEmulator(t *testing.T, opts emulator.Options) emuOrg {
	t.Helper()
	e := emulator.New(opts)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return emuOrg{emu: e, srv: srv}
}

func (o emuOrg) client(t *testing.T, creds salesforce.Credentials) *salesforce.Client {
	t.Helper()
	c, err := salesforce.New(salesforce.Config{LoginURL: o.srv.URL, AllowedHosts: emulatorHosts, Credentials: creds, HTTPClient: o.srv.Client()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func passwordCreds() salesforce.Credentials {
	return salesforce.Credentials{Username: emuOptions.Username, Password: emuOptions.Password, SecurityToken: emuOptions.SecurityToken}
}

func TestEmulatorLoginFlows(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	opts := emuOptions
	opts.JWTPublicKey = &key.PublicKey
	o := startEmulator(t, opts)

	oauth := passwordCreds()
	oauth.ClientID, oauth.ClientSecret = emuOptions.ClientID, emuOptions.ClientSecret
	cases := map[salesforce.Flow]salesforce.Credentials{
		salesforce.FlowSOAPLogin:         passwordCreds(),
		salesforce.FlowOAuthPassword:     oauth,
		salesforce.FlowClientCredentials: {ClientID: emuOptions.ClientID, ClientSecret: emuOptions.ClientSecret},
		salesforce.FlowJWTBearer:         {Username: emuOptions.Username, ClientID: emuOptions.ClientID, PrivateKeyPEM: keyPEM},
	}
	for flow, creds := range cases {
		t.Run(string(flow), func(t *testing.T) {
			c := o.client(t, creds)
			if c.Flow() != flow {
				t.Fatalf("flow = %s", c.Flow())
			}
			ctx := ctxFor(t)
			if err := c.Login(ctx); err != nil {
				t.Fatalf("Login: %v", err)
			}
			if c.InstanceURL() != o.srv.URL {
				t.Fatalf("InstanceURL() = %q", c.InstanceURL())
			}
			if _, err := c.Query(ctx, "SELECT Id FROM Lead"); err != nil {
				t.Fatalf("Query after login: %v", err)
			}
		})
	}
}

func TestEmulatorBadCredentials(t *testing.T) {
	o := startEmulator(t, emuOptions)
	wrong := passwordCreds()
	wrong.Password = "not-the-password"
	oauth := wrong
	oauth.ClientID, oauth.ClientSecret = emuOptions.ClientID, emuOptions.ClientSecret
	for name, creds := range map[string]salesforce.Credentials{"soap": wrong, "oauth": oauth} {
		t.Run(name, func(t *testing.T) {
			err := o.client(t, creds).Login(ctxFor(t))
			if !salesforce.IsAuth(err) || salesforce.IsTransient(err) {
				t.Fatalf("Login() = %v, want an auth error", err)
			}
		})
	}
}

// TestEmulatorRetiredSOAPLogin: an org that refuses login() itself is told apart from one that
// refuses the credentials, so the controller can say which keys to add instead of blaming the
// password; the flows that stay keep working.
func TestEmulatorRetiredSOAPLogin(t *testing.T) {
	wrong := passwordCreds()
	wrong.Password = "not-the-password"
	cases := map[string]struct {
		mode        emulator.SOAPLoginMode
		creds       salesforce.Credentials
		wantRetired bool
		wantOK      bool
	}{
		"retired":                          {emulator.SOAPLoginRetired, passwordCreds(), true, false},
		"disabled in the org":              {emulator.SOAPLoginDisabled, passwordCreds(), true, false},
		"retired, wrong password":          {emulator.SOAPLoginRetired, wrong, true, false},
		"available, wrong password":        {emulator.SOAPLoginAvailable, wrong, false, false},
		"retired, client credentials stay": {emulator.SOAPLoginRetired, salesforce.Credentials{ClientID: emuOptions.ClientID, ClientSecret: emuOptions.ClientSecret}, false, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			opts := emuOptions
			opts.SOAPLogin = tc.mode
			err := startEmulator(t, opts).client(t, tc.creds).Login(ctxFor(t))
			if (err == nil) != tc.wantOK || salesforce.IsLoginRetired(err) != tc.wantRetired {
				t.Fatalf("Login() = %v; want ok=%v retired=%v", err, tc.wantOK, tc.wantRetired)
			}
		})
	}
}

func TestEmulatorRecordLifecycle(t *testing.T) {
	o := startEmulator(t, emuOptions)
	c := o.client(t, passwordCreds())
	ctx := ctxFor(t)

	id, err := c.Create(ctx, "Lead", map[string]any{"LastName": "Keener", "Company": "Google Inc.", "Email": "alex@example.com"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if full, err := salesforce.To18(id); err != nil || full != id || salesforce.KeyPrefix(id) != "00Q" {
		t.Fatalf("id %q is not an 18-character Lead id", id)
	}
	if err := c.Update(ctx, "Lead", id, map[string]any{"Title": "CTO"}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	rec, err := c.Get(ctx, "Lead", id, []string{"Id", "Title", "Email"})
	if err != nil || rec.String("Title") != "CTO" {
		t.Fatalf("Get() = %v, %v", rec, err)
	}
	res, err := c.Upsert(ctx, "Lead", "Email", "alex@example.com", map[string]any{"Title": "CEO"})
	if err != nil || res.ID != id || res.Created {
		t.Fatalf("Upsert(existing) = %+v, %v", res, err)
	}
	res, err = c.Upsert(ctx, "Lead", "Email", "new.person@example.com", map[string]any{"LastName": "New", "Company": "X", "Email": "ignored@example.com"})
	if err != nil || !res.Created || res.ID == id {
		t.Fatalf("Upsert(new) = %+v, %v", res, err)
	}
	if rec, err := c.Get(ctx, "Lead", res.ID, []string{"Email"}); err != nil || rec.String("Email") != "new.person@example.com" {
		t.Fatalf("upserted lead = %v, %v", rec, err)
	}
	if _, err := c.Create(ctx, "Lead", map[string]any{"LastName": "Dup", "Company": "Y", "Email": "alex@example.com"}); err != nil {
		t.Fatalf("second lead: %v", err)
	}
	_, err = c.Upsert(ctx, "Lead", "Email", "alex@example.com", map[string]any{"Title": "x"})
	if e, ok := err.(*salesforce.Error); !ok || e.Code != salesforce.CodeMultipleMatches || len(e.MatchedIDs) != 2 {
		t.Fatalf("Upsert(two matches) = %v", err)
	}
	if _, err := c.Create(ctx, "Lead", map[string]any{"Email": "a@b.com"}); !salesforce.IsPermanent(err) {
		t.Fatalf("Create without LastName = %v, want permanent", err)
	}
	if err := c.Delete(ctx, "Lead", id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := c.Get(ctx, "Lead", id, nil); !salesforce.IsNotFound(err) {
		t.Fatalf("Get(deleted) = %v, want not found", err)
	}
	if err := c.Delete(ctx, "Lead", id); !salesforce.IsNotFound(err) {
		t.Fatalf("Delete(again) = %v, want not found", err)
	}
	used, _, ok := c.APIUsage()
	if !ok || used != o.emu.APICallsUsed() {
		t.Fatalf("APIUsage() = %d, %v; emulator counted %d", used, ok, o.emu.APICallsUsed())
	}
}

func TestEmulatorConvertedLead(t *testing.T) {
	o := startEmulator(t, emuOptions)
	c := o.client(t, passwordCreds())
	ctx := ctxFor(t)
	id, err := o.emu.Seed("Lead", map[string]any{"LastName": "Lee", "Company": "Acme", "Email": "Lee@Acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	contactID, err := o.emu.ConvertLead(id)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Update(ctx, "Lead", id, map[string]any{"Title": "x"})
	if !salesforce.IsConvertedLead(err) || !salesforce.IsPermanent(err) {
		t.Fatalf("Update(converted) = %v", err)
	}
	found, err := c.FindLeadsByEmail(ctx, []string{"lee@acme.example", "nobody@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	m := found["lee@acme.example"]
	if len(m) != 1 || !m[0].IsConverted || m[0].ConvertedContactID != contactID || len(found) != 1 {
		t.Fatalf("found = %+v", found)
	}
}

func TestEmulatorSessionExpiry(t *testing.T) {
	o := startEmulator(t, emuOptions)
	c := o.client(t, passwordCreds())
	ctx := ctxFor(t)
	id, _ := o.emu.Seed("Lead", map[string]any{"LastName": "A", "Company": "B"})
	if _, err := c.Get(ctx, "Lead", id, nil); err != nil {
		t.Fatal(err)
	}
	o.emu.ExpireSessions()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 200 {
		wg.Go(func() {
			if _, err := c.Get(ctx, "Lead", id, []string{"Id"}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("call after expiry: %v", err)
	}
	if n := o.emu.Logins(); n != 2 {
		t.Fatalf("%d logins, want exactly one re-login", n)
	}
}

func TestEmulatorFaults(t *testing.T) {
	cases := map[string]struct {
		fault     string
		transient bool
		throttled bool
		post      bool
	}{
		"server unavailable": {fault: "SERVER_UNAVAILABLE", transient: true},
		"bad gateway html":   {fault: "BAD_GATEWAY", transient: true},
		"unknown exception":  {fault: "UNKNOWN_EXCEPTION", transient: true},
		"row lock":           {fault: "UNABLE_TO_LOCK_ROW", transient: true},
		"request limit":      {fault: "REQUEST_LIMIT_EXCEEDED", transient: true, throttled: true},
		// A POST, because net/http itself resends a GET whose reused
		// connection closed without an answer.
		"dropped connection": {fault: "DROP", transient: true, post: true},
		"hang":               {fault: "HANG", transient: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := startEmulator(t, emuOptions)
			c := o.client(t, passwordCreds())
			ctx := ctxFor(t)
			if err := c.Login(ctx); err != nil {
				t.Fatal(err)
			}
			id, _ := o.emu.Seed("Lead", map[string]any{"LastName": "A", "Company": "B"})
			f, _ := emulator.Preset(tc.fault)
			f.PathContains, f.Times = "/sobjects/Lead", 1
			o.emu.AddFault(f)
			// A GET: a hung handler that never reads a request body cannot
			// notice the client giving up, so the request carries none.
			callCtx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			var err error
			if tc.post {
				_, err = c.Create(callCtx, "Lead", map[string]any{"LastName": "A", "Company": "B"})
			} else {
				_, err = c.Get(callCtx, "Lead", id, nil)
			}
			if err == nil || salesforce.IsTransient(err) != tc.transient || salesforce.IsThrottled(err) != tc.throttled || salesforce.IsPermanent(err) {
				t.Fatalf("call = %v: transient=%v throttled=%v", err, salesforce.IsTransient(err), salesforce.IsThrottled(err))
			}
			if _, err := c.Get(ctx, "Lead", id, nil); err != nil {
				t.Fatalf("call after the fault: %v", err)
			}
		})
	}
}

func TestEmulatorBatchesCostOneCall(t *testing.T) {
	o := startEmulator(t, emuOptions)
	c := o.client(t, passwordCreds())
	ctx := ctxFor(t)
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	var writes []salesforce.RecordWrite
	var emails []string
	for i := range 1000 {
		email := fmt.Sprintf("person%04d@example.com", i)
		emails = append(emails, email)
		fields := map[string]any{"LastName": fmt.Sprint("P", i), "Company": "Acme", "Email": email}
		if i == 500 {
			delete(fields, "LastName")
		}
		writes = append(writes, salesforce.RecordWrite{SObject: "Lead", Fields: fields})
	}
	before := o.emu.APICallsUsed()
	results, err := c.SaveMany(ctx, writes)
	if err != nil {
		t.Fatalf("SaveMany: %v", err)
	}
	if calls := o.emu.APICallsUsed() - before; calls != 1 {
		t.Fatalf("SaveMany of 1,000 records used %d API calls", calls)
	}
	var ids []string
	for i, r := range results {
		if (i == 500) != (r.Err != nil) {
			t.Fatalf("row %d = %+v", i, r)
		}
		if r.Err == nil {
			ids = append(ids, r.ID)
		}
	}
	if n := len(o.emu.Records("Lead")); n != 999 {
		t.Fatalf("emulator holds %d leads", n)
	}

	before = o.emu.APICallsUsed()
	found, err := c.FindLeadsByEmail(ctx, emails)
	if err != nil || len(found) != 999 {
		t.Fatalf("FindLeadsByEmail() = %d, %v", len(found), err)
	}
	if calls := o.emu.APICallsUsed() - before; calls != 1 {
		t.Fatalf("FindLeadsByEmail of 1,000 emails used %d API calls", calls)
	}

	updates := make([]salesforce.RecordWrite, len(ids))
	for i, id := range ids {
		updates[i] = salesforce.RecordWrite{SObject: "Lead", ID: id, Fields: map[string]any{"Title": "Updated"}}
	}
	if results, err := c.SaveMany(ctx, updates); err != nil || results[998].Err != nil {
		t.Fatalf("SaveMany(updates): %v", err)
	}
	recs, err := c.RetrieveMany(ctx, "Lead", ids, []string{"Id", "Title"})
	if err != nil {
		t.Fatalf("RetrieveMany: %v", err)
	}
	for i, r := range recs {
		if r == nil || r.String("Title") != "Updated" {
			t.Fatalf("record %d = %v", i, r)
		}
	}
	refs := make([]salesforce.RecordWrite, len(ids))
	for i, id := range ids {
		refs[i] = salesforce.RecordWrite{SObject: "Lead", ID: id}
	}
	before = o.emu.APICallsUsed()
	deleted, err := c.DeleteMany(ctx, refs)
	if err != nil || deleted[0].Err != nil {
		t.Fatalf("DeleteMany: %v", err)
	}
	if calls := o.emu.APICallsUsed() - before; calls != 1 {
		t.Fatalf("DeleteMany of 999 records used %d API calls", calls)
	}
	recs, err = c.RetrieveMany(ctx, "Lead", ids[:3], nil)
	if err != nil || recs[0] != nil {
		t.Fatalf("RetrieveMany(deleted) = %v, %v", recs, err)
	}
}

// emulatorHosts lets clients talk to the emulator's plain-http loopback server.
var emulatorHosts = func() *salesforce.HostPolicy {
	p, err := salesforce.ParseHostPolicy("http://127.0.0.1")
	if err != nil {
		panic(err)
	}
	return p
}()
