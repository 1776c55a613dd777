package controllers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/types"
)

// stateSigner signs what the state annotation says about Salesforce records. Anyone who may
// patch an identity may edit the annotation, so it cannot be trusted to say which record the
// identity created or found: an edited ID would turn the next write, or a deletion with
// deletionPolicy Delete, against a record of someone else. Each record and the pending
// create carry an HMAC over the identity's UID and what they claim; one that does not verify
// is forgotten, and the identity finds its records again by its own lookup.
//
// The key is the manager's, from a Secret in its own namespace (StateKeySecret), so tenants
// cannot compute it and a restarted manager still trusts what it wrote. It is process-wide:
// every manager of a process signs alike.
type stateSigner struct {
	mu  sync.RWMutex
	key []byte
}

var signer = &stateSigner{}

// setKey installs the key; an empty one is replaced by a random key that lasts until the
// process ends.
func (s *stateSigner) setKey(key []byte) {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	s.mu.Lock()
	s.key = append([]byte(nil), key...)
	s.mu.Unlock()
}

// install sets key, or keeps the key in place when key is empty and there is one.
func (s *stateSigner) install(key []byte) {
	s.mu.RLock()
	has := len(s.key) > 0
	s.mu.RUnlock()
	if len(key) > 0 || !has {
		s.setKey(key)
	}
}

func (s *stateSigner) mac(uid types.UID, kind string, claim any) string {
	s.mu.RLock()
	key := s.key
	s.mu.RUnlock()
	if len(key) == 0 {
		s.setKey(nil)
		return s.mac(uid, kind, claim)
	}
	raw, _ := json.Marshal(claim) // plain structs of strings: cannot fail
	h := hmac.New(sha256.New, key)
	fmt.Fprintf(h, "%s\x00%s\x00", uid, kind)
	h.Write(raw)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func (s *stateSigner) valid(uid types.UID, kind string, claim any, sig string) bool {
	want := s.mac(uid, kind, claim)
	return sig != "" && hmac.Equal([]byte(want), []byte(sig))
}

// recordClaim is what a record's signature covers: which record, under which key, whether
// the identity created it (which is what allows a deletion) and the fields it manages there
// (which removedFields: Clear may null).
type recordClaim struct {
	Key, Type, ID string
	Created       bool
	Fields        []string `json:",omitempty"`
}

// pendingClaim covers a pending create: its lookup values decide which record is adopted.
type pendingClaim struct {
	Key, Type string
	Since     string
	Match     map[string]string
}

func claimOf(r managedRecord) recordClaim {
	return recordClaim{Key: r.Key, Type: r.Type, ID: r.ID, Created: r.Created, Fields: r.Fields}
}

func claimOfPending(p *pendingCreate) pendingClaim {
	return pendingClaim{Key: p.Key, Type: p.Type, Since: p.Since.UTC().Format("2006-01-02T15:04:05Z"), Match: p.Match}
}

// signState signs every record and the pending create for the identity.
func signState(uid types.UID, st *syncState) {
	for i := range st.Records {
		st.Records[i].Sig = signer.mac(uid, "record", claimOf(st.Records[i]))
	}
	if st.Pending != nil {
		st.Pending.Sig = signer.mac(uid, "pending", claimOfPending(st.Pending))
	}
}

// verifyState drops every record and pending create whose signature does not verify, and
// reports how many it dropped.
func verifyState(uid types.UID, st *syncState) int {
	dropped := 0
	kept := st.Records[:0]
	for _, r := range st.Records {
		if signer.valid(uid, "record", claimOf(r), r.Sig) {
			kept = append(kept, r)
		} else {
			dropped++
		}
	}
	st.Records = kept
	if st.Pending != nil && !signer.valid(uid, "pending", claimOfPending(st.Pending), st.Pending.Sig) {
		st.Pending = nil
		dropped++
	}
	return dropped
}
