package opscheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"go.yaml.in/yaml/v3"
)

// healthOf runs an Argo CD health script the way Argo CD does: the object as the global obj,
// the returned table's status and message as the verdict.
func healthOf(t *testing.T, script string, obj map[string]any) (status, message string) {
	t.Helper()
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoString(script); err != nil {
		t.Fatalf("health script: %v", err)
	}
	hs, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		t.Fatalf("health script returned %s, want a table", L.Get(-1).Type())
	}
	return lua.LVAsString(hs.RawGetString("status")), lua.LVAsString(hs.RawGetString("message"))
}

// toLua converts decoded JSON as Argo CD does: objects and arrays become tables (arrays
// 1-based), numbers float.
func toLua(L *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case map[string]any:
		t := L.NewTable()
		for k, item := range v {
			t.RawSetString(k, toLua(L, item))
		}
		return t
	case []any:
		t := L.NewTable()
		for _, item := range v {
			t.Append(toLua(L, item))
		}
		return t
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case bool:
		return lua.LBool(v)
	default:
		return lua.LNil
	}
}

// argocdScripts are the scripts of the argocd-cm snippet by kind; each must be health.lua.
func argocdScripts(t *testing.T) map[string]string {
	t.Helper()
	data, err := readRepoFile("config/argocd/argocd-cm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(data, &cm); err != nil {
		t.Fatal(err)
	}
	lua, err := readRepoFile("config/argocd/health.lua")
	if err != nil {
		t.Fatal(err)
	}
	scripts := map[string]string{}
	for _, kind := range []string{"SalesforceDestination", "SalesforceIdentity"} {
		script, ok := cm.Data["resource.customizations.health.salesforce.destinations.dev_"+kind]
		if !ok {
			t.Fatalf("argocd-cm.yaml has no health check for %s", kind)
		}
		if script != string(lua) {
			t.Fatalf("argocd-cm.yaml's script for %s differs from health.lua: run make argocd-cm", kind)
		}
		scripts[kind] = script
	}
	return scripts
}

// capturedStatus reads an object the e2e run saved (testdata/status) and applies edit to it.
func capturedStatus(t *testing.T, name string, edit func(obj map[string]any)) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "status", name+".json"))
	if err != nil {
		t.Fatalf("%v (the e2e run writes it: make test-e2e)", err)
	}
	var obj map[string]any
	if err := json.Unmarshal(data, &obj); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(obj)
	}
	return obj
}

func suspend(obj map[string]any) {
	spec, _ := obj["spec"].(map[string]any)
	if spec == nil {
		spec = map[string]any{}
		obj["spec"] = spec
	}
	spec["suspend"] = true
}

// newGeneration is a spec edit the controller has not acted on yet.
func newGeneration(obj map[string]any) {
	meta := obj["metadata"].(map[string]any)
	meta["generation"] = meta["generation"].(float64) + 1
}

func withoutStatus(obj map[string]any) { delete(obj, "status") }

func TestArgoCDHealth(t *testing.T) {
	scripts := argocdScripts(t)
	cases := []struct {
		capture   string
		edit      func(map[string]any)
		want      string
		wantInMsg string
	}{
		{"destination-ready", nil, "Healthy", "LoggedIn"},
		{"destination-ready", newGeneration, "Progressing", "generation"},
		{"destination-ready", withoutStatus, "Progressing", "Waiting"},
		{"destination-ready", suspend, "Suspended", "suspend"},
		{"destination-unreachable", nil, "Progressing", "Unreachable"},
		{"destination-wrong-password", nil, "Degraded", "AuthenticationFailed"},
		{"destination-wrong-password", suspend, "Suspended", "suspend"},
		{"identity-ready", nil, "Healthy", "Synced"},
		{"identity-ready", newGeneration, "Progressing", "generation"},
		{"identity-ready", withoutStatus, "Progressing", "Waiting"},
		{"identity-ready", suspend, "Suspended", "suspend"},
		// Waiting for a destination that cannot log in: nothing moves until someone fixes it.
		{"identity-destination-not-ready", nil, "Degraded", "DestinationNotReady"},
		{"identity-missing-email", nil, "Degraded", "MissingEmail"},
		{"identity-missing-email", suspend, "Suspended", "suspend"},
	}
	for _, tc := range cases {
		obj := capturedStatus(t, tc.capture, tc.edit)
		kind, _ := obj["kind"].(string)
		script, ok := scripts[kind]
		if !ok {
			t.Fatalf("%s: kind %q has no health script", tc.capture, kind)
		}
		status, message := healthOf(t, script, obj)
		if status != tc.want || !strings.Contains(message, tc.wantInMsg) {
			t.Errorf("%s (%s): health %s %q, want %s with %q", tc.capture, editName(tc.edit), status, message, tc.want, tc.wantInMsg)
		}
	}
}

func editName(edit func(map[string]any)) string {
	if edit == nil {
		return "as captured"
	}
	name := runtime.FuncForPC(reflect.ValueOf(edit).Pointer()).Name()
	return name[strings.LastIndex(name, ".")+1:]
}
