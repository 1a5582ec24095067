package main

import (
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// restart stops the scenario's server and starts another on the same database at now (the
// rehearsal goes on some weeks later).
func (s *scenario) restart(now string) {
	s.t.Helper()
	s.srv.stop()
	s.t.Setenv("FOIDESK_NOW", now)
	srv := startServe(s.t, s.db)
	s.srv, s.clerk, s.sup = srv, srv.as(s.db, "clerk1"), srv.as(s.db, "sup1")
}

// docsOf returns the case's documents of kind.
func docsOf(c map[string]any, kind string) []map[string]any {
	var out []map[string]any
	docs, _ := c["documents"].([]any)
	for _, d := range docs {
		if m := d.(map[string]any); m["kind"] == kind {
			out = append(out, m)
		}
	}
	return out
}

func nextDay(d string) string {
	t, _ := time.Parse("2006-01-02", d)
	return t.AddDate(0, 0, 1).Format("2006-01-02")
}

// pdfToText extracts the text of a PDF with pdftotext (poppler-utils).
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = strings.NewReader(string(pdf))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), "")
}

// Art. 32, 33 (docs/rules.md §4): two third parties consulted; one objects early (recorded when it
// arrives), the other stays silent; the sweep after the due date records the silence and keeps the
// objection; the agency discloses over it — and the Art. 32 notice goes to the objector only.
func TestScenarioArt32_TwoPartiesOneObjectsOneSilent(t *testing.T) {
	s := newScenario(t, "2027-03-01T09:00:00+08:00")
	c := s.paper(s.clerk, "default", "resident_id", mod112("43010419800211101"), "2027-03-01")
	s.event(s.clerk, c, 200, "accept", nil)
	c = s.event(s.clerk, c, 200, "consult", map[string]any{"parties": []map[string]any{
		{"kind": "third_party", "name": "甲置业有限公司", "address": "清溪区某路1号"}, {"kind": "third_party", "name": "乙建设集团", "address": "清溪区某路2号"}}})
	due := c["consultation_due"].(string)
	c = s.event(s.clerk, c, 200, "record_answer", map[string]any{"name": "甲置业有限公司", "answer": "object", "text": "涉及商业秘密"})
	s.event(s.clerk, c, 409, "record_answer", map[string]any{"name": "甲置业有限公司", "answer": "agree"})
	if c["state"] != "consulting" {
		t.Fatalf("after one answer: %v", c["state"])
	}
	// The morning after the due date: the sweep on the real binary (FOIDESK_NOW).
	s.restart(nextDay(due) + "T08:40:00+08:00")
	code, out, errOut := run(t, "", "notify", "run-once", "--db", s.db)
	if code != 0 || !strings.Contains(out, "LAPSE consultation_done "+c["tracking_no"].(string)) {
		t.Fatalf("sweep: exit %d %q %s", code, out, errOut)
	}
	st, c := s.clerk.call("GET", fmt.Sprintf("/cases/%d", int64(c["id"].(float64))), nil)
	if st != 200 || c["state"] != "in_progress" {
		t.Fatalf("after the sweep: %d %v", st, c["state"])
	}
	s.event(s.clerk, c, 409, "record_answer", map[string]any{"name": "乙建设集团", "answer": "agree"})
	s.event(s.clerk, c, 200, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "该信息涉及公共利益，不公开可能对公共利益造成重大影响"})
	c = s.event(s.sup, c, 200, "approve", map[string]any{"opinion": "同意公开"})
	over := docsOf(c, "objection_override")
	if len(over) != 1 {
		t.Fatalf("objection_override notices: %v", over)
	}
	st, pdf := s.clerk.raw(over[0]["url"].(string))
	text := pdfToText(t, pdf)
	if st != http.StatusOK || !strings.Contains(text, "甲置业有限公司") || strings.Contains(text, "乙建设集团") {
		t.Errorf("the notice is not addressed to the objector alone: %d\n%s", st, text)
	}
}

// Art. 35 (docs/rules.md §4): reasons asked (说明理由通知书), not given within 15 working days →
// rejected.excessive, approved.
func TestScenarioArt35_ReasonsNotGivenExcessive(t *testing.T) {
	s := newScenario(t, "2027-03-01T09:00:00+08:00")
	c := s.paper(s.clerk, "default", "resident_id", mod112("43010419800211101"), "2027-03-01")
	s.event(s.clerk, c, 200, "accept", nil)
	draft := map[string]any{"outcome": "rejected.excessive", "reasons": "申请数量、频次明显超过合理范围，经要求未说明理由"}
	s.event(s.clerk, c, 409, "draft_reply", draft)
	c = s.event(s.clerk, c, 200, "ask_reasons", map[string]any{"text": "您本月已提出45件申请"})
	if len(docsOf(c, "reasons_notice")) != 1 {
		t.Fatalf("no reasons_notice: %v", c["documents"])
	}
	s.restart("2027-03-23T09:00:00+08:00") // 15 working days after 2027-03-01 end on 2027-03-22
	s.event(s.clerk, c, 200, "draft_reply", draft)
	c = s.event(s.sup, c, 200, "approve", nil)
	if c["state"] != "replied" || c["outcome"] != "rejected.excessive" || c["letter_no"] == "" {
		t.Fatalf("replied: %v %v %v", c["state"], c["outcome"], c["letter_no"])
	}
}
