package salesforce

import "strings"

// CallRoom tracks how much of one Composite call some pending work would
// fill, counted the way the New…Job constructors lay work out: five query or
// collection requests, each holding one lookup query (about 700 emails),
// up to 200 records of one type and operation to save, 2,000 IDs of one type
// to retrieve, or 200 IDs to delete. A batch that stops taking work when its
// next entry would not fit is sent in one API call. The zero value is empty.
type CallRoom struct {
	used    int
	lookups LeadQueryFill
	emails  map[string]bool
	groups  map[string]int // records per collection, by type and operation
}

// Lookup counts a Lead lookup by email and reports true, or reports false
// and counts nothing when it would need a sixth request. An email already
// counted costs nothing.
func (r *CallRoom) Lookup(email string) bool {
	email = strings.TrimSpace(email)
	key := strings.ToLower(email)
	if email == "" || r.emails[key] {
		return true
	}
	if !r.lookups.Fits(email) || !r.lookups.Started() {
		if r.used == MaxCompositeQueries {
			return false
		}
		r.used++
	}
	r.lookups.Add(email)
	if r.emails == nil {
		r.emails = map[string]bool{}
	}
	r.emails[key] = true
	return true
}

// Save counts a create (w.ID empty) or an update.
func (r *CallRoom) Save(w RecordWrite) bool {
	op := "create\x00"
	if w.ID != "" {
		op = "update\x00"
	}
	return r.collect(op+w.SObject, MaxCollectionRecords)
}

// Retrieve counts a read of one record of sobject.
func (r *CallRoom) Retrieve(sobject string) bool {
	return r.collect("retrieve\x00"+strings.ToLower(sobject), MaxRetrieveRecords)
}

// Delete counts a deletion.
func (r *CallRoom) Delete() bool { return r.collect("delete", MaxCollectionRecords) }

func (r *CallRoom) collect(group string, capacity int) bool {
	n := r.groups[group]
	if n%capacity == 0 {
		if r.used == MaxCompositeQueries {
			return false
		}
		r.used++
	}
	if r.groups == nil {
		r.groups = map[string]int{}
	}
	r.groups[group] = n + 1
	return true
}

// Full reports whether all five requests are in use and none has room left
// for a record of its kind.
func (r *CallRoom) Full() bool {
	if r.used < MaxCompositeQueries || r.lookups.Started() {
		return false
	}
	for group, n := range r.groups {
		capacity := MaxCollectionRecords
		if strings.HasPrefix(group, "retrieve\x00") {
			capacity = MaxRetrieveRecords
		}
		if n%capacity != 0 {
			return false
		}
	}
	return true
}

// Requests is how many query or collection requests the counted work needs.
func (r *CallRoom) Requests() int { return r.used }
