package controllers

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/yaml"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
)

// The identity config/namespaced binds its Role to.
const namespacedManagerUser = "system:serviceaccount:salesforce-controller-system:salesforce-controller-controller-manager"

// applyTenantRole creates config/namespaced/tenant_role.yaml in ns, as a cluster admin
// installing namespaced mode would.
func applyTenantRole(ns string) {
	raw, err := os.ReadFile(filepath.Join("..", "config", "namespaced", "tenant_role.yaml"))
	Expect(err).NotTo(HaveOccurred())
	for _, doc := range strings.Split(string(raw), "\n---\n") {
		obj := &unstructured.Unstructured{}
		Expect(yaml.Unmarshal([]byte(doc), &obj.Object)).To(Succeed())
		obj.SetNamespace(ns)
		Expect(k8sClient.Create(suiteCtx, obj)).To(Succeed())
	}
}

var _ = Describe("Namespaced mode (--watch-namespaces)", Serial, func() {
	It("manages its namespaces with only the Role config/namespaced ships, and leaves others alone", func() {
		watched, other := newNamespace(), newNamespace()
		applyTenantRole(watched)
		stopManager()
		DeferCleanup(func() {
			stopManager()
			startManager()
		})
		asManager := rest.CopyConfig(cfg)
		asManager.Impersonate = rest.ImpersonationConfig{UserName: namespacedManagerUser,
			Groups: []string{"system:serviceaccounts", "system:serviceaccounts:salesforce-controller-system", "system:authenticated"}}
		startManagerWith(asManager, func(o *Options, m *ctrl.Options) {
			o.WatchNamespaces = watched
			m.Cache.DefaultNamespaces = map[string]cache.Config{watched: {}}
		})

		readyDestination(watched, "prod")
		createIdentity(watched, "u", map[string]any{"email": uniqueEmail(watched, "u"), "lastName": "U"})
		waitIdentity(watched, "u", sfv1.ReasonSynced)
		Expect(leadsWithEmail(uniqueEmail(watched, "u"))).To(HaveLen(1))

		createDestination(other, "prod")
		createIdentity(other, "u", map[string]any{"email": uniqueEmail(other, "u"), "lastName": "U"})
		Consistently(func(g Gomega) {
			dest := &sfv1.SalesforceDestination{}
			g.Expect(k8sClient.Get(suiteCtx, nsName(other, "prod"), dest)).To(Succeed())
			g.Expect(dest.Status.Conditions).To(BeEmpty())
			g.Expect(dest.Finalizers).To(BeEmpty())
		}, "3s").Should(Succeed())
		Expect(leadsWithEmail(uniqueEmail(other, "u"))).To(BeEmpty())
	})
})
