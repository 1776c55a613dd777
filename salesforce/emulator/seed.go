package emulator

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"sort"
)

// SeedAll inserts fixtures of several types, types in sorted order and records in the given order.
func (e *Emulator) SeedAll(records map[string][]map[string]any) (map[string][]string, error) {
	types := make([]string, 0, len(records))
	for t := range records {
		types = append(types, t)
	}
	sort.Strings(types)
	out := map[string][]string{}
	for _, t := range types {
		for i, fields := range records[t] {
			id, err := e.Seed(t, fields)
			if err != nil {
				return out, fmt.Errorf("record %d: %w", i, err)
			}
			out[t] = append(out[t], id)
		}
	}
	return out, nil
}

// SeedJSON reads a seed document {"Lead":[{...fields...}], ...} and inserts its records.
func (e *Emulator) SeedJSON(r io.Reader) (map[string][]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	var doc map[string][]map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode seed: %w", err)
	}
	return e.SeedAll(doc)
}

// ParseRSAPublicKeyPEM reads an RSA public key from a PEM "PUBLIC KEY", "RSA PUBLIC KEY" or
// "CERTIFICATE" block, the forms a connected app's certificate comes in.
func ParseRSAPublicKeyPEM(data []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	var key any
	var err error
	switch block.Type {
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", block.Type, err)
	}
	rsaKey, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("PEM key is not an RSA public key")
	}
	return rsaKey, nil
}
