package salesforce

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The room must count exactly the requests the jobs will send: counting
// fewer makes a batch cost a second call, counting more wastes room.
func TestCallRoomMatchesJobLayout(t *testing.T) {
	c := &Client{apiVersion: DefaultAPIVersion}
	types := []string{"Lead", "Contact", "Account"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		var (
			room      CallRoom
			emails    []string
			writes    []RecordWrite
			retrieves = map[string][]string{}
			deletes   []RecordWrite
		)
		// Some rounds leave kinds out, some stop early, most fill the call:
		// a refused request is dropped and the next one tried.
		weights := [4]int{rng.IntN(4), rng.IntN(4), rng.IntN(4), rng.IntN(4)}
		weights[rng.IntN(4)]++
		attempts := rng.IntN(12000)
		emailPool := 50 + rng.IntN(3000)
		for n := 0; n < attempts; n++ {
			pick := rng.IntN(weights[0] + weights[1] + weights[2] + weights[3])
			id := fmt.Sprintf("00Q%012dAAA", n)
			var fits bool
			switch {
			case pick < weights[0]:
				// Repeats, in either case, cost nothing more.
				email := fmt.Sprintf("%s%d@example.com", strings.Repeat("x", 20*rng.IntN(3)+rng.IntN(2)), rng.IntN(emailPool))
				if rng.IntN(4) == 0 {
					email = strings.ToUpper(email)
				}
				if fits = room.Lookup(email); fits {
					emails = append(emails, email)
				}
			case pick < weights[0]+weights[1]:
				w := RecordWrite{SObject: types[rng.IntN(len(types))], Fields: map[string]any{"LastName": "x"}}
				if rng.IntN(2) == 0 {
					w.ID = id
				}
				if fits = room.Save(w); fits {
					writes = append(writes, w)
				}
			case pick < weights[0]+weights[1]+weights[2]:
				sobject := types[rng.IntN(len(types))]
				if fits = room.Retrieve(sobject); fits {
					retrieves[sobject] = append(retrieves[sobject], id)
				}
			default:
				if fits = room.Delete(); fits {
					deletes = append(deletes, RecordWrite{ID: id})
				}
			}
			if fits && room.Full() {
				break
			}
		}
		jobs := []Job{c.NewLeadLookupJob(emails), c.NewSaveJob(writes), c.NewDeleteJob(deletes, false)}
		for sobject, ids := range retrieves {
			jobs = append(jobs, c.NewRetrieveJob(sobject, ids, []string{"Id"}))
		}
		requests := 0
		for _, j := range jobs {
			requests += len(j.requests())
		}
		if requests != room.Requests() || requests > MaxCompositeQueries {
			t.Fatalf("round %d: the room counted %d requests, the jobs send %d (%d lookups, %d saves, %d deletes, %d retrieve types)",
				round, room.Requests(), requests, len(emails), len(writes), len(deletes), len(retrieves))
		}
	}
}

func TestCallRoomFull(t *testing.T) {
	var room CallRoom
	for i := range 1000 {
		if !room.Save(RecordWrite{SObject: "Lead"}) {
			t.Fatalf("save %d refused", i)
		}
		if full := room.Full(); full != (i == 999) {
			t.Fatalf("after %d saves Full() = %v", i+1, full)
		}
	}
	if room.Save(RecordWrite{SObject: "Lead"}) || room.Lookup("a@b.c") || room.Delete() || room.Retrieve("Lead") {
		t.Fatal("a full room took more")
	}
	var lookups CallRoom
	for i := range 5000 {
		email := fmt.Sprintf("person%d@example.com", i%100)
		if i%2 == 1 {
			email = " " + strings.ToUpper(email)
		}
		if !lookups.Lookup(email) {
			t.Fatalf("lookup %d refused", i)
		}
	}
	if lookups.Requests() != 1 || lookups.Full() {
		t.Fatalf("5,000 lookups of 100 emails: %d requests, full %v; want one query with room left", lookups.Requests(), lookups.Full())
	}
}
