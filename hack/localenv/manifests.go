package localenv

import (
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// SecretManifest is a Secret with stringData, for kubectl apply -f -. Passing credentials on
// stdin keeps them out of command lines, process listings and error messages.
func SecretManifest(namespace, name string, stringData map[string]string) ([]byte, error) {
	obj := map[string]any{
		"apiVersion": "v1",
		"kind":       "Secret",
		"type":       "Opaque",
		"metadata":   map[string]any{"name": name, "namespace": namespace},
		"stringData": stringData,
	}
	data, err := yaml.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode Secret %s: %w", name, err)
	}
	return data, nil
}

// EditManifest reads a single-object manifest such as a sample, lets edit change it, and
// returns it as YAML: the samples stay the source of truth while a local run points them at
// its own login URL, namespace or Secret.
func EditManifest(path string, edit func(obj map[string]any)) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var obj map[string]any
	if err := yaml.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	edit(obj)
	out, err := yaml.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", path, err)
	}
	return out, nil
}

// SetField sets obj.path[0].path[1]... = value, creating maps on the way.
func SetField(obj map[string]any, value any, path ...string) {
	m := obj
	for _, key := range path[:len(path)-1] {
		next, ok := m[key].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[key] = next
		}
		m = next
	}
	m[path[len(path)-1]] = value
}
