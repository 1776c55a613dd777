package controllers

import (
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// leadKey names the record of the Lead flow in the state: the Lead, or the Contact a converted
// Lead was routed to.
const leadKey = "lead"

func externalIDKey(i int) string { return fmt.Sprintf("externalId/%d", i) }

// syncState is what must survive a crash, a restart or a lost status: which Salesforce records
// the identity manages, which of them it created, and what it last wrote. It lives in an
// annotation because status is observed state that restores and replaces can drop.
type syncState struct {
	Records []managedRecord `json:"records,omitempty"`
	// Hash identifies the last write that succeeded (the plan and the destination settings
	// that change what is written);
	// equal hashes mean there is nothing to send.
	Hash string `json:"hash,omitempty"`
	// Generation and Settings name the spec generation and fingerprint the destination
	// settings Hash was computed from, so whether an identity is still in sync can be told
	// without reading its spec.
	Generation int64  `json:"generation,omitempty"`
	Settings   string `json:"settings,omitempty"`
	// CheckedAt is when the records were last written or read back; the next drift check is
	// due an interval later. It lives here, not only in status, because the cache may not
	// have seen the latest status when the next reconcile runs.
	CheckedAt *metav1.Time `json:"checkedAt,omitempty"`
	// VerifyAfter asks for a read-back once any write whose answer was lost can no longer
	// land: such a write may arrive after a newer one and undo it.
	VerifyAfter *metav1.Time `json:"verifyAfter,omitempty"`
	// Pending marks a create whose outcome is not yet recorded. Found on a later reconcile it
	// means the controller stopped between sending the create and recording its ID.
	Pending *pendingCreate `json:"pending,omitempty"`
	// Planned is the plan an Observe pass found, for the Apply that follows to send exactly.
	Planned *observedPlan `json:"planned,omitempty"`
}

type managedRecord struct {
	Key     string `json:"key"`
	Type    string `json:"type"`
	ID      string `json:"id"`
	Created bool   `json:"created,omitempty"`
	// Operation and SyncedAt describe the last write, so status can be rebuilt from the
	// annotation alone when the cache has not seen the latest status yet.
	Operation sfv1.RecordOperation `json:"op,omitempty"`
	SyncedAt  *metav1.Time         `json:"syncedAt,omitempty"`
	// Fields are the fields the last write sent to the record: the ones the identity
	// manages, so that a field leaving the plan can be cleared (removedFields: Clear).
	Fields []string `json:"fields,omitempty"`
	// Sig is the manager's signature of the claim (statesign.go): an ID someone wrote into
	// the annotation is not one the identity created or found.
	Sig string `json:"sig,omitempty"`
}

type pendingCreate struct {
	Key   string      `json:"key"`
	Type  string      `json:"type"`
	Since metav1.Time `json:"since"`
	// Match holds the values the create sent that the record can be found again by; the
	// spec may have changed by the time the outcome is looked for.
	Match map[string]string `json:"match,omitempty"`
	// Unanswered is when the create came back without an answer. A batched request may have
	// waited for a slot before it was sent, so the time to wait for it to land counts from
	// here, not from Since.
	Unanswered *metav1.Time `json:"unanswered,omitempty"`
	Sig        string       `json:"sig,omitempty"`
}

func loadState(obj *sfv1.SalesforceIdentity) (syncState, error) {
	var st syncState
	raw, ok := obj.Annotations[sfv1.AnnotationState]
	if !ok || raw == "" {
		return st, nil
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return syncState{}, fmt.Errorf("annotation %s is not valid JSON: %w", sfv1.AnnotationState, err)
	}
	// Records and a pending create the manager did not sign are forgotten: the identity finds
	// its records again by its own lookup, and deletes only what it signed as created.
	verifyState(obj.UID, &st)
	return st, nil
}

func storeState(obj *sfv1.SalesforceIdentity, st syncState) {
	st.Records = append([]managedRecord(nil), st.Records...)
	if st.Pending != nil {
		p := *st.Pending
		st.Pending = &p
	}
	signState(obj.UID, &st)
	raw, _ := json.Marshal(st) // plain structs of strings: cannot fail
	if obj.Annotations == nil {
		obj.Annotations = map[string]string{}
	}
	obj.Annotations[sfv1.AnnotationState] = string(raw)
}

func (s *syncState) find(key string) *managedRecord {
	for i := range s.Records {
		if s.Records[i].Key == key {
			return &s.Records[i]
		}
	}
	return nil
}

func (s *syncState) set(rec managedRecord) {
	if cur := s.find(rec.Key); cur != nil {
		// A record the identity created stays "created" while it keeps the same ID.
		same := cur.ID == rec.ID && cur.Type == rec.Type
		rec.Created = rec.Created || (cur.Created && same)
		if same && rec.Operation == "" {
			rec.Operation, rec.SyncedAt = cur.Operation, cur.SyncedAt
		}
		if same && rec.Fields == nil {
			rec.Fields = cur.Fields
		}
		*cur = rec
		return
	}
	s.Records = append(s.Records, rec)
}

func (s *syncState) remove(key string) {
	out := s.Records[:0]
	for _, r := range s.Records {
		if r.Key != key {
			out = append(out, r)
		}
	}
	s.Records = out
}

// keep drops records whose keys the current plan no longer has (an externalId entry removed
// from the spec stops being managed).
func (s *syncState) keep(keys map[string]bool) {
	out := s.Records[:0]
	for _, r := range s.Records {
		if keys[r.Key] {
			out = append(out, r)
		}
	}
	s.Records = out
}

func (s *syncState) empty() bool {
	return len(s.Records) == 0 && s.Hash == "" && s.CheckedAt == nil && s.Pending == nil && s.VerifyAfter == nil && s.Planned == nil
}

// stamp notes on each record what a reconcile at now did to it.
func (s *syncState) stamp(done map[string]sfv1.RecordOperation, now time.Time) {
	for i := range s.Records {
		rec := &s.Records[i]
		if op, ok := done[rec.Key]; ok {
			rec.Operation, rec.SyncedAt = op, &metav1.Time{Time: now}
		}
	}
}
