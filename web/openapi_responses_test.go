package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	cases "foidesk/case"
	"foidesk/store"
)

// openapiChecker validates API answers against the schema openapi.yaml gives the operation and
// status (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
type openapiChecker struct {
	t     *testing.T
	spec  map[string]any
	c     *jsonschema.Compiler
	paths []string // the documented paths, literal ones first
}

func newOpenAPIChecker(t *testing.T) *openapiChecker {
	t.Helper()
	js, err := yaml.YAMLToJSON(openapiYAML)
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("urn:openapi", doc); err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	json.Unmarshal(js, &spec)
	oc := &openapiChecker{t: t, spec: spec, c: c}
	for p := range spec["paths"].(map[string]any) {
		oc.paths = append(oc.paths, p)
	}
	sort.Slice(oc.paths, func(i, j int) bool {
		a, b := strings.Count(oc.paths[i], "{"), strings.Count(oc.paths[j], "{")
		return a < b || (a == b && oc.paths[i] < oc.paths[j])
	})
	return oc
}

// pointer escapes a JSON pointer token for a URI fragment.
func pointer(tok string) string {
	tok = strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
	return strings.NewReplacer("{", "%7B", "}", "%7D").Replace(tok)
}

// check validates the answer w to method path (the request's path, query ignored).
func (oc *openapiChecker) check(method, path string, w *httptest.ResponseRecorder) {
	oc.t.Helper()
	p := strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], "/api/v1")
	var doc string
	for _, d := range oc.paths {
		if regexp.MustCompile(`^` + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(d), `[^/]+`) + `$`).MatchString(p) {
			doc = d
			break
		}
	}
	if doc == "" {
		oc.t.Errorf("%s %s: no such path in openapi.yaml", method, path)
		return
	}
	op, _ := oc.spec["paths"].(map[string]any)[doc].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if op == nil {
		oc.t.Errorf("%s %s: no such operation in openapi.yaml", method, doc)
		return
	}
	status := strconv.Itoa(w.Code)
	resp, ok := op["responses"].(map[string]any)[status].(map[string]any)
	loc := "urn:openapi#/paths/" + pointer(doc) + "/" + strings.ToLower(method) + "/responses/" + status
	if !ok {
		oc.t.Errorf("%s %s answered %s, which openapi.yaml does not document: %.300s", method, path, status, w.Body)
		return
	}
	if ref, ok := resp["$ref"].(string); ok {
		loc = "urn:openapi" + ref
		name := ref[strings.LastIndex(ref, "/")+1:]
		resp = oc.spec["components"].(map[string]any)["responses"].(map[string]any)[name].(map[string]any)
	}
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		return
	}
	content, _ := resp["content"].(map[string]any)
	if _, ok := content["application/json"]; !ok {
		oc.t.Errorf("%s %s %s: JSON answered, none documented", method, path, status)
		return
	}
	sch, err := oc.c.Compile(loc + "/content/application~1json/schema")
	if err != nil {
		oc.t.Fatalf("%s %s %s: %v", method, doc, status, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		oc.t.Errorf("%s %s %s: not JSON: %v", method, path, status, err)
		return
	}
	if err := sch.Validate(inst); err != nil {
		oc.t.Errorf("%s %s %s does not follow openapi.yaml: %v\n%.600s", method, path, status, err, w.Body)
	}
}

// docs/api.md "JSON API": every answer, errors included, is the shape openapi.yaml describes —
// for cases in every state, an imported one among them.
func TestOpenAPIAnswersFollowTheSchemas(t *testing.T) {
	o := newOffice(t)
	oc := newOpenAPIChecker(t)
	call := func(who, method, path string, body any) *httptest.ResponseRecorder {
		t.Helper()
		w := o.api(who, method, path, body)
		oc.check(method, path, w)
		return w
	}
	var ids []int64
	for _, st := range []cases.State{cases.StateSubmitted, cases.StateRegistered, cases.StateInProgress, cases.StateAwaitingCorrection,
		cases.StateConsulting, cases.StateAwaitingFee, cases.StatePendingApproval, cases.StateReplied, "delivered", cases.StateClosed, "organisation"} {
		ids = append(ids, o.inState(st).ID)
	}
	csv := "tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no,remedy_kind,remedy_result\n" +
		",person,,赵六,passport,E12345678,in_person,2026-10-09,请公开某某文件,,,,,\n" +
		",organization,research,某研究所,credit_code,91350100M000100Y43,post_registered,2026-03-02,请公开某项目的批复,disclose,2026-03-20,,reconsideration,upheld\n"
	if _, err := o.db.ImportLedger(o.ctx, "ledger.csv", []byte(csv), store.ImportOptions{Actor: cases.SystemActor}); err != nil {
		t.Fatal(err)
	}
	w := call("clerk1", "GET", "/api/v1/cases?limit=500", nil)
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	json.Unmarshal(w.Body.Bytes(), &list)
	if len(list.Items) < len(ids)+2 {
		t.Fatalf("%d cases listed", len(list.Items))
	}
	for _, it := range list.Items {
		call("clerk1", "GET", fmt.Sprintf("/api/v1/cases/%d", it.ID), nil)
	}
	in := fmt.Sprintf("/api/v1/cases/%d", ids[2])
	for _, c := range []struct {
		who, method, path string
		body              any
	}{
		{"", "GET", "/api/v1/agencies", nil},
		{"", "GET", "/api/v1/cases", nil},
		{"admin1", "GET", "/api/v1/cases", nil},
		{"clerk1", "GET", "/api/v1/cases/999999", nil},
		{"clerk1", "GET", "/api/v1/cases?sort=sideways", nil},
		{"clerk1", "GET", "/api/v1/cases?state=replied&limit=1", nil},
		{"clerk1", "POST", in + "/events", map[string]any{"event": "add_note", "text": "电话联系申请人"}},
		{"clerk1", "POST", in + "/events", map[string]any{"event": "accept"}},
		{"clerk1", "POST", in + "/events", map[string]any{"event": "approve"}},
		{"clerk1", "POST", in + "/events", map[string]any{"event": "fly"}},
		{"clerk1", "POST", "/api/v1/cases", map[string]any{}},
		{"clerk1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "archive", "ids": []int64{ids[2]}}},
		{"clerk1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "fly", "ids": []int64{ids[2]}}},
		{"clerk1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "archive", "ids": []int64{ids[8]}}},
		{"clerk1", "GET", "/api/v1/calendar/due?from=2026-09-30&days=20", nil},
		{"clerk1", "GET", "/api/v1/calendar/due?from=x&days=20", nil},
		{"sup1", "GET", "/api/v1/calendar/preview?date=2026-11-16&work=false", nil},
		{"sup1", "GET", "/api/v1/reports/annual?year=2026", nil},
		{"sup1", "GET", "/api/v1/reports/monthly?year=2026&month=11", nil},
		{"sup1", "GET", "/api/v1/reports/annual?year=x", nil},
		{"clerk1", "GET", "/api/v1/ledger?from=2026-01-01&to=2026-12-31", nil},
		{"clerk1", "GET", "/api/v1/ledger?from=2026-01-01&to=2026-12-31&by=sideways", nil},
		{"clerk1", "GET", "/api/v1/archive/due", nil},
	} {
		call(c.who, c.method, c.path, c.body)
	}

	// The applicant's side.
	app := paperApp("2026-11-02")
	app.Channel, app.ReceivedOn, app.Agency = "", cases.Date{}, "default"
	w = call("", "POST", "/api/v1/applications", app)
	if w.Code != http.StatusCreated {
		t.Fatalf("apply: %d %s", w.Code, w.Body)
	}
	var sub struct {
		TrackingNo string `json:"tracking_no"`
		AccessCode string `json:"access_code"`
	}
	json.Unmarshal(w.Body.Bytes(), &sub)
	call("", "POST", "/api/v1/applications", map[string]any{"description": "x"})
	track := func(method, path string, body any) {
		t.Helper()
		var req *http.Request
		if body != nil {
			b, _ := json.Marshal(body)
			req = newRequest(method, path, string(b))
			req.Header.Set("Content-Type", "application/json")
		} else {
			req = newRequest(method, path, "")
		}
		req.Header.Set("X-Access-Code", sub.AccessCode)
		oc.check(method, path, do(o.s, req))
	}
	body, ct := multipartBody(t, nil, fileField{"file", "id.png", "image/png", pngBytes(500)})
	req := newRequest("POST", "/api/v1/applications/"+sub.TrackingNo+"/files", body.String())
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-Access-Code", sub.AccessCode)
	oc.check("POST", "/api/v1/applications/"+sub.TrackingNo+"/files", do(o.s, req))
	track("GET", "/api/v1/track/"+sub.TrackingNo, nil)
	track("GET", "/api/v1/track/"+sub.TrackingNo+"9", nil)
	track("POST", "/api/v1/track/"+sub.TrackingNo+"/events", map[string]any{"event": "submit_correction", "text": "x"})
	track("POST", "/api/v1/track/"+sub.TrackingNo+"/events", map[string]any{"event": "withdraw", "reason": "不再需要"})
	track("POST", "/api/v1/track/recover", map[string]any{})
}

// openapi.yaml is read by other programs' YAML parsers too (PyYAML, YAML 1.1): a plain scalar in
// a flow mapping holding "?" broke them ("expected ',' or '}', but got '?'"), so such values are
// quoted.
func TestOpenAPIPortableYAML(t *testing.T) {
	flow := regexp.MustCompile(`^\s*[A-Za-z_][A-Za-z0-9_]*:\s\{.*\}$`) // key: {…} on one line
	plain := regexp.MustCompile(`:\s[^"'{\[][^,{}]*\?`)                // a plain value holding ?
	for i, line := range strings.Split(string(openapiYAML), "\n") {
		if flow.MatchString(line) && plain.MatchString(line) {
			t.Errorf("openapi.yaml:%d: quote the value holding \"?\": %s", i+1, strings.TrimSpace(line))
		}
	}
}
