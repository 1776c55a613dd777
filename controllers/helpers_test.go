package controllers

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

func nsName(ns, name string) types.NamespacedName {
	return types.NamespacedName{Namespace: ns, Name: name}
}

// destinationOpt adjusts a destination before it is created.
type destinationOpt func(*sfv1.SalesforceDestination)

func withContactIDForConvertedLeads(d *sfv1.SalesforceDestination) {
	d.Spec.UseContactIDForConvertedLeads = true
}

func withDriftInterval(s string) destinationOpt {
	return func(d *sfv1.SalesforceDestination) {
		dur, err := time.ParseDuration(s)
		Expect(err).NotTo(HaveOccurred())
		d.Spec.DriftCheckInterval = &metav1.Duration{Duration: dur}
	}
}

func withMapping(on bool) destinationOpt {
	return func(d *sfv1.SalesforceDestination) { d.Spec.MapRudderProperties = &on }
}

// createSecret stores the emulator's credentials (or the given overrides) in the namespace.
func createSecret(ns, name string, data map[string]string) {
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, StringData: data}
	Expect(k8sClient.Create(suiteCtx, secret)).To(Succeed())
}

func emulatorCredentials() map[string]string {
	return map[string]string{"username": emuUsername, "password": emuPassword, "securityToken": emuToken}
}

// createDestination creates a Secret and a destination logging in to the emulator.
func createDestination(ns, name string, opts ...destinationOpt) *sfv1.SalesforceDestination {
	createSecret(ns, name+"-creds", emulatorCredentials())
	dest := &sfv1.SalesforceDestination{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: sfv1.SalesforceDestinationSpec{
			CredentialsSecretRef: sfv1.SecretReference{Name: name + "-creds"},
			LoginURL:             emuServer.URL,
		},
	}
	for _, o := range opts {
		o(dest)
	}
	Expect(k8sClient.Create(suiteCtx, dest)).To(Succeed())
	return dest
}

func readyDestination(ns, name string, opts ...destinationOpt) *sfv1.SalesforceDestination {
	createDestination(ns, name, opts...)
	return waitDestinationReason(ns, name, sfv1.ReasonLoggedIn)
}

func waitDestinationReason(ns, name, reason string) *sfv1.SalesforceDestination {
	dest := &sfv1.SalesforceDestination{}
	Eventually(func(g Gomega) {
		g.Expect(k8sClient.Get(suiteCtx, nsName(ns, name), dest)).To(Succeed())
		c := meta.FindStatusCondition(dest.Status.Conditions, sfv1.ConditionReady)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.Reason).To(Equal(reason), "message: %s", c.Message)
	}).Should(Succeed())
	return dest
}

type identityOpt func(*sfv1.SalesforceIdentity)

func withExternalIDs(ids ...sfv1.ExternalID) identityOpt {
	return func(o *sfv1.SalesforceIdentity) { o.Spec.ExternalID = ids }
}

func withDeletionPolicy(p sfv1.DeletionPolicy) identityOpt {
	return func(o *sfv1.SalesforceIdentity) { o.Spec.DeletionPolicy = p }
}

func withDestination(name string) identityOpt {
	return func(o *sfv1.SalesforceIdentity) { o.Spec.DestinationRef.Name = name }
}

func rawJSON(v any) *apiextensionsv1.JSON {
	raw, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return &apiextensionsv1.JSON{Raw: raw}
}

func createIdentity(ns, name string, traits map[string]any, opts ...identityOpt) *sfv1.SalesforceIdentity {
	obj := &sfv1.SalesforceIdentity{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: sfv1.SalesforceIdentitySpec{
			DestinationRef: sfv1.DestinationReference{Name: "prod"},
			Traits:         rawJSON(traits),
		},
	}
	for _, o := range opts {
		o(obj)
	}
	Expect(k8sClient.Create(suiteCtx, obj)).To(Succeed())
	return obj
}

// waitIdentity waits until the identity's Ready condition has the reason for its current
// generation, and returns the identity.
func waitIdentity(ns, name, reason string) *sfv1.SalesforceIdentity {
	obj := &sfv1.SalesforceIdentity{}
	Eventually(func(g Gomega) {
		g.Expect(k8sClient.Get(suiteCtx, nsName(ns, name), obj)).To(Succeed())
		c := meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReady)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.ObservedGeneration).To(Equal(obj.Generation))
		g.Expect(c.Reason).To(Equal(reason), "message: %s", c.Message)
	}).Should(Succeed())
	return obj
}

func readyCondition(obj *sfv1.SalesforceIdentity) *metav1.Condition {
	return meta.FindStatusCondition(obj.Status.Conditions, sfv1.ConditionReady)
}

// updateTraits replaces the identity's traits with a merge patch.
func updateTraits(ns, name string, traits map[string]any) {
	obj := &sfv1.SalesforceIdentity{}
	Expect(k8sClient.Get(suiteCtx, nsName(ns, name), obj)).To(Succeed())
	base := obj.DeepCopy()
	obj.Spec.Traits = rawJSON(traits)
	Expect(k8sClient.Patch(suiteCtx, obj, client.MergeFrom(base))).To(Succeed())
}

// uniqueEmail keeps specs apart in the one emulator the suite shares.
func uniqueEmail(ns, local string) string {
	return fmt.Sprintf("%s@%s.example.com", local, ns)
}

// leadsWithEmail lists the emulator's live Leads with the email.
func leadsWithEmail(email string) []map[string]any {
	var out []map[string]any
	for _, r := range emu.Records("Lead") {
		if e, _ := r["Email"].(string); strings.EqualFold(e, email) {
			out = append(out, r)
		}
	}
	return out
}

// eventReasons lists the reasons of the events recorded for an object.
func eventReasons(ns, name string) []string {
	var list eventsv1.EventList
	Expect(k8sClient.List(suiteCtx, &list, client.InNamespace(ns))).To(Succeed())
	var reasons []string
	for _, e := range list.Items {
		if e.Regarding.Name == name {
			reasons = append(reasons, e.Reason)
		}
	}
	return reasons
}

func objectMeta(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name}
}
