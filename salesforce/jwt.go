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
	"errors"
	"fmt"
	"time"
)

// jwtLifetime is how far ahead the assertion expires; Salesforce accepts
// assertions that expire within three minutes.
const jwtLifetime = 3 * time.Minute

// now is replaced in tests to pin the exp claim.
var now = time.Now

// parsePrivateKey reads an RSA key in PKCS#1 or PKCS#8 PEM form. Errors
// describe the problem, never the key.
func parsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("invalid privateKey: no PEM block found")
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("invalid privateKey: not a PKCS#1 or PKCS#8 RSA key")
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("invalid privateKey: want an RSA key, got %T", parsed)
	}
	return key, nil
}

// jwtAssertion builds the RS256-signed assertion of the JWT bearer flow. The
// audience is the login host itself: login or test for production and
// sandboxes, the My Domain or community URL otherwise.
func (c *Client) jwtAssertion() (string, error) {
	header := map[string]string{"alg": "RS256"}
	claims := map[string]any{
		"iss": c.creds.ClientID,
		"sub": c.creds.Username,
		"aud": c.loginURL,
		"exp": now().Add(jwtLifetime).Unix(),
	}
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	p, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signingInput := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	digest := sha256.Sum256([]byte(signingInput))
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.privateKey, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("cannot sign jwt assertion: %w", err)
	}
	return signingInput + "." + enc.EncodeToString(sig), nil
}
