// Command manager runs the salesforce-controller: it keeps SalesforceIdentity resources true in
// the Salesforce orgs their SalesforceDestination points at. `manager plan -f DIR` prints the
// plan of manifests that are not applied yet (plan_command.go).
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"os"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	salesforcev1alpha1 "github.com/destinations/salesforce-controller/api/v1alpha1"
	"github.com/destinations/salesforce-controller/controllers"
)

var scheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(salesforcev1alpha1.AddToScheme(scheme))
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "plan" {
		os.Exit(runPlan(os.Args[2:], os.Stdout, os.Stderr))
	}
	var (
		metricsAddr, probeAddr string
		pprofAddr              string
		leaderElect            bool
		leaderElectNamespace   string
		opts                   controllers.Options
		kubeQPS                float64
		kubeBurst              int
		stateKeySecret         string
		metricsSecure          bool
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8443", "Address the Prometheus metrics endpoint binds to; \"0\" turns it off.")
	flag.BoolVar(&metricsSecure, "metrics-secure", true, "Serve metrics over HTTPS to clients the Kubernetes API authenticates and authorizes (get on /metrics); false serves plain HTTP to anyone.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "Address the health and readiness probes bind to.")
	flag.StringVar(&pprofAddr, "pprof-bind-address", "", "Address of the pprof endpoint, for profiling; empty turns it off.")
	flag.BoolVar(&leaderElect, "leader-elect", false, "Elect a leader so only one replica reconciles at a time.")
	flag.StringVar(&leaderElectNamespace, "leader-election-namespace", "", "Namespace of the leader-election Lease; in-cluster the manager's own namespace.")
	// Each new identity costs about four apiserver requests (state, status, event); a cold
	// sync of ten thousand must not wait on the client-side limiter. The apiserver's own
	// priority and fairness still protects it.
	flag.Float64Var(&kubeQPS, "kube-api-qps", 1000, "Queries per second the manager may send to the Kubernetes API.")
	flag.IntVar(&kubeBurst, "kube-api-burst", 2000, "Burst of queries the manager may send to the Kubernetes API.")
	flag.StringVar(&stateKeySecret, "state-key-secret", "salesforce-controller-state-key", "Secret in the manager's namespace holding the key that signs state annotations; created on first start.")
	opts.BindFlags(flag.CommandLine)
	zapOpts := zap.Options{Development: false}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()

	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	setupLog := ctrl.Log.WithName("setup")

	restConfig := ctrl.GetConfigOrDie()
	restConfig.QPS = float32(kubeQPS)
	restConfig.Burst = kubeBurst
	restConfig.UserAgent = "salesforce-controller"

	mgr, err := ctrl.NewManager(restConfig, ctrl.Options{
		Scheme:                        scheme,
		Metrics:                       metricsOptions(metricsAddr, metricsSecure),
		HealthProbeBindAddress:        probeAddr,
		PprofBindAddress:              pprofAddr,
		LeaderElection:                leaderElect,
		LeaderElectionID:              "salesforce-controller.destinations.dev",
		LeaderElectionNamespace:       leaderElectNamespace,
		LeaderElectionReleaseOnCancel: true,
		Client: client.Options{Cache: &client.CacheOptions{
			// Secrets are read on demand and never cached: a cluster-wide Secret informer would
			// hold every credential in memory. Identities have their own, leaner index; a read
			// of one through the client goes to the API server, never to a second copy of all.
			DisableFor: []client.Object{&corev1.Secret{}, &salesforcev1alpha1.SalesforceIdentity{}},
		}},
		Cache: cache.Options{
			// Managed fields and kubectl's last-applied copy are most of an identity's
			// metadata and the controllers never read them.
			DefaultTransform: controllers.CacheTransform(),
			// With --watch-namespaces, watches (destinations, Secret metadata) stay in them.
			DefaultNamespaces: watchedNamespaces(opts.WatchNamespaces),
		},
		Controller: config.Controller{
			// One queue item may be asked to come back sooner and later by successive
			// reconciles; the classic queue keeps the earliest, which a retry must win.
			UsePriorityQueue: ptr(false),
		},
		GracefulShutdownTimeout: ptr(30 * time.Second),
	})
	if err != nil {
		setupLog.Error(err, "Unable to create the manager")
		os.Exit(1)
	}

	if opts.StateKey, err = stateKey(restConfig, leaderElectNamespace, stateKeySecret); err != nil {
		setupLog.Error(err, "Unable to load the state signing key")
		os.Exit(1)
	}
	if err := controllers.SetupWithManager(mgr, opts); err != nil {
		setupLog.Error(err, "Unable to set up the controllers")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		setupLog.Error(err, "Unable to set up the health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		setupLog.Error(err, "Unable to set up the readiness check")
		os.Exit(1)
	}

	setupLog.Info("Starting the manager")
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		setupLog.Error(err, "The manager stopped with an error")
		os.Exit(1)
	}
}

func ptr[T any](v T) *T { return &v }

// watchedNamespaces turns --watch-namespaces into cache settings; nil watches all.
func watchedNamespaces(list string) map[string]cache.Config {
	namespaces := controllers.ParseNamespaces(list)
	if len(namespaces) == 0 {
		return nil
	}
	out := make(map[string]cache.Config, len(namespaces))
	for _, ns := range namespaces {
		out[ns] = cache.Config{}
	}
	return out
}

// metricsOptions serves metrics as kubebuilder scaffolds them: HTTPS, and only to callers the
// API server authenticates (TokenReview) and authorizes for get on /metrics
// (SubjectAccessReview). Plain HTTP is for local runs that ask for it.
func metricsOptions(addr string, secure bool) metricsserver.Options {
	o := metricsserver.Options{
		BindAddress: addr,
		// HTTP/2 is off: it has had rapid-reset and stream-exhaustion CVEs, and Prometheus
		// scrapes work fine over HTTP/1.1.
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }},
	}
	if secure {
		o.SecureServing = true
		o.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	return o
}

// stateKey loads the state-signing key from the manager's namespace: the leader-election
// namespace, POD_NAMESPACE, or the service account's. Without any (a local run outside a
// cluster) the key is random and lasts as long as the process.
func stateKey(restConfig *rest.Config, leaderElectNamespace, secretName string) ([]byte, error) {
	ns := leaderElectNamespace
	if ns == "" {
		ns = os.Getenv("POD_NAMESPACE")
	}
	if ns == "" {
		if raw, err := os.ReadFile("/var/run/secrets/kubernetes.io/serviceaccount/namespace"); err == nil {
			ns = strings.TrimSpace(string(raw))
		}
	}
	if ns == "" {
		ctrl.Log.WithName("setup").Info("No manager namespace known: state annotations are signed with a key that lasts until the process ends")
		return nil, nil
	}
	c, err := client.New(restConfig, client.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return controllers.LoadStateKey(ctx, c, ns, secretName)
}
