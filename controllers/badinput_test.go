package controllers

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// The bad-input corpus: what a user, a buggy generator or an attacker with write access to a
// namespace can put in a SalesforceIdentity or SalesforceDestination. Each input ends as an
// admission error or a condition that says what is wrong; none crashes the manager, writes to
// Salesforce what it should not, or disturbs a healthy identity next to it.

var identityGVK = schema.GroupVersionKind{Group: sfv1.GroupVersion.Group, Version: sfv1.GroupVersion.Version, Kind: "SalesforceIdentity"}

// badIdentity is an identity spec as raw JSON values, so traits may be anything at all.
type badIdentity struct {
	traits      any
	externalIDs []map[string]any
	destination string
	// setup runs before the identity is created (another namespace, another destination).
	setup func(ns string)

	// admission is a substring of the apiserver's refusal; empty: the object is accepted.
	admission string
	reason    string
	message   []string
	// createsLead: exactly one Lead with the identity's own email may appear, nothing else.
	createsLead string
}

func createRawIdentity(ns, name string, in badIdentity) error {
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(identityGVK)
	obj.SetNamespace(ns)
	obj.SetName(name)
	dest := in.destination
	if dest == "" {
		dest = "prod"
	}
	spec := map[string]any{"destinationRef": map[string]any{"name": dest}, "traits": in.traits}
	if in.externalIDs != nil {
		ids := make([]any, len(in.externalIDs))
		for i, e := range in.externalIDs {
			ids[i] = e
		}
		spec["externalId"] = ids
	}
	obj.Object["spec"] = spec
	return k8sClient.Create(suiteCtx, obj)
}

// salesforceSnapshot is every live Lead, Contact and Account, by ID.
func salesforceSnapshot() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, t := range []string{"Lead", "Contact", "Account"} {
		for _, r := range emu.Records(t) {
			out[r["Id"].(string)] = r
		}
	}
	return out
}

// healthyNeighbour is a Synced identity in the spec's namespace; afterwards it must still be
// Synced, untouched in Kubernetes and in Salesforce.
type healthyNeighbour struct {
	ns, name string
	status   sfv1.SalesforceIdentityStatus
	lead     map[string]any
}

func newHealthyNeighbour(ns string) *healthyNeighbour {
	h := &healthyNeighbour{ns: ns, name: "healthy"}
	email := uniqueEmail(ns, "healthy")
	createIdentity(ns, h.name, map[string]any{"email": email, "lastName": "Healthy", "company": "Acme"})
	obj := waitIdentity(ns, h.name, sfv1.ReasonSynced)
	Expect(leadsWithEmail(email)).To(HaveLen(1))
	h.status, h.lead = obj.Status, leadsWithEmail(email)[0]
	return h
}

func (h *healthyNeighbour) expectUntouched() {
	obj := waitIdentity(h.ns, h.name, sfv1.ReasonSynced)
	Expect(obj.Status.Records).To(Equal(h.status.Records), "no new write recorded for the healthy identity")
	Expect(emu.Records("Lead")).To(ContainElement(Equal(h.lead)), "the healthy Lead is unchanged, field for field")
}

func expectManagerRunning() {
	Expect(mgrStopped).NotTo(BeClosed(), "the manager is still running")
}

func email(ns, local string) string { return uniqueEmail(ns, local) }

var _ = Describe("Bad input", func() {
	var (
		ns        string
		neighbour *healthyNeighbour
		before    map[string]map[string]any
	)
	BeforeEach(func() {
		ns = newNamespace()
		readyDestination(ns, "prod")
		neighbour = newHealthyNeighbour(ns)
		before = salesforceSnapshot()
	})

	DescribeTable("in a SalesforceIdentity",
		func(build func(ns string) badIdentity) {
			in := build(ns)
			if in.setup != nil {
				in.setup(ns)
			}
			err := createRawIdentity(ns, "bad", in)
			if in.admission != "" {
				Expect(err).To(HaveOccurred())
				Expect(err.Error()).To(ContainSubstring(in.admission))
				GinkgoWriter.Printf("admission: %s\n", truncate(err.Error(), 300))
			} else {
				Expect(err).NotTo(HaveOccurred())
				obj := waitIdentity(ns, "bad", in.reason)
				c := readyCondition(obj)
				Expect(c.Status == "True").To(Equal(in.reason == sfv1.ReasonSynced))
				GinkgoWriter.Printf("identity condition: %s: %s\n", c.Reason, truncate(c.Message, 300))
				for _, m := range in.message {
					Expect(c.Message).To(ContainSubstring(m))
				}
			}

			after := salesforceSnapshot()
			for id, rec := range after {
				if _, ok := before[id]; ok {
					continue
				}
				Expect(in.createsLead).NotTo(BeEmpty(), "unexpected record %v", rec)
				Expect(rec["Email"]).To(Equal(in.createsLead), "only the identity's own Lead may be created")
				delete(after, id)
			}
			for id, rec := range before {
				Expect(after).To(HaveKeyWithValue(id, Equal(rec)), "record %s changed", id)
			}
			neighbour.expectUntouched()
			expectManagerRunning()
		},

		// SOQL injection: the lookup must match the literal email and nothing else.
		Entry("SOQL injection closing the quote", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": "x' OR Email != '", "lastName": "Inj"},
				reason: sfv1.ReasonSalesforceRejected, message: []string{"INVALID_EMAIL_ADDRESS"}}
		}),
		Entry("SOQL injection in a valid address with a quote", func(ns string) badIdentity {
			e := "o'brien' OR Email != '@" + ns + ".example.com"
			return badIdentity{traits: map[string]any{"email": e, "lastName": "Inj"},
				reason: sfv1.ReasonSalesforceRejected, message: []string{"INVALID_EMAIL_ADDRESS"}}
		}),
		Entry("an apostrophe in a real address is escaped, not refused", func(ns string) badIdentity {
			e := email(ns, "o'brien")
			return badIdentity{traits: map[string]any{"email": e, "lastName": "O'Brien"}, reason: sfv1.ReasonSynced, createsLead: e}
		}),
		Entry("backslashes escaping the escape", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": `a\\' OR Email LIKE '%\`, "lastName": "Inj"},
				reason: sfv1.ReasonSalesforceRejected, message: []string{"INVALID_EMAIL_ADDRESS"}}
		}),
		Entry("unicode quotes, NUL and right-to-left marks", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": "ʼ OR ʼʼ=ʼ\u202e\u0000@x.example.com", "lastName": "Inj"},
				reason: sfv1.ReasonSalesforceRejected, message: []string{"INVALID_EMAIL_ADDRESS"}}
		}),
		// Lengths are checked against the org's describe before any lookup or write.
		Entry("a 10 KiB email", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": strings.Repeat("a", 10<<10) + "@x.example.com", "lastName": "Long"},
				reason: sfv1.ReasonInvalidTraits, message: []string{`trait "email"`, "Lead.Email", "80"}}
		}),
		Entry("a 10 KiB name", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": email(ns, "long"), "lastName": strings.Repeat("ü", 5<<10)},
				reason: sfv1.ReasonInvalidTraits, message: []string{`trait "lastName"`, "Lead.LastName", "80"}}
		}),

		// Path tricks: nothing a user writes may reach a request path.
		Entry("externalId type with a path", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"Name": "x"}, externalIDs: []map[string]any{{"type": "Salesforce-../../sobjects/Lead"}},
				admission: "type must be Salesforce-<API name>"}
		}),
		Entry("externalId type with a query string", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"Name": "x"}, externalIDs: []map[string]any{{"type": "Salesforce-Account?_HttpMethod=DELETE"}},
				admission: "type must be Salesforce-<API name>"}
		}),
		Entry("externalId type that is only the prefix", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"Name": "x"}, externalIDs: []map[string]any{{"type": "Salesforce-"}},
				admission: "type must be Salesforce-<API name>"}
		}),
		Entry("externalId id with a path", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"Name": "x"}, externalIDs: []map[string]any{{"type": "Salesforce-Account", "id": "../../Lead/00Q"}},
				admission: "id must be a 15- or 18-character Salesforce ID"}
		}),
		Entry("externalId id with an encoded slash", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"Name": "x"}, externalIDs: []map[string]any{{"type": "Salesforce-Account", "id": "001%2F..%2F00Q00"}},
				admission: "id must be a 15- or 18-character Salesforce ID"}
		}),
		Entry("a foreign externalId type is ignored and the Lead flow runs", func(ns string) badIdentity {
			e := email(ns, "foreign")
			return badIdentity{traits: map[string]any{"email": e, "lastName": "Foreign"}, externalIDs: []map[string]any{{"type": "hubspot-../../Lead"}},
				reason: sfv1.ReasonSynced, createsLead: e}
		}),

		// Trait shapes.
		Entry("traits that are a string", func(ns string) badIdentity {
			return badIdentity{traits: "email=x@example.com", admission: "spec.traits"}
		}),
		Entry("traits that are an array", func(ns string) badIdentity {
			return badIdentity{traits: []any{map[string]any{"email": "x@example.com"}}, admission: "spec.traits"}
		}),
		Entry("traits that are null are no traits: no email", func(ns string) badIdentity {
			return badIdentity{traits: nil, reason: sfv1.ReasonMissingEmail}
		}),
		Entry("deeply nested traits", func(ns string) badIdentity {
			var nested any = "bottom"
			for range 90 {
				nested = map[string]any{"n": nested}
			}
			return badIdentity{traits: map[string]any{"email": email(ns, "deep"), "deep": nested},
				reason: sfv1.ReasonInvalidTraits, message: []string{"deep"}}
		}),
		Entry("about 1 MiB of traits", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": email(ns, "big"), "lastName": "Big", "description": strings.Repeat("x", 1<<20-4096)},
				reason: sfv1.ReasonTraitsTooLarge, message: []string{"128 KiB"}}
		}),
		Entry("a custom trait with an object value", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": email(ns, "obj"), "preferences": map[string]any{"colour": "red"}},
				reason: sfv1.ReasonInvalidTraits, message: []string{"preferences"}}
		}),
		Entry("a custom trait with an array value", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": email(ns, "arr"), "tags": []any{"a", "b"}},
				reason: sfv1.ReasonInvalidTraits, message: []string{"tags"}}
		}),
		Entry("an unknown __c field", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": email(ns, "custom"), "lastName": "C", "Favourite_Colour__c": "red"},
				reason: sfv1.ReasonInvalidTraits, message: []string{"Favourite_Colour__c", "does not have"}}
		}),
		// IsConverted is createable but not updateable, and the same body also updates: the
		// mapping does not send it and says so.
		Entry("isConverted on create", func(ns string) badIdentity {
			e := email(ns, "ro1")
			return badIdentity{traits: map[string]any{"email": e, "lastName": "R", "isConverted": true}, reason: sfv1.ReasonSynced, createsLead: e,
				message: []string{`trait "isConverted" was not written to Lead.IsConverted`}}
		}),
		Entry("read-only createdAt", func(ns string) badIdentity {
			e := email(ns, "ro2")
			return badIdentity{traits: map[string]any{"email": e, "lastName": "R", "createdAt": "2020-01-01T00:00:00Z"},
				reason: sfv1.ReasonSynced, createsLead: e, message: []string{`trait "createdAt" was not written to Lead.CreatedDate`}}
		}),
		Entry("read-only photoUrl", func(ns string) badIdentity {
			e := email(ns, "ro3")
			return badIdentity{traits: map[string]any{"email": e, "lastName": "R", "photoUrl": "https://example.com/p.png"},
				reason: sfv1.ReasonSynced, createsLead: e, message: []string{`trait "photoUrl" was not written to Lead.PhotoUrl`}}
		}),
		Entry("trait keys that cannot become field names", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": email(ns, "keys"), "favorite color": "red", "1st": "x"},
				reason: sfv1.ReasonInvalidTraits, message: []string{`"favorite color"`, `"1st"`}}
		}),

		// References across namespaces.
		Entry("a destination that exists only in another namespace", func(ns string) badIdentity {
			return badIdentity{traits: map[string]any{"email": email(ns, "xns"), "lastName": "X"}, destination: "elsewhere",
				setup:  func(string) { readyDestination(newNamespace(), "elsewhere") },
				reason: sfv1.ReasonDestinationNotFound, message: []string{"elsewhere"}}
		}),
	)

	DescribeTable("in a SalesforceDestination",
		func(secret map[string]string, secretElsewhere bool, loginURL string, admission, reason string, message ...string) {
			secretNS := ns
			if secretElsewhere {
				secretNS = newNamespace()
			}
			if secret != nil {
				createSecret(secretNS, "bad-creds", secret)
			}
			if loginURL == "" {
				loginURL = emuServer.URL
			}
			dest := &sfv1.SalesforceDestination{ObjectMeta: objectMeta(ns, "bad"), Spec: sfv1.SalesforceDestinationSpec{
				CredentialsSecretRef: sfv1.SecretReference{Name: "bad-creds"}, LoginURL: loginURL}}
			err := k8sClient.Create(suiteCtx, dest)
			if admission != "" {
				Expect(err).To(HaveOccurred())
				Expect(err.Error()).To(ContainSubstring(admission))
				GinkgoWriter.Printf("admission: %s\n", truncate(err.Error(), 300))
			} else {
				Expect(err).NotTo(HaveOccurred())
				got := waitDestinationReason(ns, "bad", reason)
				c := got.Status.Conditions[0]
				for _, cond := range got.Status.Conditions {
					if cond.Type == sfv1.ConditionReady {
						c = cond
					}
				}
				Expect(string(c.Status)).To(Equal("False"))
				for _, m := range message {
					Expect(c.Message).To(ContainSubstring(m))
				}
				GinkgoWriter.Printf("destination condition: %s: %s\n", c.Reason, c.Message)
				// An identity on the broken destination waits and writes nothing.
				createIdentity(ns, "waits", map[string]any{"email": uniqueEmail(ns, "waits"), "lastName": "W"}, withDestination("bad"))
				waitIdentity(ns, "waits", sfv1.ReasonDestinationNotReady)
			}
			Expect(salesforceSnapshot()).To(Equal(before))
			neighbour.expectUntouched()
			expectManagerRunning()
		},
		Entry("a Secret without password and securityToken", map[string]string{"username": emuUsername}, false, "", "",
			sfv1.ReasonSecretKeyMissing, "password", "securityToken"),
		Entry("a Secret with empty values", map[string]string{"username": emuUsername, "password": "", "securityToken": " "}, false, "", "",
			sfv1.ReasonSecretKeyMissing, "password", "securityToken"),
		Entry("a wrong password", map[string]string{"username": emuUsername, "password": "wrong", "securityToken": emuToken}, false, "", "",
			sfv1.ReasonAuthenticationFailed),
		Entry("a Secret that exists only in another namespace", emulatorCredentials(), true, "", "",
			sfv1.ReasonSecretNotFound, "bad-creds"),
		Entry("loginURL over plain http to a non-loopback host", emulatorCredentials(), false, "http://login.example.com", "",
			sfv1.ReasonInsecureLoginURL, "http"),
		Entry("loginURL with a non-http scheme", emulatorCredentials(), false, "file:///etc/passwd", "loginURL must be an absolute http(s) URL", ""),
		Entry("loginURL without a host", emulatorCredentials(), false, "https://", "loginURL must be an absolute http(s) URL", ""),
	)
})
