package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	cases "foidesk/case"
)

// The states a test case can be put in, through the store as clerk1 and sup1.
func (o *office) inState(state cases.State) *cases.Case {
	o.t.Helper()
	var c *cases.Case
	switch state {
	case cases.StateSubmitted:
		app := paperApp("2026-11-02")
		app.Channel, app.ReceivedOn = "", cases.Date{}
		sub, _, err := o.db.CreateApplication(o.ctx, app)
		if err != nil {
			o.t.Fatal(err)
		}
		return o.load(sub.ID)
	case cases.StateRegistered:
		return o.register("2026-11-02")
	case cases.StateInProgress:
		c = o.register("2026-11-02")
		o.fire(c.ID, "clerk1", "accept", nil)
	case cases.StateAwaitingCorrection:
		c = o.register("2026-11-02")
		o.fire(c.ID, "clerk1", "request_correction", map[string]any{"items": []string{"请明确所需文件的名称"}})
	case cases.StateConsulting:
		c = o.inState(cases.StateInProgress)
		o.fire(c.ID, "clerk1", "consult", map[string]any{"parties": []map[string]string{{"kind": "third_party", "name": "某建设公司"}}})
	case "reasons_asked":
		c = o.inState(cases.StateInProgress)
		o.fire(c.ID, "clerk1", "ask_reasons", map[string]any{"text": "本月已提交同类申请52件"})
	case "organisation":
		app := paperApp("2026-11-02")
		app.Applicant = cases.Applicant{Kind: cases.KindOrganization, Name: "某律师事务所", IDType: cases.IDCredit, IDNumber: "91350100M000100Y43",
			OrgCategory: "business", ContactName: "王律师", Phone: "13800138000", Email: "law@example.cn"}
		reg, err := o.db.RegisterPaper(o.ctx, app, o.actor("clerk1"))
		if err != nil {
			o.t.Fatal(err)
		}
		c = reg
	case "consulting_two": // two parties, neither has answered
		c = o.inState(cases.StateInProgress)
		o.fire(c.ID, "clerk1", "consult", map[string]any{"parties": []map[string]string{{"kind": "third_party", "name": "某建设公司"}, {"kind": "agency", "name": "区财政局"}}})
	case cases.StateAwaitingFee:
		c = o.inState(cases.StateInProgress)
		o.fire(c.ID, "clerk1", "request_fee", map[string]any{"basis": "per_page", "pages": 50})
	case cases.StatePendingApproval:
		c = o.inState(cases.StateInProgress)
		o.fire(c.ID, "clerk1", "draft_reply", map[string]any{"outcome": "disclose", "reasons": "经审查，予以公开。"})
	case cases.StateReplied:
		c = o.inState(cases.StatePendingApproval)
		o.fire(c.ID, "sup1", "approve", nil)
	case "delivered":
		c = o.inState(cases.StateReplied)
		o.fire(c.ID, "clerk1", "record_delivery", map[string]any{"way": "email", "delivered_on": "2026-11-03"})
	case cases.StateClosed:
		c = o.register("2026-11-02")
		o.fire(c.ID, "clerk1", "withdraw", map[string]any{"reason": "申请人撤回"})
	default:
		o.t.Fatalf("no such state %s", state)
	}
	return o.load(c.ID)
}

var versionRE = regexp.MustCompile(`name="expected_version" value="(\d+)"`)

// formOf opens the case page as the browser's user and returns the action form's expected
// version; it fails when the page offers no form for the action.
func formOf(t *testing.T, b *browser, id int64, event string) string {
	t.Helper()
	w := b.get("/staff/cases/" + strconv.FormatInt(id, 10))
	if w.Code != http.StatusOK {
		t.Fatalf("case page: %d", w.Code)
	}
	body := w.Body.String()
	i := strings.Index(body, `id="form-`+event+`"`)
	if i < 0 {
		t.Fatalf("the case page offers no form for %s", event)
	}
	m := versionRE.FindStringSubmatch(body[i:])
	if m == nil {
		t.Fatalf("form %s has no expected_version", event)
	}
	return m[1]
}

// postAction submits an action form.
func postAction(b *browser, id int64, event, version string, form url.Values) (int, string, string) {
	f := url.Values{"event": {event}, "expected_version": {version}}
	for k, v := range form {
		f[k] = v
	}
	w := b.post("/staff/cases/"+strconv.FormatInt(id, 10)+"/events", f)
	return w.Code, w.Header().Get("Location"), w.Body.String()
}

type actionCase struct {
	event   string
	who     string
	state   cases.State // where the action succeeds
	good    url.Values  // the form filled correctly
	want    cases.State // the state after it
	bad     url.Values  // a bad payload (422); nil: a bad expected_version instead
	badEcho string      // typed input the refused page must keep
	illegal cases.State // a state where the action is not allowed (409); "" when allowed everywhere
}

var actionCases = []actionCase{
	{"register", "clerk1", cases.StateSubmitted, url.Values{}, cases.StateRegistered, nil, "", cases.StateRegistered},
	{"discard", "clerk1", cases.StateSubmitted, url.Values{"reason": {"垃圾信息"}}, cases.StateDiscarded, url.Values{"reason": {" "}}, "", cases.StateRegistered},
	{"withdraw", "clerk1", cases.StateInProgress, url.Values{"reason": {"申请人书面撤回"}}, cases.StateClosed, nil, "", cases.StateReplied},
	{"request_correction", "clerk1", cases.StateRegistered, url.Values{"items": {"请补充身份证明复印件\r\n请明确所需文件的名称或文号"}, "period_days": {"15"}}, cases.StateAwaitingCorrection,
		url.Values{"items": {""}, "period_days": {"90"}}, "90", cases.StatePendingApproval},
	{"submit_correction", "clerk1", cases.StateAwaitingCorrection, url.Values{"received_on": {"2026-11-03"}, "text": {"申请人补充了文件名称"}}, cases.StateRegistered,
		url.Values{"received_on": {"2026/11/03"}, "text": {"补正内容甲"}}, "补正内容甲", cases.StateRegistered},
	{"accept", "clerk1", cases.StateRegistered, url.Values{"assignee": {"clerk2"}}, cases.StateInProgress, url.Values{"assignee": {"nobody"}}, "", cases.StateInProgress},
	{"consult", "clerk1", cases.StateInProgress, url.Values{"party_kind": {"third_party", "agency", "third_party"}, "party_name": {"某建设公司", "区财政局", ""}, "party_address": {"望城区某路1号", "", ""}}, cases.StateConsulting,
		url.Values{"party_kind": {"third_party"}, "party_name": {""}}, "", cases.StateRegistered},
	{"record_answer", "clerk1", "consulting_two", url.Values{"name": {"某建设公司"}, "answer": {"object"}, "text": {"涉及商业秘密"}}, cases.StateConsulting,
		url.Values{"name": {"某建设公司"}, "answer": {"silence"}, "text": {"意见乙"}}, "意见乙", cases.StateInProgress},
	{"consultation_done", "clerk1", cases.StateConsulting, url.Values{"answer_0": {"agree"}, "answer_text_0": {"同意公开"}}, cases.StateInProgress,
		url.Values{"answer_0": {"silence"}, "answer_text_0": {"未答复甲"}}, "未答复甲", cases.StateInProgress},
	{"request_fee", "clerk1", cases.StateInProgress, url.Values{"basis": {"per_page"}, "pages": {"50"}}, cases.StateAwaitingFee, url.Values{"basis": {"per_page"}, "pages": {"10"}}, "", cases.StateRegistered},
	{"fee_paid", "clerk1", cases.StateAwaitingFee, url.Values{"paid_on": {"2026-11-03"}}, cases.StateInProgress, url.Values{"paid_on": {""}}, "", cases.StateInProgress},
	{"extend", "sup1", cases.StateInProgress, url.Values{"days": {"10"}, "reason": {"需要调取档案"}}, cases.StateInProgress, url.Values{"days": {"30"}, "reason": {"理由甲"}}, "理由甲", cases.StateReplied},
	{"set_reply_period", "sup1", cases.StateInProgress, url.Values{"due_on": {"2027-01-29"}, "reason": {"申请内容数量巨大"}}, cases.StateInProgress, url.Values{"due_on": {"2026-11-04"}, "reason": {"理由乙"}}, "理由乙", cases.StateRegistered},
	{"ask_reasons", "clerk1", cases.StateInProgress, url.Values{"text": {"本月已提交同类申请52件"}, "period_days": {"15"}}, cases.StateInProgress,
		url.Values{"text": {"情况甲"}, "period_days": {"90"}}, "情况甲", cases.StateReplied},
	{"reasons_received", "clerk1", "reasons_asked", url.Values{"received_on": {"2026-11-03"}, "text": {"学术研究需要"}}, cases.StateInProgress,
		url.Values{"received_on": {"2026/11/03"}, "text": {"理由戊"}}, "理由戊", cases.StateReplied},
	{"draft_reply", "clerk1", cases.StateInProgress, url.Values{"outcome": {"disclose"}, "reasons": {"经审查，予以公开。"}, "legal_basis": {"第二十七条"}}, cases.StatePendingApproval,
		url.Values{"outcome": {"nonsense"}, "reasons": {"理由丙"}}, "理由丙", cases.StatePendingApproval},
	{"withdraw_draft", "clerk1", cases.StatePendingApproval, url.Values{"reason": {"需补充附件"}}, cases.StateInProgress, nil, "", cases.StateInProgress},
	{"set_category", "clerk1", "organisation", url.Values{"org_category": {"legal_service"}, "reason": {"律师事务所属法律服务机构"}}, cases.StateRegistered,
		url.Values{"org_category": {"law_firm"}, "reason": {"理由己"}}, "理由己", cases.StateSubmitted},
	{"return", "sup1", cases.StatePendingApproval, url.Values{"comment": {"请补充法律依据"}}, cases.StateInProgress, url.Values{"comment": {""}}, "", cases.StateInProgress},
	{"approve", "sup1", cases.StatePendingApproval, url.Values{"confirm": {"1"}}, cases.StateReplied, nil, "", cases.StateInProgress},
	{"record_delivery", "clerk1", cases.StateReplied, url.Values{"way": {"post"}, "delivered_on": {"2026-11-03"}, "proof.kind": {"ems"}, "proof.number": {"1234567890"}}, cases.StateReplied,
		url.Values{"way": {"pigeon"}, "delivered_on": {"2026-11-02"}}, "2026-11-02", cases.StatePendingApproval},
	{"archive", "clerk1", "delivered", url.Values{}, cases.StateArchived, nil, "", cases.StateInProgress},
	{"reopen", "sup1", cases.StateReplied, url.Values{"reason": {"复议决定责令重新答复"}}, cases.StateInProgress, url.Values{"reason": {""}, "due_on": {"2026-12-31"}}, "2026-12-31", cases.StateInProgress},
	{"reassign", "sup1", cases.StateInProgress, url.Values{"assignee": {"clerk2"}}, cases.StateInProgress, url.Values{"assignee": {"nobody"}}, "", cases.StateReplied},
	{"add_note", "clerk1", cases.StateRegistered, url.Values{"text": {"申请人来电询问进度。"}}, cases.StateRegistered, url.Values{"text": {" "}}, "", ""},
	{"amend", "clerk1", cases.StateRegistered, url.Values{"received_on": {"2026-11-01"}, "reason": {"挂号信签收日期录入错误"}}, cases.StateRegistered,
		url.Values{"received_on": {"2026-11-04"}, "reason": {"理由庚"}}, "理由庚", ""},
	{"record_remedy", "clerk1", cases.StateReplied, url.Values{"kind": {"reconsideration"}, "filed_on": {"2026-11-03"}, "result": {"pending"}}, cases.StateReplied,
		url.Values{"kind": {"appeal"}, "filed_on": {"2026-11-03"}}, "", cases.StateSubmitted},
}

// Every action of the case page through the real router: the form the page offers succeeds;
// the same form on a case where the action is not allowed is refused with 409; a bad payload
// is refused with 422 and the typed input kept; a refusal changes nothing.
func TestCasePageActions(t *testing.T) {
	o := newOffice(t)
	browsers := map[string]*browser{"clerk1": o.as("clerk1"), "sup1": o.as("sup1")}
	seen := map[string]bool{}
	for _, ac := range actionCases {
		t.Run(ac.event, func(t *testing.T) {
			seen[ac.event] = true
			b := browsers[ac.who]

			// Success from the form the page offers.
			c := o.inState(ac.state)
			v := formOf(t, b, c.ID, ac.event)
			code, loc, body := postAction(b, c.ID, ac.event, v, ac.good)
			if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/cases/") {
				t.Fatalf("success: %d %s", code, pageText(body))
			}
			after := o.load(c.ID)
			if after.State != ac.want || after.EventCount != c.EventCount+1 || after.Events[len(after.Events)-1].Event != cases.EventName(ac.event) {
				t.Fatalf("after %s: state %s events %d→%d", ac.event, after.State, c.EventCount, after.EventCount)
			}
			page := b.get(strings.SplitN(loc, "#", 2)[0]).Body.String()
			if !strings.Contains(page, `id="flash"`) || !strings.Contains(page, `data-event="`+ac.event+`"`) {
				t.Errorf("the case page after %s shows no confirmation or timeline entry", ac.event)
			}

			// Bad payload: 422, nothing changed, input kept.
			c = o.inState(ac.state)
			v = formOf(t, b, c.ID, ac.event)
			bad := ac.bad
			if bad == nil {
				bad, v = ac.good, "not-a-number"
			}
			code, _, body = postAction(b, c.ID, ac.event, v, bad)
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("bad payload: %d %s", code, pageText(body))
			}
			unchanged(t, o, c)
			if !strings.Contains(body, `role="alert"`) || !strings.Contains(body, `id="act-`+ac.event+`" open`) {
				t.Errorf("refused page shows no error or keeps the form closed")
			}
			if ac.badEcho != "" && !strings.Contains(body, ac.badEcho) {
				t.Errorf("refused page lost the typed input %q", ac.badEcho)
			}

			// Illegal in this state or history: 409, nothing changed, no form offered.
			if ac.illegal == "" {
				return
			}
			c = o.inState(ac.illegal)
			page = b.get("/staff/cases/" + strconv.FormatInt(c.ID, 10)).Body.String()
			if strings.Contains(page, `id="form-`+ac.event+`"`) {
				t.Errorf("the page offers %s in state %s", ac.event, c.State)
			}
			code, _, body = postAction(b, c.ID, ac.event, strconv.Itoa(c.Version), ac.good)
			if code != http.StatusConflict {
				t.Fatalf("illegal in %s: %d %s", ac.illegal, code, pageText(body))
			}
			unchanged(t, o, c)
		})
	}
	for _, ev := range actionOrder {
		if !seen[string(ev)] {
			t.Errorf("action %s not tested", ev)
		}
	}
}

func unchanged(t *testing.T, o *office, before *cases.Case) {
	t.Helper()
	now := o.load(before.ID)
	if now.State != before.State || now.Version != before.Version || now.EventCount != before.EventCount || now.ReplyDue != before.ReplyDue ||
		len(now.Documents) != len(before.Documents) {
		t.Errorf("the refusal changed the case: state %s→%s version %d→%d events %d→%d", before.State, now.State, before.Version, now.Version, before.EventCount, now.EventCount)
	}
}

// approve is refused (403) to a supervisor who drafted the reply, and the page does not offer it.
func TestApproveRefusedToDrafter(t *testing.T) {
	o := newOffice(t)
	rs := []string{cases.RoleClerk, cases.RoleSupervisor}
	if _, err := o.db.UpdateUser(o.ctx, o.users["clerk2"].ID, cases.UserPatch{Roles: &rs}); err != nil {
		t.Fatal(err)
	}
	c := o.inState(cases.StateInProgress)
	o.fire(c.ID, "clerk2", "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。"})
	c = o.load(c.ID)
	b := o.as("clerk2")
	if page := b.get("/staff/cases/" + strconv.FormatInt(c.ID, 10)).Body.String(); strings.Contains(page, `id="form-approve"`) {
		t.Error("the drafter is offered approve")
	}
	code, _, body := postAction(b, c.ID, "approve", strconv.Itoa(c.Version), url.Values{})
	if code != http.StatusForbidden || !strings.Contains(body, "拟稿人不能审批") {
		t.Fatalf("drafter approving: %d %s", code, pageText(body))
	}
	unchanged(t, o, c)
	// A clerk is never offered approve and is refused with 403.
	b1 := o.as("clerk1")
	code, _, _ = postAction(b1, c.ID, "approve", strconv.Itoa(c.Version), url.Values{})
	if code != http.StatusForbidden {
		t.Fatalf("clerk approving: %d", code)
	}
	unchanged(t, o, c)
}

// A stale form (the case changed since the page was shown) is refused with 409.
func TestStaleFormRefused(t *testing.T) {
	o := newOffice(t)
	c := o.inState(cases.StateRegistered)
	b := o.as("clerk1")
	v := formOf(t, b, c.ID, "add_note")
	o.fire(c.ID, "clerk2", "add_note", map[string]any{"text": "并发修改"})
	c = o.load(c.ID)
	code, _, body := postAction(b, c.ID, "add_note", v, url.Values{"text": {"我的备注"}})
	if code != http.StatusConflict || !strings.Contains(body, "我的备注") {
		t.Fatalf("stale form: %d", code)
	}
	unchanged(t, o, c)
}

// The fee form shows the applicant's count this month and the amount before the clerk confirms.
func TestFeePreview(t *testing.T) {
	o := newOffice(t)
	c := o.inState(cases.StateInProgress)
	b := o.as("clerk1")
	page := b.get("/staff/cases/" + strconv.FormatInt(c.ID, 10)).Body.String()
	if !strings.Contains(pageText(page), "本月收到的第 1 件申请；按件计收，本件应收 0 元") {
		t.Errorf("month count not shown: %s", pageText(page))
	}
	v := formOf(t, b, c.ID, "request_fee")
	code, _, body := postAction(b, c.ID, "request_fee", v, url.Values{"basis": {"per_page"}, "pages": {"250"}, "preview": {"1"}})
	if code != http.StatusOK || !strings.Contains(pageText(body), "按按量计收计算，应收 4700 元") {
		t.Fatalf("preview: %d %s", code, pageText(body))
	}
	unchanged(t, o, c)
}
