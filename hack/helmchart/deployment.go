package main

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// defaults are the values config/default's Deployment has, the chart's defaults.
// The chart sets --leader-elect, --metrics-bind-address, --metrics-secure, --watch-namespaces
// and --allowed-login-hosts from values; the other arguments (BaseArgs) pass as they are.
type defaults struct {
	Image, Tag  string
	Replicas    int
	Resources   string
	LeaderElect bool
	MetricsPort string
	// SecureFlag says the manager has --metrics-secure (config/default passes it), so the
	// chart can ask for HTTPS metrics with authentication instead of keeping them on loopback.
	SecureFlag bool
	BaseArgs   []string
}

func appendDeploymentFiles(files []chartFile, d object, version string) ([]chartFile, error) {
	container, err := managerContainer(d)
	if err != nil {
		return nil, err
	}
	def, err := readDefaults(d, container)
	if err != nil {
		return nil, err
	}
	const replicas, image, resources, args = placeholderPrefix + "REPLICAS__", placeholderPrefix + "IMAGE__", placeholderPrefix + "RESOURCES__", placeholderPrefix + "ARGS__"
	const port, labels, ns = placeholderPrefix + "METRICS_PORT__", placeholderPrefix + "LABELS__", placeholderPrefix + "NAMESPACE__"
	const pull = placeholderPrefix + "PULL_POLICY__"
	spec := d["spec"].(map[string]any)
	spec["replicas"] = replicas
	container["image"] = image
	container["imagePullPolicy"] = pull
	container["resources"] = map[string]any{resources: ""}
	container["args"] = []any{args}
	for _, p := range listOf(container["ports"]) {
		if p["name"] == "metrics" {
			p["containerPort"] = port
		}
	}
	d.meta()["namespace"] = ns
	addLabelPlaceholder(d.meta(), labels)
	data, err := yaml.Marshal(d)
	if err != nil {
		return nil, err
	}
	data, err = fillPlaceholders(data, map[string]string{
		resources: "toYaml .Values.resources",
		args:      `include "salesforce-controller.args" .`,
		labels:    `include "salesforce-controller.labels" .`,
	}, map[string]string{
		replicas: "{{ .Values.replicas }}",
		image:    `"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"`,
		port:     "{{ .Values.metrics.port }}",
		pull:     "{{ .Values.image.pullPolicy }}",
		ns:       "{{ .Release.Namespace }}",
	})
	if err != nil {
		return nil, err
	}
	data = append([]byte(generatedHeader), data...)
	support, err := supportFiles(def, version)
	if err != nil {
		return nil, err
	}
	files = append(files, chartFile{"templates/generated-deployment-" + d.name() + ".yaml", data})
	return append(files, support...), nil
}

// supportFiles are the chart's files around the objects: metadata, values, helpers, and the
// metrics Service and ServiceMonitor config/default has no counterpart of.
func supportFiles(def defaults, version string) ([]chartFile, error) {
	values, err := renderValues(def)
	if err != nil {
		return nil, err
	}
	helpers, err := renderHelpers(def)
	if err != nil {
		return nil, err
	}
	meta, err := renderChartYAML(version, def.Tag)
	if err != nil {
		return nil, err
	}
	return []chartFile{
		{"templates/generated-_args.tpl", helpers},
		{"values.yaml", values},
		{"Chart.yaml", meta},
		{"templates/metrics-service.yaml", []byte(metricsService)},
		{"templates/servicemonitor.yaml", []byte(serviceMonitor)},
	}, nil
}

func managerContainer(d object) (map[string]any, error) {
	spec, _ := d["spec"].(map[string]any)
	tmpl, _ := spec["template"].(map[string]any)
	pod, _ := tmpl["spec"].(map[string]any)
	for _, c := range listOf(pod["containers"]) {
		if c["name"] == "manager" {
			return c, nil
		}
	}
	return nil, fmt.Errorf("the Deployment has no container named manager")
}

func listOf(v any) []map[string]any {
	var out []map[string]any
	items, _ := v.([]any)
	for _, i := range items {
		if m, ok := i.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func readDefaults(d object, container map[string]any) (defaults, error) {
	var def defaults
	image, _ := container["image"].(string)
	at := strings.LastIndex(image, ":")
	if at < 0 || strings.Contains(image[at:], "/") {
		return def, fmt.Errorf("the manager image %q has no tag", image)
	}
	def.Image, def.Tag = image[:at], image[at+1:]
	replicas, _ := d["spec"].(map[string]any)["replicas"].(float64)
	def.Replicas = max(int(replicas), 1)
	res, err := yaml.Marshal(container["resources"])
	if err != nil {
		return def, err
	}
	def.Resources = strings.TrimSpace(string(res))
	def.MetricsPort = "8080"
	for _, a := range container["args"].([]any) {
		arg, _ := a.(string)
		name, value, _ := strings.Cut(arg, "=")
		switch name {
		case "--leader-elect":
			def.LeaderElect = value == "" || value == "true"
		case "--metrics-bind-address":
			_, p, ok := strings.Cut(value, ":")
			if !ok {
				return def, fmt.Errorf("--metrics-bind-address=%q has no port", value)
			}
			def.MetricsPort = p
		case "--metrics-secure":
			def.SecureFlag = true
		case "--watch-namespaces", "--allowed-login-hosts":
		default:
			def.BaseArgs = append(def.BaseArgs, arg)
		}
	}
	return def, nil
}
