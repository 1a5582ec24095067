package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

func TestAPIAgencies(t *testing.T) {
	s, db := newTestServer(t)
	if _, err := db.CreateAgency(context.Background(), "fgw", "发展和改革局", cases.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	w := get(s, "/api/v1/agencies")
	if w.Code != http.StatusOK || w.Body.String() != `[{"code":"default","name":"政府信息公开办公室"},{"code":"fgw","name":"发展和改革局"}]` {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestAPIApply(t *testing.T) {
	s, db := newTestServer(t)
	w := postJSON(s, "/api/v1/applications", personJSON())
	if w.Code != http.StatusCreated {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var out map[string]any
	json.Unmarshal(w.Body.Bytes(), &out)
	if len(out) != 4 || out["state"] != "submitted" || out["id"] == nil || len(out["access_code"].(string)) < 16 || !strings.HasPrefix(out["tracking_no"].(string), "GK2026") {
		t.Errorf("body %v", out)
	}
	if w.Header().Get("Location") != "/api/v1/track/"+out["tracking_no"].(string) {
		t.Errorf("Location %q", w.Header().Get("Location"))
	}
	c, err := db.AccessCase(context.Background(), out["tracking_no"].(string), out["access_code"].(string))
	if err != nil || c.State != cases.StateSubmitted || len(c.Events) != 1 || c.Events[0].Event != "submit" {
		t.Fatalf("stored: %v %v", c, err)
	}

	// An organisation.
	org := map[string]any{
		"applicant": map[string]any{"kind": "organization", "name": "某某研究院", "id_type": "credit_code", "id_number": validCreditCode,
			"org_category": "research", "contact_name": "王五", "phone": "0731-8888888-12", "fax": "0731-88888888"},
		"description": "某某规划的环境影响评价报告全文", "delivery": "fax", "carrier": "paper",
	}
	if w := postJSON(s, "/api/v1/applications", org); w.Code != http.StatusCreated {
		t.Errorf("organisation: %d %s", w.Code, w.Body)
	}
	// Without its category (org_category? — Art. 29 does not ask for it): filed under other.
	delete(org["applicant"].(map[string]any), "org_category")
	if w := postJSON(s, "/api/v1/applications", org); w.Code != http.StatusCreated {
		t.Errorf("organisation without category: %d %s", w.Code, w.Body)
	} else {
		var got map[string]any
		json.Unmarshal(w.Body.Bytes(), &got)
		c, err := db.AccessCase(context.Background(), got["tracking_no"].(string), got["access_code"].(string))
		if err != nil || c.Applicant.OrgCategory != cases.OrgOther {
			t.Errorf("organisation without category stored as %q (%v), not other", c.Applicant.OrgCategory, err)
		}
	}

	// Invalid: every field error at once, with field paths, in the page's language.
	bad := personJSON()
	bad["applicant"].(map[string]any)["id_number"] = "110105194912310021"
	bad["delivery"] = "post"
	delete(bad, "carrier")
	w = postJSON(s, "/api/v1/applications?lang=en", bad)
	e := decodeError(t, w)
	if w.Code != http.StatusUnprocessableEntity || e.Error.Code != "EINVALID" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	for _, f := range []string{"applicant.id_number", "applicant.address", "applicant.postcode", "carrier"} {
		if e.Error.Fields[f] == "" {
			t.Errorf("no error for %s: %v", f, e.Error.Fields)
		}
	}
	if !strings.Contains(e.Error.Fields["applicant.id_number"], "check digit") {
		t.Errorf("not English: %v", e.Error.Fields)
	}
	for _, body := range []string{`{"applicant": {}, "colour": "red"}`, `not json`, `{"applicant": {"kind": 3}}`, `{} {}`} {
		req := postRaw(s, "/api/v1/applications", body)
		if req.Code != http.StatusUnprocessableEntity || decodeError(t, req).Error.Code != "EINVALID" {
			t.Errorf("%s: %d %s", body, req.Code, req.Body)
		}
	}
	if n := countCases(t, db); n != 3 { // the person and the two organisations
		t.Errorf("%d cases", n)
	}

	// Several agencies: the agency is required.
	st := cases.DefaultSettings()
	st.TrackingPrefix = "FGW"
	db.CreateAgency(context.Background(), "fgw", "发展和改革局", st)
	w = postJSON(s, "/api/v1/applications", personJSON())
	if w.Code != http.StatusUnprocessableEntity || decodeError(t, w).Error.Fields["agency"] == "" {
		t.Errorf("no agency: %d %s", w.Code, w.Body)
	}
	no, _ := apiApply(t, s, func(m map[string]any) { m["agency"] = "fgw" })
	if c, _ := db.CaseByTracking(context.Background(), no); c.Agency != "fgw" {
		t.Errorf("agency %s", c.Agency)
	}
}

func postRaw(s *Server, path, body string) *responseRecorder {
	req := newRequest("POST", path, body)
	req.Header.Set("Content-Type", "application/json")
	return do(s, req)
}

// The per-address limit: 429 with Retry-After; refused attempts are not counted and nothing is
// stored.
func TestAPIRateLimit(t *testing.T) {
	s, db := newTestServer(t)
	clk := &testClock{t: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
	s.public.now = clk.now
	updateSettings(t, db, func(st *cases.Settings) { st.SubmitRateLimit = 3 })
	for i := 0; i < 3; i++ {
		apiApply(t, s, nil)
		clk.add(time.Second)
	}
	// An invalid submission is refused for its fields, not counted.
	bad := personJSON()
	delete(bad, "description")
	if w := postJSON(s, "/api/v1/applications", bad); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("invalid: %d", w.Code)
	}
	clk.add(7 * time.Second) // t = 10 s
	w := postJSON(s, "/api/v1/applications", personJSON())
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "50" || decodeError(t, w).Error.Code != "ERATELIMIT" {
		t.Fatalf("fourth: %d %q %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	for i := 0; i < 5; i++ {
		postJSON(s, "/api/v1/applications", personJSON())
	}
	if n := countCases(t, db); n != 3 {
		t.Errorf("%d cases stored", n)
	}
	clk.add(50 * time.Second) // t = 60 s: the first accepted one has left the window
	apiApply(t, s, nil)
	w = postJSON(s, "/api/v1/applications", personJSON())
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Errorf("at 60 s: %d %q", w.Code, w.Header().Get("Retry-After"))
	}
	clk.add(2 * time.Second)
	apiApply(t, s, nil)
}

func TestAPITrack(t *testing.T) {
	s, db := newTestServer(t)
	s.public.failDelay = 40 * time.Millisecond
	no, code := apiApply(t, s, nil)
	w := get(s, "/api/v1/track/"+no, withCode(code))
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var v map[string]any
	json.Unmarshal(w.Body.Bytes(), &v)
	for _, k := range []string{"state", "received_on", "reply_due", "timeline", "documents", "actions", "tracking_no"} {
		if _, ok := v[k]; !ok {
			t.Errorf("no %s in %s", k, w.Body)
		}
	}
	if v["state"] != "submitted" || v["received_on"] != nil || v["clock"] != "not_started" {
		t.Errorf("view %v", v)
	}
	docs := v["documents"].([]any)
	if len(docs) != 1 {
		t.Fatalf("documents %v", docs)
	}
	doc := docs[0].(map[string]any)
	if doc["kind"] != "application_form" || doc["url"] != fmt.Sprintf("/api/v1/track/%s/documents/%d", no, int64(doc["id"].(float64))) {
		t.Errorf("document %v", doc)
	}
	if d := get(s, doc["url"].(string), withCode(code)); d.Code != http.StatusOK || !strings.HasPrefix(d.Body.String(), "%PDF") || !strings.Contains(d.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("download %d", d.Code)
	}
	if d := get(s, doc["url"].(string), withCode("WRONGWRONGWRONG2")); d.Code != http.StatusNotFound {
		t.Errorf("download with a wrong code: %d", d.Code)
	}
	if d := get(s, "/api/v1/track/"+no+"/documents/999999", withCode(code)); d.Code != http.StatusNotFound {
		t.Errorf("unknown document: %d", d.Code)
	}
	tl := v["timeline"].([]any)
	if len(tl) != 1 || tl[0].(map[string]any)["event"] != "submit" || tl[0].(map[string]any)["by"] != "applicant" {
		t.Errorf("timeline %v", tl)
	}
	// The access code is case-insensitive and may carry spaces.
	if w := get(s, "/api/v1/track/"+no, withCode(strings.ToLower(groupCode(code)))); w.Code != http.StatusOK {
		t.Errorf("grouped lower-case code: %d", w.Code)
	}

	// A wrong code and an unknown number: the same status, body and (at least) delay.
	ip := fromIP("192.0.2.77")
	var bodies []string
	for _, r := range []func() *responseRecorder{
		func() *responseRecorder { return get(s, "/api/v1/track/"+no, withCode("AAAABBBBCCCCDDDD"), ip) },
		func() *responseRecorder { return get(s, "/api/v1/track/GK2026999999", withCode(code), ip) },
		func() *responseRecorder { return get(s, "/api/v1/track/"+no, ip) },
	} {
		start := time.Now()
		w := r()
		if el := time.Since(start); el < 40*time.Millisecond {
			t.Errorf("answered after %v", el)
		}
		if w.Code != http.StatusNotFound {
			t.Errorf("status %d", w.Code)
		}
		bodies = append(bodies, w.Body.String())
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] || !strings.Contains(bodies[0], `"code":"ENOTFOUND"`) {
		t.Errorf("bodies differ: %q", bodies)
	}
	// Throttling: after failLimit failures, 429 for known and unknown numbers alike.
	s.public.failLimit = 4
	get(s, "/api/v1/track/GK2026000777", withCode(code), ip)
	for _, n := range []string{no, "GK2026999999"} {
		w := get(s, "/api/v1/track/"+n, withCode(code), ip)
		ra, _ := strconv.Atoi(w.Header().Get("Retry-After"))
		if w.Code != http.StatusTooManyRequests || ra < 1 || ra > int(trackFailWindow.Seconds()) || decodeError(t, w).Error.Code != "ERATELIMIT" {
			t.Errorf("%s: %d Retry-After %q", n, w.Code, w.Header().Get("Retry-After"))
		}
	}
	if w := postJSON(s, "/api/v1/track/"+no+"/events", map[string]any{"event": "withdraw"}, withCode(code), ip); w.Code != http.StatusTooManyRequests {
		t.Errorf("events while throttled: %d", w.Code)
	}
	if w := get(s, "/api/v1/track/"+no, withCode(code)); w.Code != http.StatusOK {
		t.Errorf("another address throttled: %d", w.Code)
	}
	_ = db
}

func TestAPIApplicantEvents(t *testing.T) {
	s, db := newTestServer(t)
	clerk := staffActor(t, db, "clerk1", cases.RoleClerk)
	no, code := apiApply(t, s, nil)
	ev := func(body any) *responseRecorder {
		return postJSON(s, "/api/v1/track/"+no+"/events", body, withCode(code))
	}
	// Nothing to correct yet.
	if w := ev(map[string]any{"event": "submit_correction", "text": "补充说明"}); w.Code != http.StatusConflict {
		t.Errorf("correction while submitted: %d %s", w.Code, w.Body)
	}
	if w := ev(map[string]any{"event": "approve"}); w.Code != http.StatusForbidden {
		t.Errorf("staff event: %d %s", w.Code, w.Body)
	}
	if w := ev(map[string]any{"event": "fly"}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown event: %d", w.Code)
	}
	if w := ev(map[string]any{}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("no event: %d", w.Code)
	}
	fire(t, db, no, "register", map[string]any{}, clerk)
	fire(t, db, no, "request_correction", map[string]any{"items": []string{"请提供身份证明"}}, clerk)

	// Identity proof through the upload API, then the correction citing it.
	body, ct := multipartBody(t, nil, fileField{"file", "id.png", "image/png", pngBytes(500)})
	req := newRequest("POST", "/api/v1/applications/"+no+"/files", body.String())
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-Access-Code", code)
	w := do(s, req)
	if w.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	var up struct {
		Documents []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"documents"`
	}
	json.Unmarshal(w.Body.Bytes(), &up)
	if len(up.Documents) != 1 {
		t.Fatalf("upload answer %s", w.Body)
	}
	// docs/api.md "JSON API": the 201 answers the documents as stored — the title the tracking
	// view and the case show (身份证明), not a generic one.
	if up.Documents[0].Title != "身份证明" {
		t.Errorf("upload answer title %q, want the stored 身份证明", up.Documents[0].Title)
	}
	if w := ev(map[string]any{"event": "submit_correction", "text": "见附件", "files": []int64{up.Documents[0].ID + 1000}}); w.Code != http.StatusUnprocessableEntity || decodeError(t, w).Error.Fields["files"] == "" {
		t.Errorf("foreign file: %d %s", w.Code, w.Body)
	}
	if w := ev(map[string]any{"event": "submit_correction"}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("empty correction: %d %s", w.Code, w.Body)
	}
	w = ev(map[string]any{"event": "submit_correction", "text": "见附件", "files": []int64{up.Documents[0].ID}})
	if w.Code != http.StatusOK {
		t.Fatalf("correction: %d %s", w.Code, w.Body)
	}
	var v struct {
		State    string   `json:"state"`
		ReplyDue string   `json:"reply_due"`
		Actions  []string `json:"actions"`
		Timeline []struct {
			Event string `json:"event"`
			By    string `json:"by"`
		} `json:"timeline"`
	}
	json.Unmarshal(w.Body.Bytes(), &v)
	last := v.Timeline[len(v.Timeline)-1]
	if v.State != "registered" || last.Event != "submit_correction" || last.By != "applicant" || v.ReplyDue == "" {
		t.Errorf("after correction %+v", v)
	}
	if strings.Join(v.Actions, ",") != "withdraw" {
		t.Errorf("actions %v", v.Actions)
	}
	w = ev(map[string]any{"event": "withdraw", "reason": "不再需要"})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"state":"closed"`) {
		t.Fatalf("withdraw: %d %s", w.Code, w.Body)
	}
	if w := ev(map[string]any{"event": "withdraw"}); w.Code != http.StatusConflict {
		t.Errorf("second withdraw: %d", w.Code)
	}
}

// Upload limits of the API: oversized or disguised files are refused whole, nothing stored.
func TestAPIUploadLimits(t *testing.T) {
	s, db := newTestServer(t)
	updateSettings(t, db, func(st *cases.Settings) { st.UploadLimit = 2048 })
	no, code := apiApply(t, s, nil)
	docs := func() int {
		c, err := db.CaseByTracking(context.Background(), no)
		if err != nil {
			t.Fatal(err)
		}
		return len(c.Documents)
	}
	before := docs()
	for _, tc := range []struct {
		name  string
		files []fileField
	}{
		{"oversized", []fileField{{"file", "a.pdf", "application/pdf", pdfBytes(3000)}}},
		{"far too big", []fileField{{"file", "a.pdf", "application/pdf", pdfBytes(2048*drainFactor + formOverhead + 100)}}},
		{"disguised", []fileField{{"file", "a.png", "image/png", []byte("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")}}},
		{"good then disguised", []fileField{{"file", "a.png", "image/png", pngBytes(100)}, {"file", "b.pdf", "application/pdf", []byte("PK\x03\x04 zip")}}},
		{"none", nil},
	} {
		body, ct := multipartBody(t, nil, tc.files...)
		req := newRequest("POST", "/api/v1/applications/"+no+"/files", body.String())
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Access-Code", code)
		w := do(s, req)
		if w.Code != http.StatusUnprocessableEntity || decodeError(t, w).Error.Fields["file"] == "" {
			t.Errorf("%s: %d %s", tc.name, w.Code, w.Body)
		}
		if n := docs(); n != before {
			t.Errorf("%s: %d documents stored", tc.name, n-before)
		}
	}
	// Without the code: 404, nothing stored.
	body, ct := multipartBody(t, nil, fileField{"file", "a.png", "image/png", pngBytes(100)})
	req := newRequest("POST", "/api/v1/applications/"+no+"/files", body.String())
	req.Header.Set("Content-Type", ct)
	if w := do(s, req); w.Code != http.StatusNotFound {
		t.Errorf("without code: %d", w.Code)
	}
	if docs() != before {
		t.Errorf("stored without code")
	}
}
