package controllers

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	sfv1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

// The suite runs a real kube-apiserver and etcd (envtest) with the CRDs from config/crd/bases,
// the manager with both reconcilers as main.go wires them, and the Salesforce emulator
// in-process. Assertions read through an uncached client.
var (
	testEnv    *envtest.Environment
	cfg        *rest.Config
	k8sClient  client.Client
	testScheme = runtime.NewScheme()
	emu        *emulator.Emulator
	emuServer  *httptest.Server
	suiteCtx   context.Context
	stopSuite  context.CancelFunc
	mgrStopped chan struct{}
	stopMgr    context.CancelFunc
)

var usePriorityQueue = false

// suiteLog keeps everything the managers of the suite log.
var suiteLog = &syncBuffer{}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const (
	emuUsername = "integration@example.com"
	emuPassword = "correct-horse"
	emuToken    = "TOKEN123"
)

func TestControllers(t *testing.T) {
	if os.Getenv("SKIP_ENVTEST_SUITE") != "" {
		// make mutation: each mutant runs the unit tests only, never this minute-long suite.
		t.Skip("SKIP_ENVTEST_SUITE is set")
	}
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	RunSpecs(t, "Controllers Suite")
}

var _ = BeforeSuite(func() {
	// Specs that check what reaches the log read suiteLog.
	logf.SetLogger(zap.New(zap.WriteTo(io.MultiWriter(GinkgoWriter, suiteLog)), zap.UseDevMode(true)))
	suiteCtx, stopSuite = context.WithCancel(context.Background())

	Expect(clientgoscheme.AddToScheme(testScheme)).To(Succeed())
	Expect(sfv1.AddToScheme(testScheme)).To(Succeed())

	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		Fail("KUBEBUILDER_ASSETS is not set: run the tests with `make test`, which builds kube-apiserver and etcd once")
	}
	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	var err error
	cfg, err = testEnv.Start()
	Expect(err).NotTo(HaveOccurred())
	k8sClient, err = client.New(cfg, client.Options{Scheme: testScheme})
	Expect(err).NotTo(HaveOccurred())

	emu = emulator.New(emulator.Options{Username: emuUsername, Password: emuPassword, SecurityToken: emuToken, DailyLimit: 1_000_000})
	emuServer = httptest.NewServer(emu)

	startManager()
})

var _ = AfterSuite(func() {
	stopManager()
	stopSuite()
	if emuServer != nil {
		emuServer.Close()
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// startManager runs the manager as main.go does; restart specs stop and start it again, some
// with other options.
func startManager(adjust ...func(*Options)) {
	startManagerWith(cfg, func(o *Options, _ *ctrl.Options) {
		for _, a := range adjust {
			a(o)
		}
	})
}

// startManagerWith runs the manager with another identity or options.
func startManagerWith(restCfg *rest.Config, adjust func(*Options, *ctrl.Options)) {
	mgrOpts := ctrl.Options{
		Scheme:  testScheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
		Client: client.Options{Cache: &client.CacheOptions{
			DisableFor: []client.Object{&corev1.Secret{}, &sfv1.SalesforceIdentity{}},
		}},
		HealthProbeBindAddress: "0",
		Cache:                  cache.Options{DefaultTransform: CacheTransform()},
		Controller:             config.Controller{UsePriorityQueue: &usePriorityQueue},
	}
	opts := DefaultOptions()
	opts.BatchWindow = 5 * time.Millisecond
	opts.DestinationResync = 2 * time.Second
	opts.skipNameValidation = true
	opts.SalesforceTimeout = 2 * time.Second
	opts.SyncEvents = true
	// The emulator and the specs' own servers listen on plain-http 127.0.0.1.
	opts.AllowedLoginHosts = "http://127.0.0.1"
	if adjust != nil {
		adjust(&opts, &mgrOpts)
	}
	mgr, err := ctrl.NewManager(restCfg, mgrOpts)
	Expect(err).NotTo(HaveOccurred())
	Expect(SetupWithManager(mgr, opts)).To(Succeed())

	var ctx context.Context
	ctx, stopMgr = context.WithCancel(suiteCtx)
	mgrStopped = make(chan struct{})
	go func() {
		defer GinkgoRecover()
		defer close(mgrStopped)
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
}

func stopManager() {
	if stopMgr == nil {
		return
	}
	stopMgr()
	Eventually(mgrStopped).Should(BeClosed())
	stopMgr = nil
}

// newNamespace gives each spec its own namespace so specs never see each other's objects.
func newNamespace() string {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "sf-"}}
	Expect(k8sClient.Create(suiteCtx, ns)).To(Succeed())
	// envtest runs no namespace controller, so a spec's identities would keep reconciling
	// (drift checks, retries) and spend calls that later specs count. Remove them.
	DeferCleanup(func() {
		if stopMgr == nil {
			return
		}
		Expect(client.IgnoreNotFound(k8sClient.DeleteAllOf(suiteCtx, &sfv1.SalesforceIdentity{}, client.InNamespace(ns.Name)))).To(Succeed())
		Eventually(func(g Gomega) {
			var list sfv1.SalesforceIdentityList
			g.Expect(k8sClient.List(suiteCtx, &list, client.InNamespace(ns.Name))).To(Succeed())
			g.Expect(list.Items).To(BeEmpty())
		}).Should(Succeed())
		// Destinations too, so their clients are dropped and nothing calls Salesforce.
		Expect(client.IgnoreNotFound(k8sClient.DeleteAllOf(suiteCtx, &sfv1.SalesforceDestination{}, client.InNamespace(ns.Name)))).To(Succeed())
		Eventually(func(g Gomega) {
			var list sfv1.SalesforceDestinationList
			g.Expect(k8sClient.List(suiteCtx, &list, client.InNamespace(ns.Name))).To(Succeed())
			g.Expect(list.Items).To(BeEmpty())
		}).Should(Succeed())
	})
	return ns.Name
}
