package main

// End-to-end scenarios of docs/rules.md on the real binary (serve, the CLI) with FOIDESK_NOW: the
// hard cases an office meets — several agencies, restarts, foreign residents.

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// mod112 completes 17 digits with the ISO 7064 MOD 11-2 check character (居民身份证 and the 2023
// 外国人永久居留身份证), computed from its definition.
func mod112(body string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * ((1 << (17 - i)) % 11)
	}
	c := ((1-sum%11)%11 + 11) % 11
	if c == 10 {
		return body + "X"
	}
	return body + string(rune('0'+c))
}

// scenario is a database with two agencies (default and district), a clerk and a supervisor in
// each, and serve running on it at FOIDESK_NOW.
type scenario struct {
	t                          *testing.T
	db                         string
	srv                        *testServer
	clerk, sup, dclerk, dsuper *testServer
}

func newScenario(t *testing.T, now string) *scenario {
	t.Helper()
	needFont(t)
	t.Setenv("FOIDESK_NOW", now)
	db := filepath.Join(t.TempDir(), "scenario.db")
	if code, _, errOut := run(t, "", "--db", db, "agency", "add", "district", "--name", "清溪区人民政府"); code != 0 {
		t.Fatalf("agency add: %s", errOut)
	}
	addUser(t, db, "clerk1", "clerk")
	addUser(t, db, "sup1", "supervisor")
	for _, u := range []struct{ name, role string }{{"dclerk", "clerk"}, {"dsup", "supervisor"}} {
		if code, _, errOut := run(t, cliPassword+"\n", "--db", db, "user", "add", u.name, "--role", u.role, "--agency", "district"); code != 0 {
			t.Fatalf("user add %s: %s", u.name, errOut)
		}
	}
	srv := startServe(t, db)
	return &scenario{t: t, db: db, srv: srv, clerk: srv.as(db, "clerk1"), sup: srv.as(db, "sup1"), dclerk: srv.as(db, "dclerk"), dsuper: srv.as(db, "dsup")}
}

// paper registers an application received in person on day for the applicant with idNumber.
func (s *scenario) paper(as *testServer, agency, idType, idNumber, day string) map[string]any {
	s.t.Helper()
	st, c := as.call("POST", "/cases", map[string]any{
		"agency":      agency,
		"applicant":   map[string]any{"kind": "person", "name": "张伟", "id_type": idType, "id_number": idNumber, "phone": "13800138000"},
		"description": "申请公开清溪区2026年度城市更新项目的立项批复文件。", "delivery": "pickup", "carrier": "paper",
		"channel": "in_person", "received_on": day,
	})
	if st != http.StatusCreated {
		s.t.Fatalf("POST /cases: %d %v", st, c)
	}
	return c
}

// event fires an event and checks the status; it returns the case (or the error body).
func (s *scenario) event(as *testServer, c map[string]any, want int, event string, payload map[string]any) map[string]any {
	s.t.Helper()
	body := map[string]any{"event": event}
	for k, v := range payload {
		body[k] = v
	}
	st, out := as.call("POST", fmt.Sprintf("/cases/%v/events", c["id"]), body)
	if st != want {
		s.t.Fatalf("%s on %v: %d, want %d: %v", event, c["tracking_no"], st, want, out)
	}
	return out
}

func errFields(body map[string]any) map[string]any {
	e, _ := body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

// 国办函〔2020〕109号 (docs/rules.md §5): per-request fees count the requests to the same agency — the
// applicant's 11th request of the month to a department costs 100 元, the first to the district
// government nothing (422 fields.basis); one fee notice per handling (409).
func TestScenario109_FeesPerAgency(t *testing.T) {
	s := newScenario(t, "2027-03-15T09:00:00+08:00")
	id := mod112("43010419800211101")
	var last map[string]any
	for i := 0; i < 11; i++ {
		last = s.paper(s.clerk, "default", "resident_id", id, fmt.Sprintf("2027-03-%02d", 1+i))
	}
	dist := s.paper(s.dclerk, "district", "resident_id", id, "2027-03-12")
	s.event(s.dclerk, dist, 200, "accept", nil)
	if f := errFields(s.event(s.dclerk, dist, 422, "request_fee", map[string]any{"basis": "per_request"})); f["basis"] == nil {
		t.Errorf("district: fields %v", f)
	}
	if f := errFields(s.event(s.dclerk, dist, 422, "request_fee", map[string]any{"basis": "per_page", "pages": 2147483648000})); f["pages"] == nil {
		t.Errorf("absurd pages: fields %v", f)
	}
	s.event(s.clerk, last, 200, "accept", nil)
	c := s.event(s.clerk, last, 200, "request_fee", map[string]any{"basis": "per_request"})
	ev := c["events"].([]any)
	p := ev[len(ev)-1].(map[string]any)["payload"].(map[string]any)
	if c["state"] != "awaiting_fee" || p["amount"] != float64(100) || p["count"] != float64(11) {
		t.Fatalf("the 11th request: %v %v", c["state"], p)
	}
	s.event(s.clerk, last, 200, "fee_paid", map[string]any{"paid_on": "2027-03-15"})
	s.event(s.clerk, last, 409, "request_fee", map[string]any{"basis": "per_page", "pages": 100})
}

// Art. 30, 33 (docs/rules.md §4): an extension granted before a correction is dropped at the
// restart, and the restarted period may be extended once again.
func TestScenarioArt30_ExtensionCorrectionExtension(t *testing.T) {
	s := newScenario(t, "2027-03-02T09:00:00+08:00")
	c := s.paper(s.clerk, "default", "resident_id", mod112("43010419800211101"), "2027-03-01")
	c = s.event(s.sup, c, 200, "extend", map[string]any{"days": 10, "reason": "需要调取档案"})
	if c["extended_days"] != float64(10) {
		t.Fatalf("extended %v", c["extended_days"])
	}
	s.event(s.clerk, c, 200, "request_correction", map[string]any{"items": []string{"请写明所需文件的名称或文号"}})
	c = s.event(s.clerk, c, 200, "submit_correction", map[string]any{"received_on": "2027-03-02", "text": "《清溪区城市更新项目立项批复》"})
	if c["extended_days"] != float64(0) || c["clock_start"] != "2027-03-02" || c["reply_due"] != "2027-03-30" {
		t.Fatalf("after the restart: extended %v, start %v, due %v", c["extended_days"], c["clock_start"], c["reply_due"])
	}
	c = s.event(s.sup, c, 200, "extend", map[string]any{"days": 20, "reason": "涉及多个部门"})
	if c["extended_days"] != float64(20) || c["reply_due"] != "2027-04-28" {
		t.Fatalf("the new extension: %v %v", c["extended_days"], c["reply_due"])
	}
	s.event(s.sup, c, 409, "extend", map[string]any{"days": 1, "reason": "再延"})
}

// Art. 27, 29, 31 (docs/rules.md §1, §2): a foreign permanent resident with the 2023 card applies
// online; the clerk registers the submission, received that day; the same number given as a
// 居民身份证 is refused.
func TestScenarioArt29_ForeignPermanentResidentOnline(t *testing.T) {
	s := newScenario(t, "2027-03-10T09:00:00+08:00")
	card := mod112("93184019850214001")
	app := map[string]any{
		"agency":      "default",
		"applicant":   map[string]any{"kind": "person", "name": "JOHN SMITH", "id_type": "resident_id", "id_number": card, "phone": "13800138000", "email": "js@example.com"},
		"description": "申请公开本区2026年外籍人员子女学校招生政策文件。", "delivery": "email", "carrier": "electronic",
	}
	pub := *s.srv
	pub.token = ""
	if st, body := pub.call("POST", "/applications", app); st != http.StatusUnprocessableEntity || errFields(body)["applicant.id_number"] == nil {
		t.Fatalf("the card as a 居民身份证: %d %v", st, body)
	}
	app["applicant"].(map[string]any)["id_type"] = "foreign_pr"
	st, body := pub.call("POST", "/applications", app)
	if st != http.StatusCreated {
		t.Fatalf("POST /applications: %d %v", st, body)
	}
	c := s.event(s.clerk, body, 200, "register", nil)
	a := c["applicant"].(map[string]any)
	if c["state"] != "registered" || c["received_on"] != "2027-03-10" || a["id_type"] != "foreign_pr" || !strings.HasPrefix(fmt.Sprint(a["id_number"]), "9") {
		t.Fatalf("registered: %v %v %v", c["state"], c["received_on"], a)
	}
}
