package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

var newCodeRe = regexp.MustCompile(`[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}`)

// lastSecret returns the outbox message of a case carrying a new access code, and the code.
func lastSecret(t *testing.T, s *Server, db interface {
	CaseMessages(context.Context, int64) ([]cases.Message, error)
}, caseID int64) (cases.Message, string) {
	t.Helper()
	ms, err := db.CaseMessages(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if cases.IsSecretKind(ms[i].Kind) {
			return ms[i], newCodeRe.FindString(ms[i].Body)
		}
	}
	return cases.Message{}, ""
}

// POST /api/v1/track/recover (docs/api.md "JSON API"): the same 202 whether or not anything
// matched; on a match a new code sent to the contact given, the old one dead; 429 when throttled.
func TestAPIRecover(t *testing.T) {
	s, db := newTestServer(t)
	s.public.recoverDelay = 80 * time.Millisecond
	ctx := context.Background()
	no, code := apiApply(t, s, nil)
	kase, _ := db.CaseByTracking(ctx, no)
	recover := func(body map[string]any, mods ...func(*http.Request)) *responseRecorder {
		start := time.Now()
		w := postJSON(s, "/api/v1/track/recover", body, mods...)
		if el := time.Since(start); el < 80*time.Millisecond {
			t.Errorf("answered after %v", el)
		}
		return w
	}

	// No match: wrong contact, wrong identity number, unknown number. Nothing changes.
	var bodies []string
	for _, b := range []map[string]any{
		{"tracking_no": no, "id_number": validResidentID, "contact": "13900139000"},
		{"tracking_no": no, "id_number": "110105194912310021", "contact": "13800138000"},
		{"tracking_no": "GK2026999999", "id_number": validResidentID, "contact": "13800138000"},
		{"tracking_no": no, "id_number": validResidentID, "contact": "010-13800138"},
	} {
		w := recover(b)
		if w.Code != http.StatusAccepted {
			t.Fatalf("%v: %d %s", b, w.Code, w.Body)
		}
		bodies = append(bodies, w.Body.String())
	}
	if m, _ := lastSecret(t, s, db, kase.ID); m.ID != 0 {
		t.Fatalf("a code was sent without a match: %+v", m)
	}
	if w := get(s, "/api/v1/track/"+no, withCode(code)); w.Code != http.StatusOK {
		t.Fatalf("the code stopped working without a match: %d", w.Code)
	}

	// A match by phone, written as people write it: the same answer; a new code by SMS.
	w := recover(map[string]any{"tracking_no": strings.ToLower(no), "id_number": "１１０１０５１９４９１２３１００２ｘ", "contact": "+86 138-0013-8000"})
	if w.Code != http.StatusAccepted || w.Body.String() != bodies[0] || !strings.Contains(w.Body.String(), `"message"`) {
		t.Fatalf("match: %d %s (no match: %s)", w.Code, w.Body, bodies[0])
	}
	for _, b := range bodies {
		if b != bodies[0] {
			t.Errorf("bodies differ: %q", bodies)
		}
	}
	m, newCode := lastSecret(t, s, db, kase.ID)
	if m.Channel != cases.MessageSMS || m.Recipient != "13800138000" || m.Kind != "sms.access_code" || newCode == "" || len([]rune(m.Body)) > 70 {
		t.Fatalf("SMS %+v (%d characters)", m, len([]rune(m.Body)))
	}
	if w := get(s, "/api/v1/track/"+no, withCode(code)); w.Code != http.StatusNotFound {
		t.Errorf("the old code still works: %d", w.Code)
	}
	// X-Access-Code ignores case, spaces and hyphens.
	for _, c := range []string{newCode, strings.ToLower(newCode), strings.ReplaceAll(newCode, "-", " "), strings.ReplaceAll(newCode, "-", "")} {
		if w := get(s, "/api/v1/track/"+no, withCode(c)); w.Code != http.StatusOK {
			t.Errorf("new code %q: %d", c, w.Code)
		}
	}
	after, _ := db.CaseByTracking(ctx, no)
	last := after.Events[len(after.Events)-1]
	if last.Event != "access_code_reissued" || strings.Contains(string(last.Payload), newCode) {
		t.Errorf("event %s %s", last.Event, last.Payload)
	}

	// A match by e-mail, ignoring case: a new code by e-mail; the SMS code is dead.
	recover(map[string]any{"tracking_no": no, "id_number": validResidentID, "contact": "ZhangSan@Example.CN"})
	m2, code2 := lastSecret(t, s, db, kase.ID)
	if m2.Channel != cases.MessageEmail || m2.Recipient != "zhangsan@example.cn" || code2 == "" || code2 == newCode {
		t.Fatalf("e-mail %+v", m2)
	}
	if w := get(s, "/api/v1/track/"+no, withCode(newCode)); w.Code != http.StatusNotFound {
		t.Errorf("the SMS code still works: %d", w.Code)
	}

	// Missing fields: 422 naming them.
	w = postJSON(s, "/api/v1/track/recover", map[string]any{"tracking_no": no})
	if e := decodeError(t, w); w.Code != http.StatusUnprocessableEntity || e.Error.Fields["id_number"] == "" || e.Error.Fields["contact"] == "" {
		t.Errorf("missing: %d %s", w.Code, w.Body)
	}

	// Throttled: every attempt counts against the failed look-up limit.
	s.public.failLimit = 3
	ip := fromIP("192.0.2.55")
	for i := 0; i < 3; i++ {
		recover(map[string]any{"tracking_no": no, "id_number": validResidentID, "contact": "13900139000"}, ip)
	}
	w = postJSON(s, "/api/v1/track/recover", map[string]any{"tracking_no": no, "id_number": validResidentID, "contact": "13800138000"}, ip)
	ra, _ := strconv.Atoi(w.Header().Get("Retry-After"))
	if w.Code != http.StatusTooManyRequests || ra < 1 || decodeError(t, w).Error.Code != "ERATELIMIT" {
		t.Errorf("throttled: %d %q %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
}

// The page /track/recover: linked from the tracking page, the same answer for a match and none.
func TestRecoverPage(t *testing.T) {
	s, db := newTestServer(t)
	s.public.recoverDelay = 10 * time.Millisecond
	no, code := apiApply(t, s, nil)
	if w := get(s, "/track?no="+no); !strings.Contains(w.Body.String(), `href="/track/recover?no=`+no+`"`) {
		t.Errorf("no link from the tracking page")
	}
	for _, l := range []string{"", "?lang=en"} {
		w := get(s, "/track/recover"+l)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `name="contact"`) {
			t.Fatalf("%s: %d", l, w.Code)
		}
	}
	w := postForm(s, "/track/recover", map[string][]string{"tracking_no": {no}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "请填写证件号码") {
		t.Errorf("missing: %d", w.Code)
	}
	a := postForm(s, "/track/recover", map[string][]string{"tracking_no": {no}, "id_number": {validResidentID}, "contact": {"13900139000"}})
	b := postForm(s, "/track/recover", map[string][]string{"tracking_no": {no}, "id_number": {validResidentID}, "contact": {"138 0013 8000"}})
	if a.Code != http.StatusOK || b.Code != http.StatusOK || a.Body.String() != b.Body.String() || !strings.Contains(a.Body.String(), `id="recover-sent"`) {
		t.Errorf("answers differ: %d %d", a.Code, b.Code)
	}
	if w := get(s, "/api/v1/track/"+no, withCode(code)); w.Code != http.StatusNotFound {
		t.Errorf("old code alive after recovery: %d", w.Code)
	}
	_ = db
}
