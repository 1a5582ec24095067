package web

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	cases "foidesk/case"
)

// The office's day in a browser: a clerk registers a paper application, asks for a correction,
// records the correction when it arrives, accepts and drafts a reply; a supervisor approves it.
// After each step the queue shows the case in the tab of its stage.
func TestBrowserStaffFlow(t *testing.T) {
	o := newOffice(t)
	seedQueue(t, o)
	ts := httptest.NewServer(o.s)
	defer ts.Close()
	ctx := newBrowser(t, 1280, 1000)
	u := ts.URL

	login := func(name string) {
		browse(t, ctx, "login "+name,
			chromedp.Navigate(u+"/login"),
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), name),
			chromedp.SendKeys(chromedp.ID("password"), testPassword),
			chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)),
			arrive(chromedp.CSS(`nav.staffnav`)))
	}
	var tracking, casePath string
	inTab := func(tab string) {
		t.Helper()
		browse(t, ctx, "queue tab "+tab,
			chromedp.Navigate(u+"/staff/queue?tab="+tab),
			chromedp.WaitVisible(chromedp.ID("tab-title")))
		body := browserText(t, ctx, "main")
		if !strings.Contains(body, tracking) {
			t.Fatalf("tab %s does not list %s:\n%s", tab, tracking, body)
		}
		// The tab's own count is shown and the case's row links to it.
		browse(t, ctx, "row link", chromedp.WaitVisible(chromedp.CSS(`a[href="`+casePath+`"]`)))
	}
	act := func(event string, fill ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(u + casePath),
			chromedp.WaitVisible(chromedp.CSS(`#act-` + event + ` > summary`)),
			chromedp.Click(chromedp.CSS(`#act-` + event + ` > summary`)),
		}
		steps = append(steps, fill...)
		if event == "approve" { // the confirmation step shows the letter to be issued first
			steps = append(steps, chromedp.Click(chromedp.CSS(`#form-approve button[type=submit]`)), arrive(chromedp.ID("approve-letter")))
		}
		steps = append(steps,
			chromedp.Click(chromedp.CSS(`#form-`+event+` button[type=submit]:not([name])`)),
			arrive(chromedp.ID("flash")))
		browse(t, ctx, event, steps...)
		if msg := browserText(t, ctx, "#flash"); !strings.Contains(msg, eventLabel(cases.EventName(event), "zh")) {
			t.Fatalf("%s: flash %q", event, msg)
		}
	}
	state := func(want string) {
		t.Helper()
		if got := browseGet(t, ctx, "case state", chromedp.AttributeValue(chromedp.ID("case-state"), "data-state")); got.Value != want {
			t.Fatalf("state %q, want %s", got.Value, want)
		}
	}

	// 1. The clerk registers a letter received by registered post yesterday.
	login("clerk1")
	browse(t, ctx, "register", registerByPost(u, "2026-11-02", "陈小梅", "请提供我家所在小区2025年加装电梯的审批文件。"), arrive(chromedp.ID("case-state")))
	state(cases.StateRegistered)
	loc := browseGet(t, ctx, "location", chromedp.Location())
	casePath = strings.TrimPrefix(loc, u)
	tracking = strings.Fields(browserText(t, ctx, "h1"))[0]
	if due := browserText(t, ctx, ".deadline .big"); !strings.Contains(due, "2026-11-30") {
		t.Fatalf("deadline %q", due)
	}
	inTab("registered")

	// 2. It lacks the document's name: the clerk asks for a correction.
	act("request_correction", chromedp.SendKeys(chromedp.ID("f-request_correction-items"), "请写明所需审批文件的名称或文号\n请提供房屋所有权证明"))
	state(cases.StateAwaitingCorrection)
	inTab("paused")

	// 3. The correction arrives by post; the clerk records it (the clock restarts).
	act("submit_correction", chromedp.SendKeys(chromedp.ID("f-submit_correction-text"), "申请人来信写明：望城区住建局2025年第12号批复。"))
	state(cases.StateRegistered)
	inTab("registered")

	// 4. The clerk accepts the case and drafts the reply.
	act("accept")
	state(cases.StateInProgress)
	inTab("mine")
	inTab("in_progress")
	act("draft_reply",
		chromedp.SetValue(chromedp.ID("f-draft_reply-outcome"), "disclose"),
		chromedp.SendKeys(chromedp.ID("f-draft_reply-reasons"), "经审查，您申请的信息属于可以公开的政府信息，现予以提供。"))
	state(cases.StatePendingApproval)
	inTab("pending_approval")
	if strings.Contains(browserText(t, ctx, "main"), "审批通过") {
		t.Log("note: the queue mentions approval text")
	}
	browse(t, ctx, "no approve for the drafter", chromedp.Navigate(u+casePath), chromedp.WaitVisible(chromedp.ID("actions")))
	if html := browseGet(t, ctx, "actions", chromedp.OuterHTML(chromedp.ID("actions"))); strings.Contains(html, `id="form-approve"`) {
		t.Fatal("the clerk is offered approve")
	}
	shots(t, ctx, u, "case-pending", casePath)

	// 5. The supervisor approves it from the approval queue.
	browse(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form.logout button`)), arrive(chromedp.ID("username")))
	login("sup1")
	inTab("pending_approval")
	act("approve")
	state(cases.StateReplied)
	inTab("replied")
	if body := browserText(t, ctx, "main"); !strings.Contains(body, tracking) {
		t.Fatal("replied tab")
	}
	shots(t, ctx, u, "queue", "/staff/queue?tab=in_progress")
	shots(t, ctx, u, "case", casePath)
	shots(t, ctx, u, "overview", "/staff/overview")
}

// seedQueue adds a few cases with different applicants and deadlines so the queue looks real.
func seedQueue(t *testing.T, o *office) {
	apps := []struct{ name, desc, received, assignee string }{
		{"刘建国", "请公开望城区2025年度财政预算执行情况审计报告。", "2026-10-09", "clerk1"},
		{"湖南某某建设工程有限公司", "请提供本公司参与投标的2026年道路改造工程评标报告。", "2026-09-29", "clerk2"},
		{"王芳", "请公开本社区2026年低保对象名单的公示文件。", "2026-10-28", "clerk1"},
		{"赵磊", "请提供2025年本区环境空气质量监测月报。", "2026-11-02", "clerk2"},
	}
	for _, a := range apps {
		app := paperApp(a.received)
		app.Applicant.Name, app.Description = a.name, a.desc
		if strings.Contains(a.name, "公司") {
			app.Applicant = cases.Applicant{Kind: cases.KindOrganization, Name: a.name, IDType: cases.IDCredit, IDNumber: "91350100M000100Y43",
				OrgCategory: "business", ContactName: "周经理", Phone: "0731-88886666", Email: "office@example.cn"}
		}
		c, err := o.db.RegisterPaper(o.ctx, app, o.actor("clerk1"))
		if err != nil {
			t.Fatal(err)
		}
		o.fire(c.ID, "sup1", "accept", map[string]string{"assignee": a.assignee})
	}
}

// shots saves full-page screenshots of a page, desktop and mobile width, Chinese and English,
// into FOIDESK_SHOTS (when set).
func shots(t *testing.T, ctx context.Context, base, name, path string) {
	t.Helper()
	dir := os.Getenv("FOIDESK_SHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"mobile", 390, 844}} {
		for _, l := range []string{"zh", "en"} {
			browse(t, ctx, "screenshot "+name, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(base+path+sep+"lang="+l), chromedp.WaitVisible(chromedp.ID("main")))
			buf := browseGet(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
			if err := os.WriteFile(filepath.Join(dir, name+"-"+size.name+"-"+l+".png"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	browse(t, ctx, "back to desktop width", chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(base+path+sep+"lang=zh"), chromedp.WaitVisible(chromedp.ID("main")))
}

// The office's pages pass axe-core (FOIDESK_AXE) with no serious or critical violation, in
// Chinese and English: sign-in, queue, case page with a refused form, register form with its
// errors, oversight, and the admin pages.
func TestAxeStaffPages(t *testing.T) {
	path := os.Getenv("FOIDESK_AXE")
	if path == "" {
		needOrSkip(t, "FOIDESK_AXE is not set (the path of axe.min.js; scripts/test.sh installs it)")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("FOIDESK_AXE: %v", err)
	}
	o := newOffice(t)
	seedQueue(t, o)
	c := o.inState(cases.StateInProgress)
	casePath := "/staff/cases/" + itoa64(c.ID)
	ts := httptest.NewServer(o.s)
	defer ts.Close()
	ctx := newBrowser(t, 1280, 1000)
	u := ts.URL
	check := func(name string) {
		t.Helper()
		for _, v := range runAxe(t, ctx, string(src)) {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: %s violation %s (%s): %s", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "; "))
			} else {
				t.Logf("%s: %s violation %s (%s)", name, v.Impact, v.ID, v.Help)
			}
		}
	}
	login := func(name string) {
		browse(t, ctx, "login "+name, chromedp.Navigate(u+"/login"), chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), name), chromedp.SendKeys(chromedp.ID("password"), testPassword),
			chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)), arrive(chromedp.CSS(`nav.staffnav`)))
	}
	for _, l := range []string{"zh", "en"} {
		browse(t, ctx, "login page", chromedp.Navigate(u+"/login?lang="+l), chromedp.WaitVisible(chromedp.ID("username")))
		check(l + " login")
		login("clerk1")
		browse(t, ctx, "queue", chromedp.Navigate(u+"/staff/queue?tab=in_progress"), chromedp.WaitVisible(chromedp.ID("tab-title")))
		check(l + " queue")
		browse(t, ctx, "refused extend", chromedp.Navigate(u+casePath), chromedp.WaitVisible(chromedp.CSS(`#act-draft_reply > summary`)),
			chromedp.Click(chromedp.CSS(`#act-draft_reply > summary`)),
			chromedp.Click(chromedp.CSS(`#form-draft_reply button[type=submit]:not([name])`)), arrive(chromedp.ID("case-error")))
		check(l + " case page with a refused form")
		browse(t, ctx, "register errors", chromedp.Navigate(u+"/staff/register"), chromedp.WaitVisible(chromedp.ID("r-channel")),
			chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), arrive(chromedp.ID("form-error")))
		check(l + " register form with errors")
		browse(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form.logout button`)), arrive(chromedp.ID("username")))
		login("sup1")
		browse(t, ctx, "overview", chromedp.Navigate(u+"/staff/overview"), chromedp.WaitVisible(chromedp.ID("clerks-h")))
		check(l + " oversight")
		browse(t, ctx, "case as supervisor", chromedp.Navigate(u+casePath), chromedp.WaitVisible(chromedp.ID("actions")))
		check(l + " case page (supervisor)")
		browse(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form.logout button`)), arrive(chromedp.ID("username")))
		login("admin1")
		for _, p := range []string{"/admin", "/admin/agencies", "/admin/agencies/1", "/admin/users", "/admin/users/1", "/admin/calendar"} {
			browse(t, ctx, p, chromedp.Navigate(u+p), chromedp.WaitVisible(chromedp.ID("main")))
			check(l + " " + p)
		}
		browse(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form.logout button`)), arrive(chromedp.ID("username")))
	}
}

// registerByPost fills the staff registration form for a person's letter received by registered
// post on receivedOn, asking for description, and submits it (the browser tests' registrations).
func registerByPost(u, receivedOn, name, description string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(u+"/staff/register"),
		chromedp.WaitVisible(chromedp.ID("r-channel")),
		chromedp.SetValue(chromedp.ID("r-channel"), "post_registered"),
		chromedp.SetValue(chromedp.ID("r-received_on"), receivedOn),
		chromedp.Click(chromedp.CSS(`input[name="applicant.kind"][value="person"]`)),
		chromedp.SendKeys(chromedp.ID("r-applicant-name"), name),
		chromedp.SetValue(chromedp.ID("r-applicant-id_type"), "resident_id"),
		chromedp.SendKeys(chromedp.ID("r-applicant-id_number"), "430122198503150028"),
		chromedp.SendKeys(chromedp.ID("r-applicant-phone"), "13912345678"),
		chromedp.SendKeys(chromedp.ID("r-description"), description),
		chromedp.SetValue(chromedp.ID("r-delivery"), "post"),
		chromedp.SendKeys(chromedp.ID("r-applicant-address"), "望城区金星北路88号"),
		chromedp.SendKeys(chromedp.ID("r-applicant-postcode"), "410200"),
		chromedp.Click(chromedp.CSS(`input[name="carrier"][value="paper"]`)),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
	)
}
