package controllers

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// applyManifest creates a manifest (YAML) in the namespace and returns the apiserver's error.
func applyManifest(ns, manifest string, opts ...client.CreateOption) error {
	_, err := createManifest(ns, manifest, opts...)
	return err
}

func createManifest(ns, manifest string, opts ...client.CreateOption) (*unstructured.Unstructured, error) {
	obj := &unstructured.Unstructured{}
	Expect(yaml.Unmarshal([]byte(manifest), &obj.Object)).To(Succeed())
	obj.SetNamespace(ns)
	return obj, k8sClient.Create(suiteCtx, obj, opts...)
}

var _ = Describe("CRD validation by the apiserver", func() {
	const identityHead = `
apiVersion: salesforce.destinations.dev/v1alpha1
kind: SalesforceIdentity
metadata: {name: bad}
spec:
`
	const destinationHead = `
apiVersion: salesforce.destinations.dev/v1alpha1
kind: SalesforceDestination
metadata: {name: bad}
spec:
`
	DescribeTable("rejects bad manifests with a message naming the field",
		func(manifest string, field, message string) {
			err := applyManifest(newNamespace(), manifest)
			Expect(err).To(HaveOccurred())
			Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want Invalid, got %v", err)
			Expect(err.Error()).To(ContainSubstring(field))
			Expect(err.Error()).To(ContainSubstring(message))
		},
		Entry("identity without destinationRef.name", identityHead+`  destinationRef: {}
  traits: {email: a@example.com}`, "spec.destinationRef.name", "Required value"),
		Entry("identity with an empty destinationRef.name", identityHead+`  destinationRef: {name: ""}`, "spec.destinationRef.name", "at least 1 chars"),
		Entry("identity without destinationRef", identityHead+`  traits: {email: a@example.com}`, "spec.destinationRef", "Required value"),
		Entry("externalId type with a path after the prefix", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: "Salesforce-Contact/../../x"}]`, "spec.externalId[0]", "Salesforce-<API name>"),
		Entry("externalId type with a query string", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: "Salesforce-Lead?x=1"}]`, "spec.externalId[0]", "Salesforce-<API name>"),
		Entry("externalId type with nothing after the prefix", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: "Salesforce-"}]`, "spec.externalId[0]", "Salesforce-<API name>"),
		Entry("externalId id with a slash", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: Salesforce-Contact, id: "003000000000001/AA"}]`, "spec.externalId[0].id", "15- or 18-character Salesforce ID"),
		Entry("externalId id with dots", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: Salesforce-Contact, id: "..%2F00000000000"}]`, "spec.externalId[0].id", "15- or 18-character Salesforce ID"),
		Entry("externalId id of the wrong length", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: Salesforce-Contact, id: "sf-contact-id"}]`, "spec.externalId[0].id", "15- or 18-character Salesforce ID"),
		Entry("externalId id longer than a Salesforce ID", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: Salesforce-Contact, id: "003000000000001AAAXYZ"}]`, "spec.externalId[0].id", "15- or 18-character Salesforce ID"),
		Entry("a Salesforce- entry's bad id next to another destination's entry", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: brazeExternalId, id: ignored}, {type: Salesforce-Contact, id: "sf-contact-id"}]`, "spec.externalId[1].id", "15- or 18-character Salesforce ID"),
		Entry("another destination's id beyond any sane length", identityHead+`  destinationRef: {name: prod}
  externalId: [{type: brazeExternalId, id: "`+strings.Repeat("x", 256)+`"}]`, "spec.externalId[0].id", "Too long"),
		Entry("deletionPolicy not Orphan or Delete", identityHead+`  destinationRef: {name: prod}
  deletionPolicy: Purge`, "spec.deletionPolicy", `supported values: "Orphan", "Delete"`),
		Entry("traits that are not an object", identityHead+`  destinationRef: {name: prod}
  traits: [1, 2]`, "spec.traits", "must be of type object"),
		Entry("destination without credentialsSecretRef.name", destinationHead+`  credentialsSecretRef: {}`, "spec.credentialsSecretRef.name", "Required value"),
		Entry("destination without credentialsSecretRef", destinationHead+`  sandbox: true`, "spec.credentialsSecretRef", "Required value"),
		Entry("loginURL that is not a URL", destinationHead+`  credentialsSecretRef: {name: creds}
  loginURL: "acme.my.salesforce.com"`, "spec.loginURL", "absolute http(s) URL"),
		Entry("loginURL with another scheme", destinationHead+`  credentialsSecretRef: {name: creds}
  loginURL: "ftp://acme.my.salesforce.com"`, "spec.loginURL", "absolute http(s) URL"),
		Entry("apiVersion in the wrong form", destinationHead+`  credentialsSecretRef: {name: creds}
  apiVersion: "v66"`, "spec.apiVersion", `apiVersion must look like "66.0"`),
		Entry("apiBudgetPercent above 100", destinationHead+`  credentialsSecretRef: {name: creds}
  apiBudgetPercent: 150`, "spec.apiBudgetPercent", "less than or equal to 100"),
	)

	// An identify call carries other destinations' externalId entries; their ids are ignored,
	// whatever they look like.
	DescribeTable("accepts other destinations' externalId entries whatever their id",
		func(id string) {
			manifest := identityHead + `  destinationRef: {name: prod}
  externalId:
  - {type: Salesforce-Contact, id: 0035g0000CONT02AAA}
  - {type: brazeExternalId, id: "` + id + `"}`
			Expect(applyManifest(newNamespace(), manifest, client.DryRunAll)).To(Succeed())
		},
		Entry("a word", "ignored"),
		Entry("a 36-character UUID", "4f9c2d1e-8a7b-4c3d-9e2f-1a2b3c4d5e6f"),
		Entry("an email", "alex.keener@example.com"),
	)

	It("keeps destinationRef immutable", func() {
		ns := newNamespace()
		Expect(applyManifest(ns, identityHead+`  destinationRef: {name: prod}`)).To(Succeed())
		obj := &unstructured.Unstructured{}
		obj.SetAPIVersion("salesforce.destinations.dev/v1alpha1")
		obj.SetKind("SalesforceIdentity")
		Expect(k8sClient.Get(suiteCtx, nsName(ns, "bad"), obj)).To(Succeed())
		orig := obj.DeepCopy()
		Expect(unstructured.SetNestedField(obj.Object, "other", "spec", "destinationRef", "name")).To(Succeed())
		err := k8sClient.Patch(suiteCtx, obj, client.MergeFrom(orig))
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "got %v", err)
		Expect(err.Error()).To(ContainSubstring("destinationRef is immutable"))
	})

	It("accepts every sample in config/samples and fills the defaults", func() {
		// Server-side dry run: the apiserver validates and defaults the samples, and nothing
		// is stored, so no controller tries to log in to the sample's org.
		ns := newNamespace()
		files, err := filepath.Glob(filepath.Join("..", "config", "samples", "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		accepted := map[string]*unstructured.Unstructured{}
		for _, f := range files {
			if filepath.Base(f) == "kustomization.yaml" {
				continue
			}
			raw, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
			for {
				doc, err := docs.Read()
				if err != nil {
					break
				}
				if strings.TrimSpace(string(doc)) == "" {
					continue
				}
				obj, err := createManifest(ns, string(doc), client.DryRunAll)
				Expect(err).NotTo(HaveOccurred(), "sample %s", f)
				accepted[obj.GetKind()+"/"+obj.GetName()] = obj
			}
		}
		Expect(accepted).To(HaveKey("Secret/salesforce-credentials"))
		Expect(accepted).To(HaveKey("SalesforceIdentity/john-gibbs"))

		dest := accepted["SalesforceDestination/prod"]
		Expect(dest).NotTo(BeNil())
		budget, _, _ := unstructured.NestedInt64(dest.Object, "spec", "apiBudgetPercent")
		Expect(budget).To(Equal(int64(50)))
		interval, _, _ := unstructured.NestedString(dest.Object, "spec", "driftCheckInterval")
		Expect(interval).To(Equal("1h"))

		id := accepted["SalesforceIdentity/alex-keener"]
		Expect(id).NotTo(BeNil())
		policy, _, _ := unstructured.NestedString(id.Object, "spec", "deletionPolicy")
		Expect(policy).To(Equal("Orphan"))
		email, _, _ := unstructured.NestedString(id.Object, "spec", "traits", "email")
		Expect(email).To(Equal("alex@example.com"))
	})
})
