package api

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// openAPIDoc parses the embedded document, failing the test if it is not JSON.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// oaHTTPMethods are the operation keys of an OpenAPI path item.
var oaHTTPMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// oaExtraRoutes are served outside Routes but documented.
var oaExtraRoutes = []string{"GET /metrics"}

func TestOpenAPIVersion(t *testing.T) {
	doc := openAPIDoc(t)
	if v, _ := doc["openapi"].(string); v != "3.1.0" {
		t.Errorf(`"openapi" is %q, want "3.1.0"`, v)
	}
	info, _ := doc["info"].(map[string]any)
	if info == nil || info["title"] == nil || info["version"] == nil {
		t.Errorf(`"info" needs a title and a version, got %v`, info)
	}
	if _, ok := doc["paths"].(map[string]any); !ok {
		t.Fatalf(`"paths" is missing or not an object`)
	}
}

// oaOperations returns every "METHOD /path" the document describes, with its operation.
func oaOperations(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	paths, _ := doc["paths"].(map[string]any)
	ops := map[string]map[string]any{}
	for path, item := range paths {
		pi, ok := item.(map[string]any)
		if !ok {
			t.Errorf("path item %s is not an object", path)
			continue
		}
		for _, m := range oaHTTPMethods {
			if op, ok := pi[m].(map[string]any); ok {
				ops[strings.ToUpper(m)+" "+path] = op
			}
		}
	}
	return ops
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := openAPIDoc(t)
	documented := oaOperations(t, doc)
	served := map[string]bool{}
	for _, r := range Routes {
		served[r.Method+" "+r.Pattern] = true
	}
	for _, r := range oaExtraRoutes {
		served[r] = true
	}
	var problems []string
	for route := range served {
		if documented[route] == nil {
			problems = append(problems, "served but not documented: "+route)
		}
	}
	for route := range documented {
		if !served[route] {
			problems = append(problems, "documented but not served: "+route)
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		t.Errorf("openapi.json and Routes disagree:\n  %s", strings.Join(problems, "\n  "))
	}
}

// Every route that needs an API key declares the bearer scheme, and no public route does.
func TestOpenAPISecurityMatchesRoutes(t *testing.T) {
	doc := openAPIDoc(t)
	documented := oaOperations(t, doc)
	var problems []string
	for _, r := range Routes {
		op := documented[r.Method+" "+r.Pattern]
		if op == nil {
			continue // reported by TestOpenAPIDescribesEveryRoute
		}
		bearer := false
		sec, _ := op["security"].([]any)
		for _, req := range sec {
			if m, ok := req.(map[string]any); ok && m["bearer"] != nil {
				bearer = true
			}
		}
		if bearer != r.auth {
			problems = append(problems, fmt.Sprintf("%s %s: documented bearer security %v, route needs an API key: %v", r.Method, r.Pattern, bearer, r.auth))
		}
		if r.auth {
			if _, ok := op["responses"].(map[string]any)["401"]; !ok {
				problems = append(problems, fmt.Sprintf("%s %s: no 401 response", r.Method, r.Pattern))
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("security:\n  %s", strings.Join(problems, "\n  "))
	}
}

// oaWalk calls fn with the JSON pointer and value of every "$ref" in v.
func oaWalk(v any, at string, fn func(at, ref string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				fn(at, s)
				continue
			}
			oaWalk(x, at+"/"+oaEscape(k), fn)
		}
	case []any:
		for i, x := range v {
			oaWalk(x, fmt.Sprintf("%s/%d", at, i), fn)
		}
	}
}

func oaEscape(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

func oaUnescape(s string) string { return strings.NewReplacer("~1", "/", "~0", "~").Replace(s) }

func TestOpenAPIRefsResolve(t *testing.T) {
	doc := openAPIDoc(t)
	var problems []string
	n := 0
	oaWalk(doc, "#", func(at, ref string) {
		n++
		rest, ok := strings.CutPrefix(ref, "#/components/")
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: $ref %q does not point into #/components", at, ref))
			return
		}
		var cur any = doc["components"]
		for _, tok := range strings.Split(rest, "/") {
			m, ok := cur.(map[string]any)
			if !ok {
				cur = nil
				break
			}
			cur = m[oaUnescape(tok)]
		}
		if cur == nil {
			problems = append(problems, fmt.Sprintf("%s: $ref %q names no component", at, ref))
		}
	})
	if n == 0 {
		t.Error("the document has no $ref: components are not reused")
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		t.Errorf("unresolved references:\n  %s", strings.Join(problems, "\n  "))
	}
}

var oaPathParam = regexp.MustCompile(`\{([^{}]+)\}`)

func TestOpenAPIPathParametersDeclared(t *testing.T) {
	doc := openAPIDoc(t)
	components, _ := doc["components"].(map[string]any)
	// resolve follows a parameter's $ref into components/parameters.
	resolve := func(p any) map[string]any {
		m, _ := p.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			name, ok := strings.CutPrefix(ref, "#/components/parameters/")
			if !ok {
				return nil
			}
			params, _ := components["parameters"].(map[string]any)
			m, _ = params[oaUnescape(name)].(map[string]any)
		}
		return m
	}
	declared := func(list any) (map[string]bool, []string) {
		names := map[string]bool{}
		var bad []string
		items, _ := list.([]any)
		for i, p := range items {
			m := resolve(p)
			if m == nil {
				bad = append(bad, fmt.Sprintf("parameter %d does not resolve", i))
				continue
			}
			if m["in"] == "path" {
				name, _ := m["name"].(string)
				names[name] = true
				if m["required"] != true {
					bad = append(bad, fmt.Sprintf("path parameter %q is not required", name))
				}
			}
		}
		return names, bad
	}
	var problems []string
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		pi, _ := item.(map[string]any)
		var want []string
		for _, m := range oaPathParam.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}
		common, bad := declared(pi["parameters"])
		for _, b := range bad {
			problems = append(problems, path+": "+b)
		}
		for _, method := range oaHTTPMethods {
			op, ok := pi[method].(map[string]any)
			if !ok {
				continue
			}
			route := strings.ToUpper(method) + " " + path
			own, bad := declared(op["parameters"])
			for _, b := range bad {
				problems = append(problems, route+": "+b)
			}
			for _, name := range want {
				if !own[name] && !common[name] {
					problems = append(problems, fmt.Sprintf("%s: path parameter {%s} is not declared", route, name))
				}
			}
			for name := range own {
				if !slices.Contains(want, name) {
					problems = append(problems, fmt.Sprintf("%s: declares path parameter %q that the path does not have", route, name))
				}
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		t.Errorf("path parameters:\n  %s", strings.Join(problems, "\n  "))
	}
}
