package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"
)

// object is one document of the kustomize output.
type object map[string]any

func (o object) kind() string { s, _ := o["kind"].(string); return s }

func (o object) meta() map[string]any {
	m, _ := o["metadata"].(map[string]any)
	return m
}

func (o object) name() string { s, _ := o.meta()["name"].(string); return s }

// chartFile is a path inside the chart and its content.
type chartFile struct {
	path string
	data []byte
}

func splitDocuments(rendered []byte) ([]object, error) {
	var objs []object
	for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(rendered), -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var o object
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			return nil, fmt.Errorf("parse a rendered document: %w", err)
		}
		if len(o) == 0 {
			continue // only comments, as helm leaves for a template that renders nothing
		}
		if o.kind() == "" || o.name() == "" {
			return nil, fmt.Errorf("a rendered document has no kind or name:\n%s", doc)
		}
		objs = append(objs, o)
	}
	return objs, nil
}

// chartFiles turns the rendered objects into the chart's generated files. The Namespace is
// left out: Helm installs into the release's namespace.
func chartFiles(objs []object, version string) ([]chartFile, error) {
	var files []chartFile
	var deployment object
	for _, o := range objs {
		switch o.kind() {
		case "Namespace":
		case "CustomResourceDefinition":
			data, err := yaml.Marshal(o)
			if err != nil {
				return nil, err
			}
			files = append(files, chartFile{filepath.Join("crds", o.name()+".yaml"), data})
		case "Deployment":
			if deployment != nil {
				return nil, fmt.Errorf("config/default renders more than one Deployment")
			}
			deployment = o
		default:
			data, err := namespacedTemplate(o)
			if err != nil {
				return nil, err
			}
			files = append(files, chartFile{generatedTemplate(o), data})
		}
	}
	if deployment == nil {
		return nil, fmt.Errorf("config/default renders no Deployment")
	}
	return appendDeploymentFiles(files, deployment, version)
}

func generatedTemplate(o object) string {
	return filepath.Join("templates", "generated-"+strings.ToLower(o.kind())+"-"+o.name()+".yaml")
}

// writeChart replaces the generated files of the chart in dir; files a person wrote (none
// today) would be kept, generated ones that config/ no longer renders are removed.
func writeChart(dir, version string, rendered []byte) error {
	objs, err := splitDocuments(rendered)
	if err != nil {
		return err
	}
	files, err := chartFiles(objs, version)
	if err != nil {
		return err
	}
	for _, pattern := range []string{"crds/*.yaml", "templates/generated-*.yaml"} {
		stale, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, f := range stale {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for _, f := range files {
		path := filepath.Join(dir, f.path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// placeholder marks where a template expression goes; the YAML encoder cannot write template
// syntax itself, so documents are encoded with placeholders and the lines swapped afterwards.
const placeholderPrefix = "__HELM_"

// fillPlaceholders replaces each line holding a placeholder key or list item (`__HELM_X__: ""`
// or `- __HELM_X__`) by the template of that name indented as the line was, and each inline
// placeholder value (`key: __HELM_X__`) by its expression.
func fillPlaceholders(data []byte, blocks, inline map[string]string) ([]byte, error) {
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " "))
		key := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(trimmed, "- "), `: ""`), ":")
		if tmpl, ok := blocks[key]; ok {
			fmt.Fprintf(&out, "%s{{- %s | nindent %d }}\n", strings.Repeat(" ", indent), tmpl, indent)
			continue
		}
		for name, expr := range inline {
			line = strings.ReplaceAll(line, name, expr)
		}
		out.WriteString(line)
	}
	if bytes.Contains(out.Bytes(), []byte(placeholderPrefix)) {
		return nil, fmt.Errorf("a placeholder was left unfilled:\n%s", out.String())
	}
	return out.Bytes(), nil
}

// namespacedTemplate moves a namespaced object (and the ServiceAccounts its bindings name) into
// the release's namespace and adds the chart's labels.
func namespacedTemplate(o object) ([]byte, error) {
	const ns, labels = placeholderPrefix + "NAMESPACE__", placeholderPrefix + "LABELS__"
	m := o.meta()
	if _, ok := m["namespace"]; ok {
		m["namespace"] = ns
	}
	addLabelPlaceholder(m, labels)
	if subjects, ok := o["subjects"].([]any); ok {
		for _, s := range subjects {
			if subject, ok := s.(map[string]any); ok && subject["namespace"] != nil {
				subject["namespace"] = ns
			}
		}
	}
	data, err := yaml.Marshal(o)
	if err != nil {
		return nil, err
	}
	data, err = fillPlaceholders(data,
		map[string]string{labels: `include "salesforce-controller.labels" .`},
		map[string]string{ns: "{{ .Release.Namespace }}"})
	if err != nil {
		return nil, err
	}
	if strings.Contains(o.name(), "leader-election") {
		// Without leader election the manager never touches its Lease.
		data = append(append([]byte("{{- if .Values.leaderElection.enabled }}\n"), data...), []byte("{{- end }}\n")...)
	}
	return append([]byte(generatedHeader), data...), nil
}

const generatedHeader = "# Generated from config/default by hack/helmchart: edit config/, then make helm-chart.\n"

func addLabelPlaceholder(meta map[string]any, placeholder string) {
	labels, _ := meta["labels"].(map[string]any)
	if labels == nil {
		labels = map[string]any{}
	}
	labels[placeholder] = ""
	meta["labels"] = labels
}
