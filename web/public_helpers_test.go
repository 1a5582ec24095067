package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/store"
)

// Helpers of the public pages' and API's tests.

const (
	validResidentID = "11010519491231002X"
	validCreditCode = "91350100M000100Y43"
)

// pngBytes is n bytes starting with the PNG signature; pdfBytes likewise a PDF.
func pngBytes(n int) []byte {
	b := make([]byte, max(n, 8))
	copy(b, "\x89PNG\r\n\x1a\n")
	return b
}

func pdfBytes(n int) []byte {
	b := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
	for len(b) < n-6 {
		b = append(b, ' ')
	}
	return append(b, "%%EOF\n"...)
}

// personForm is a valid person's application as the form posts it.
func personForm() url.Values {
	return url.Values{
		keyKind: {"person"}, keyName: {"张三"}, keyIDType: {"resident_id"}, keyIDNumber: {validResidentID},
		keyPhone: {"13800138000"}, keyEmail: {"zhangsan@example.cn"},
		keyDescription: {"请公开2025年本区老旧小区改造项目的资金使用情况。"}, keyDelivery: {"email"}, keyCarrier: {"electronic"},
	}
}

// orgForm is a valid organisation's application as the form posts it.
func orgForm() url.Values {
	return url.Values{
		keyKind: {"organization"}, keyName: {"某某律师事务所"}, keyIDType: {"credit_code"}, keyIDNumber: {validCreditCode},
		keyOrgCategory: {"legal_service"}, keyLegalRep: {"李四"}, keyContactName: {"王五"}, keyPhone: {"010-12345678"},
		keyAddress: {"北京市东城区某某路1号"}, keyPostcode: {"100010"},
		keyDescription: {"2024年度本区行政处罚案件的统计数据。"}, keyPurpose: {"研究"}, keyDelivery: {"post"}, keyCarrier: {"paper"},
	}
}

// personJSON is a valid person's application for the API.
func personJSON() map[string]any {
	return map[string]any{
		"applicant":   map[string]any{"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": validResidentID, "phone": "13800138000", "email": "zhangsan@example.cn"},
		"description": "请公开2025年本区老旧小区改造项目的资金使用情况。", "delivery": "email", "carrier": "electronic",
	}
}

type fileField struct {
	name, filename, contentType string
	body                        []byte
}

// multipartBody encodes fields and files as multipart/form-data (fields first, as browsers send
// them in the order of the form).
func multipartBody(t *testing.T, v url.Values, files ...fileField) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range v {
		for _, x := range vs {
			w.WriteField(k, x)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+f.name+`"; filename="`+f.filename+`"`)
		h.Set("Content-Type", f.contentType)
		p, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		p.Write(f.body)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

// do serves one request through the whole handler (cross-origin protection included).
func do(s *Server, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

func postForm(s *Server, path string, v url.Values, mods ...func(*http.Request)) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, m := range mods {
		m(req)
	}
	return do(s, req)
}

func postMultipart(t *testing.T, s *Server, path string, v url.Values, files []fileField, mods ...func(*http.Request)) *httptest.ResponseRecorder {
	body, ct := multipartBody(t, v, files...)
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", ct)
	for _, m := range mods {
		m(req)
	}
	return do(s, req)
}

func postJSON(s *Server, path string, body any, mods ...func(*http.Request)) *httptest.ResponseRecorder {
	b, _ := json.Marshal(body)
	req := httptest.NewRequest("POST", path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for _, m := range mods {
		m(req)
	}
	return do(s, req)
}

func get(s *Server, path string, mods ...func(*http.Request)) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for _, m := range mods {
		m(req)
	}
	return do(s, req)
}

func fromIP(ip string) func(*http.Request) {
	return func(r *http.Request) { r.RemoteAddr = ip + ":40000" }
}

func withCode(code string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("X-Access-Code", code) }
}

func withCookies(cs []*http.Cookie) func(*http.Request) {
	return func(r *http.Request) {
		for _, c := range cs {
			r.AddCookie(c)
		}
	}
}

// apiApply submits personJSON (changed by change) and returns the tracking number and code.
func apiApply(t *testing.T, s *Server, change func(map[string]any)) (string, string) {
	t.Helper()
	body := personJSON()
	if change != nil {
		change(body)
	}
	w := postJSON(s, "/api/v1/applications", body)
	if w.Code != http.StatusCreated {
		t.Fatalf("apply: %d %s", w.Code, w.Body)
	}
	var out struct {
		ID         int64  `json:"id"`
		TrackingNo string `json:"tracking_no"`
		AccessCode string `json:"access_code"`
		State      string `json:"state"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out.TrackingNo, out.AccessCode
}

// errorBody decodes an API error.
type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func decodeError(t *testing.T, w *httptest.ResponseRecorder) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("not an error body: %s", w.Body)
	}
	return e
}

// staffActor creates a staff user with roles and returns it as an actor.
func staffActor(t *testing.T, db *store.DB, name string, roles ...string) cases.Actor {
	t.Helper()
	ctx := context.Background()
	a, err := db.AgencyByCode(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, name, "correct horse battery staple", roles, a.ID, name)
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor()
}

// fire fires a staff event on the case with tracking number no.
func fire(t *testing.T, db *store.DB, no, event string, payload any, actor cases.Actor) *cases.Case {
	t.Helper()
	ctx := context.Background()
	c, err := db.CaseByTracking(ctx, no)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(payload)
	out, err := db.TransitionCase(ctx, c.ID, cases.EventRequest{Event: cases.EventName(event), Payload: b}, actor, db.Now())
	if err != nil {
		t.Fatalf("%s: %v", event, err)
	}
	return out
}

// countCases counts every case of the database.
func countCases(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.CountCases(context.Background(), cases.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// updateSettings changes the default agency's settings.
func updateSettings(t *testing.T, db *store.DB, change func(*cases.Settings)) {
	t.Helper()
	ctx := context.Background()
	a, err := db.AgencyByCode(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	change(&a.Settings)
	if err := db.UpdateAgency(ctx, a); err != nil {
		t.Fatal(err)
	}
}

// testClock is a settable clock for the rate limits.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var (
	reTrackingNo = regexp.MustCompile(`id="tracking-no">([A-Z0-9]+)<`)
	reAccessCode = regexp.MustCompile(`id="access-code"[^>]*>([A-Z0-9 -]+)<`)
)

// confirmed extracts the tracking number and access code of a confirmation page.
func confirmed(t *testing.T, w *httptest.ResponseRecorder) (string, string) {
	t.Helper()
	no := reTrackingNo.FindStringSubmatch(w.Body.String())
	code := reAccessCode.FindStringSubmatch(w.Body.String())
	if no == nil || code == nil {
		t.Fatalf("no confirmation (%d): %s", w.Code, w.Body)
	}
	return no[1], strings.ReplaceAll(code[1], "-", "")
}

type responseRecorder = httptest.ResponseRecorder

func newRequest(method, path, body string) *http.Request {
	return httptest.NewRequest(method, path, strings.NewReader(body))
}
