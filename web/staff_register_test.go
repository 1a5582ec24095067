package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	cases "foidesk/case"
)

func paperForm() url.Values {
	return url.Values{
		"channel": {"post_registered"}, "received_on": {"2026-10-30"},
		"applicant.kind": {"organization"}, "applicant.name": {"望城律师事务所"}, "applicant.id_type": {"credit_code"},
		"applicant.id_number": {"91350100M000100Y43"}, "applicant.org_category": {"legal_service"}, "applicant.contact_name": {"王五"},
		"applicant.phone": {"0731-88886666"}, "applicant.address": {"望城区雷锋大道1号"}, "applicant.postcode": {"410200"},
		"description": {"请公开本区2025年行政复议案件的统计数据。"}, "delivery": {"post"}, "carrier": {"paper"},
	}
}

// A paper application is registered with its channel and receipt date, by the clerk who entered
// it, in state registered with the clock running from the receipt date.
func TestRegisterPaperForm(t *testing.T) {
	o := newOffice(t)
	b := o.as("clerk1")
	w := b.get("/staff/register")
	form := w.Body.String()
	i := strings.Index(form, `<select id="r-channel"`)
	if w.Code != http.StatusOK || i < 0 {
		t.Fatalf("form: %d", w.Code)
	}
	if sel := form[i : i+strings.Index(form[i:], "</select>")]; strings.Contains(sel, `value="online"`) || !strings.Contains(sel, `value="oral"`) {
		t.Errorf("channels offered: %s", sel)
	}
	w = b.post("/staff/register", paperForm())
	if w.Code != http.StatusSeeOther {
		t.Fatalf("register: %d %s", w.Code, pageText(w.Body.String()))
	}
	list, _, err := o.db.FindCases(o.ctx, cases.CaseFilter{})
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	c := o.load(list[0].ID)
	if c.State != cases.StateRegistered || c.Channel != "post_registered" || c.ReceivedOn.String() != "2026-10-30" || c.ReceivedBy != "clerk1" ||
		c.ReplyDue.String() != "2026-11-27" || c.Applicant.OrgCategory != "legal_service" {
		t.Fatalf("registered: %s %s %s %s %s", c.State, c.Channel, c.ReceivedOn, c.ReceivedBy, c.ReplyDue)
	}
	page := pageText(b.get(w.Header().Get("Location")).Body.String())
	if !strings.Contains(page, "已登记，申请编号 "+c.TrackingNo) || !strings.Contains(page, "clerk1 登记") {
		t.Errorf("case page after registering: %s", page)
	}

	// Errors next to their fields, the typed input kept, nothing stored.
	bad := paperForm()
	bad.Set("received_on", "2026-11-04")
	bad.Set("applicant.id_number", "91350100M000100Y44")
	bad.Set("channel", "online")
	bad.Set("description", "资料")
	w = b.post("/staff/register", bad)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad: %d", w.Code)
	}
	for _, want := range []string{`id="err-received_on"`, `id="err-applicant-id_number"`, `id="err-channel"`, `id="err-description"`,
		"收到申请的日期不得晚于今天", "统一社会信用代码校验位不正确", `value="望城律师事务所"`, `value="91350100M000100Y44"`,
		`<li><a href="#r-channel">`, `<li><a href="#r-applicant-id_number">`} {
		if !strings.Contains(body, want) {
			t.Errorf("refused form lacks %q", want)
		}
	}
	if i, j := strings.Index(body, `href="#r-channel"`), strings.Index(body, `href="#r-description"`); i < 0 || j < i {
		t.Error("the error summary is not in the order of the form")
	}
	if n, _ := o.db.CountCases(o.ctx, cases.CaseFilter{}); n != 1 {
		t.Errorf("a refused form stored a case: %d", n)
	}
	// Registering an online submission fires register from its case page (tested with the
	// actions); a supervisor cannot register (authorization table).
}
