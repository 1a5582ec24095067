package web

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"foidesk/workflow"
)

// openapi.yaml's EventRequest documents the events and payloads of the event specs
// (workflow.Spec): its enum is every event a caller may fire, and each event's payload
// `{field, optional?}` names the fields of the spec's payload struct — every field the staff form
// sends, nothing the struct does not take, `?` exactly on the optional (omitempty) ones.
func TestOpenAPIDocumentsEventPayloads(t *testing.T) {
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Description string `yaml:"description"`
				Properties  map[string]struct {
					Enum []string `yaml:"enum"`
				} `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(openapiYAML, &spec); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	er, ok := spec.Components.Schemas["EventRequest"]
	if !ok {
		t.Fatal("openapi.yaml has no EventRequest schema")
	}
	var want []string
	for _, e := range workflow.StaffActions() {
		want = append(want, string(e))
	}
	got := slices.Clone(er.Properties["event"].Enum)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("EventRequest.event enum %v, the specs' events %v", got, want)
	}
	desc := strings.Join(strings.Fields(er.Description), " ")
	for _, e := range workflow.StaffActions() {
		s, _ := workflow.Lookup(e)
		m := regexp.MustCompile(`(?:^|; |: )` + string(e) + ` ([^;]*)`).FindStringSubmatch(desc)
		if m == nil {
			t.Errorf("%s: no payload in EventRequest's description", e)
			continue
		}
		groups := regexp.MustCompile("`(\\{.*?\\})`").FindAllStringSubmatch(m[1], -1)
		if len(groups) == 0 {
			t.Errorf("%s: no `{…}` payload in %q", e, m[1])
			continue
		}
		fields := map[string]workflow.PayloadField{}
		for _, f := range workflow.PayloadFields(s.Payload()) {
			fields[f.JSON] = f
		}
		documented := map[string]bool{}
		for _, g := range groups {
			for _, k := range topKeys(g[1]) {
				name, opt := strings.CutSuffix(k, "?")
				documented[name] = true
				switch _, ok := fields[name]; {
				case !ok:
					t.Errorf("%s: openapi documents %q, which its payload does not take", e, name)
				case len(groups) == 1 && opt != omitempty(s, name):
					t.Errorf("%s: %q optional in openapi %v, omitempty in the payload %v", e, name, opt, !opt)
				}
			}
		}
		for name, f := range fields {
			if f.Form != workflow.FormNone && !documented[name] {
				t.Errorf("%s: payload field %q (on the staff form) is not documented", e, name)
			}
		}
	}
}

// topKeys are the top-level keys of a `{a, b?, c: [{d}]}` sketch.
func topKeys(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	var keys []string
	depth, start := 0, 0
	for i, r := range s + "," {
		switch r {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case ',':
			if depth == 0 {
				k := strings.TrimSpace(s[start:i])
				k, _, _ = strings.Cut(k, ":")
				if k = strings.TrimSpace(k); k != "" {
					keys = append(keys, k)
				}
				start = i + 1
			}
		}
	}
	return keys
}

// omitempty reports whether the payload field name of s is optional (json omitempty).
func omitempty(s *workflow.Spec, name string) bool {
	t := s.Payload()
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		if n, rest, _ := strings.Cut(tag, ","); n == name {
			return strings.Contains(rest, "omitempty")
		}
	}
	return false
}
