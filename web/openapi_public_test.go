package web

import (
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	cases "foidesk/case"
)

// openapiPath turns a gin route under /api/v1 into its openapi.yaml path: ":id" → "{id}".
func openapiPath(route string) string {
	p := strings.TrimPrefix(route, "/api/v1")
	return regexp.MustCompile(`[:*]([A-Za-z_][A-Za-z0-9_]*)`).ReplaceAllString(p, "{$1}")
}

// Every /api/v1 route (public and staff) is documented in openapi.yaml, every documented
// operation is a route, and every $ref resolves.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	s, _ := newTestServer(t)
	var spec struct {
		OpenAPI    string                               `yaml:"openapi"`
		Paths      map[string]map[string]any            `yaml:"paths"`
		Components map[string]map[string]map[string]any `yaml:"components"`
	}
	if err := yaml.Unmarshal(openapiYAML, &spec); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", spec.OpenAPI)
	}
	routes := map[string]bool{}
	for _, r := range s.Engine().Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		p, m := openapiPath(r.Path), strings.ToLower(r.Method)
		routes[m+" "+p] = true
		if _, ok := spec.Paths[p][m]; !ok {
			t.Errorf("%s %s (%s) is not documented in openapi.yaml", r.Method, p, r.Path)
		}
	}
	var documented []string
	for p, ops := range spec.Paths {
		for m := range ops {
			switch m {
			case "get", "post", "put", "patch", "delete", "head", "options":
				documented = append(documented, m+" "+p)
			}
		}
	}
	sort.Strings(documented)
	for _, op := range documented {
		if !routes[op] {
			t.Errorf("openapi.yaml documents %s, which is not a route", op)
		}
	}
	for _, ref := range regexp.MustCompile(`\$ref: "#/components/([a-zA-Z]+)/([A-Za-z0-9_]+)"`).FindAllStringSubmatch(string(openapiYAML), -1) {
		if _, ok := spec.Components[ref[1]][ref[2]]; !ok {
			t.Errorf("unresolved $ref %s/%s", ref[1], ref[2])
		}
	}
	w := get(s, "/api/v1/openapi.yaml")
	if w.Code != http.StatusOK || w.Body.String() != string(openapiYAML) || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/yaml") {
		t.Errorf("served: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
}

// docs/api.md "Codes": the enums of openapi.yaml are the catalogues the API answers with (docs/rules.md
// §1, §6; the document kinds) — a kind the API sends is never missing from its schema.
func TestOpenAPIEnumsAreTheCatalogues(t *testing.T) {
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Enum       []string `yaml:"enum"`
				Properties map[string]struct {
					Enum []string `yaml:"enum"`
				} `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(openapiYAML, &spec); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	codes := func(l cases.CodeList, keep func(string) bool) []string {
		var out []string
		for _, c := range l {
			if keep == nil || keep(c.Code) {
				out = append(out, c.Code)
			}
		}
		return out
	}
	for _, tc := range []struct {
		schema, property string
		want             []string
	}{
		{"ApplicantKind", "", codes(cases.ApplicantKinds, nil)},
		{"OrgCategory", "", codes(cases.OrgCategories, nil)},
		{"IDType", "", codes(cases.IDTypes, nil)},
		{"DeliveryWay", "", codes(cases.DeliveryWays, nil)},
		{"Carrier", "", codes(cases.Carriers, nil)},
		{"State", "", codes(cases.States, nil)},
		{"Remedy", "kind", codes(cases.RemedyKinds, nil)},
		{"Remedy", "result", codes(cases.RemedyResults, nil)},
		{"Case", "channel", codes(cases.Channels, nil)},
		{"ApplicantDocument", "kind", codes(cases.DocKinds, cases.ToApplicant)},
	} {
		s, ok := spec.Components.Schemas[tc.schema]
		if !ok {
			t.Errorf("no schema %s", tc.schema)
			continue
		}
		got := s.Enum
		if tc.property != "" {
			got = s.Properties[tc.property].Enum
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s %s: enum %v, the API answers %v", tc.schema, tc.property, got, tc.want)
		}
	}
}
