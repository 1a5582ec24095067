package web

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	cases "foidesk/case"
)

// clerkShot saves a full-page screenshot at the current width into FOIDESK_CLERK_SHOTS (when set).
func clerkShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("FOIDESK_CLERK_SHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	buf := browseGet(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func staffLogin(t *testing.T, ctx context.Context, u, name string) {
	t.Helper()
	browse(t, ctx, "login "+name,
		chromedp.Navigate(u+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)),
		arrive(chromedp.CSS(`nav.staffnav`)))
}

// A clerk's morning at 1280 px: the queue filtered by assignee and sorted by receipt date (kept in
// the URL), a search by identity number, a bulk archive of delivered cases (POST /cases/bulk), and
// the identity warning at registration (Art. 29).
func TestBrowserClerkMorning(t *testing.T) {
	o := newOffice(t)
	seedQueue(t, o)
	app := paperApp("2026-10-20")
	app.Applicant.Name, app.Applicant.IDNumber, app.Description = "陈小梅", "430122198503150028", "请提供我家所在小区2025年加装电梯的审批文件。"
	chen, err := o.db.RegisterPaper(o.ctx, app, o.actor("clerk1"))
	if err != nil {
		t.Fatal(err)
	}
	o.fire(chen.ID, "clerk1", "accept", nil)
	done1, done2 := o.inState("delivered"), o.inState("delivered")
	ts := newHTTPServer(t, o)
	ctx := newBrowser(t, 1280, 900)
	u := ts
	staffLogin(t, ctx, u, "clerk1")

	// Filter: my cases in progress, oldest receipt first.
	browse(t, ctx, "filtered queue", chromedp.Navigate(u+"/staff/queue?tab=in_progress&assignee=clerk1&sort=received"), chromedp.WaitVisible(chromedp.ID("tab-title")))
	body := browserText(t, ctx, "main")
	if !strings.Contains(body, "刘建国") || !strings.Contains(body, "王芳") || strings.Contains(body, "赵磊") {
		t.Fatalf("filter by assignee:\n%s", body)
	}
	if strings.Index(body, "刘建国") > strings.Index(body, "王芳") {
		t.Error("sorted by receipt date: 刘建国 (10-09) comes before 王芳 (10-28)")
	}
	clerkShot(t, ctx, "clerk-queue-filtered-sorted")
	browse(t, ctx, "newest first", chromedp.Navigate(u+"/staff/queue?tab=in_progress&assignee=clerk1&sort=-received"), chromedp.WaitVisible(chromedp.ID("tab-title")))
	if body := browserText(t, ctx, "main"); strings.Index(body, "王芳") > strings.Index(body, "刘建国") {
		t.Error("sort=-received: newest first")
	}

	// Search by identity number through the queue's search box.
	browse(t, ctx, "search", chromedp.Navigate(u+"/staff/queue?tab=in_progress&q=430122198503150028"), chromedp.WaitVisible(chromedp.ID("tab-title")))
	if v := browseGet(t, ctx, "search box", chromedp.Value(chromedp.CSS(`input[name="q"]`))); v != "430122198503150028" {
		t.Errorf("the search box shows %q", v)
	}
	body = browserText(t, ctx, "main")
	if !strings.Contains(body, "陈小梅") || strings.Contains(body, "刘建国") {
		t.Fatalf("search by identity number:\n%s", body)
	}
	clerkShot(t, ctx, "clerk-search-identity-number")

	// Bulk archive of the delivered cases: one transition per case, each its own event.
	w := o.api("clerk1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "archive", "ids": []int64{done1.ID, done2.ID}})
	if w.Code != 200 {
		t.Fatalf("bulk archive: %d %s", w.Code, w.Body.String())
	}
	for _, c := range []*cases.Case{done1, done2} {
		if got := o.load(c.ID); got.State != cases.StateArchived {
			t.Fatalf("case %d: %s", c.ID, got.State)
		}
	}
	browse(t, ctx, "archived case", chromedp.Navigate(u+"/staff/cases/"+strconv.FormatInt(done1.ID, 10)), chromedp.WaitVisible(chromedp.ID("case-state")))
	if st := browseGet(t, ctx, "state", chromedp.AttributeValue(chromedp.ID("case-state"), "data-state")); st.Value != string(cases.StateArchived) {
		t.Fatalf("case page state %q", st.Value)
	}
	clerkShot(t, ctx, "clerk-bulk-archived-case")

	// Registration under an identity number on file with another name: a warning, then registered.
	browse(t, ctx, "register", registerByPost(u, "2026-11-02", "陈晓梅", "请提供本小区2026年物业维修资金使用情况。"), arrive(chromedp.ID("identity-warning")))
	if txt := browserText(t, ctx, "#identity-warning"); !strings.Contains(txt, chen.TrackingNo) || !strings.Contains(txt, "陈小梅") {
		t.Fatalf("warning: %s", txt)
	}
	clerkShot(t, ctx, "clerk-register-identity-warning")
	browse(t, ctx, "register anyway", chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), arrive(chromedp.ID("case-state")))

	// The supervisor's approval shows the letter to be issued before it is confirmed.
	pending := o.inState(cases.StatePendingApproval)
	browse(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form.logout button`)), arrive(chromedp.ID("username")))
	staffLogin(t, ctx, u, "sup1")
	browse(t, ctx, "approve review", chromedp.Navigate(u+"/staff/cases/"+strconv.FormatInt(pending.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`#act-approve > summary`)), chromedp.Click(chromedp.CSS(`#act-approve > summary`)),
		chromedp.Click(chromedp.CSS(`#form-approve button[type=submit]`)), arrive(chromedp.ID("approve-letter")))
	if got := o.load(pending.ID); got.State != cases.StatePendingApproval {
		t.Fatalf("the review step approved: %s", got.State)
	}
	clerkShot(t, ctx, "sup-approve-confirmation")
}

// A supervisor's month end at 1280 px: the reports opened from the ledger's menu with their
// defaults, the ledger readable, the sign-off of January refused inside its grace period (3
// February) and accepted after it (9 February).
func TestBrowserSupervisorMonthEnd(t *testing.T) {
	o, withFont := reportOffice(t)
	if !withFont {
		needOrSkip(t, "the CJK font is needed for the sign-off's ledger PDF")
	}
	day := func(s string) {
		d := cases.MustDate(s)
		tm := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
		o.db.Now = func() time.Time { return tm }
	}
	day("2026-02-03")
	u := newHTTPServer(t, o)
	ctx := newBrowser(t, 1280, 900)
	staffLogin(t, ctx, u, "sup1")

	browse(t, ctx, "ledger", chromedp.Navigate(u+"/staff/ledger?from=2026-01-01&to=2026-01-31"), chromedp.WaitVisible(chromedp.ID("ledger")))
	if html := browseGet(t, ctx, "ledger html", chromedp.OuterHTML(chromedp.ID("ledger"))); strings.Contains(html, "11010519491231002X") {
		t.Error("the ledger page shows identity numbers")
	}
	clerkShot(t, ctx, "sup-ledger-january")
	for _, p := range []struct{ link, want string }{{"/staff/reports", "main h1"}, {"/staff/reports/monthly", "main h1"}} {
		browse(t, ctx, "menu "+p.link, chromedp.Navigate(u+"/staff/ledger"), chromedp.WaitVisible(chromedp.CSS(`a[href="`+p.link+`"]`)),
			chromedp.Click(chromedp.CSS(`a[href="`+p.link+`"]`)), arrive(chromedp.CSS(p.want)))
		if txt := browserText(t, ctx, "main"); strings.Contains(txt, "缺少参数") || strings.Contains(txt, "错误") {
			t.Fatalf("%s from the menu: %s", p.link, txt)
		}
		clerkShot(t, ctx, "sup-menu"+strings.ReplaceAll(p.link, "/", "-"))
	}

	signoff := func(then string) {
		browse(t, ctx, "sign off", chromedp.Navigate(u+"/staff/signoff?year=2026&month=1"), chromedp.WaitVisible(chromedp.ID("signoff-form")),
			chromedp.Click(chromedp.CSS(`#signoff-form input[name="confirm"]`)),
			chromedp.Click(chromedp.CSS(`#signoff-form button[type=submit]`)), arrive(chromedp.ID(then)))
	}
	signoff("signoff-error")
	if txt := browserText(t, ctx, "main"); !strings.Contains(txt, "可于2026年2月6日起签核") {
		t.Fatalf("sign-off inside the grace period:\n%s", txt)
	}
	clerkShot(t, ctx, "sup-signoff-refused-in-grace")
	day("2026-02-09")
	signoff("signed")
	clerkShot(t, ctx, "sup-signoff-done")

	// Late post (docs/rules.md §8): a registered letter received on 30 January turns up after the
	// sign-off. The clerk's registration is refused, saying that a supervisor can reopen January;
	// the supervisor reopens it with a reason, the clerk registers the letter, the supervisor signs
	// January off again, and the history shows both sign-offs and the reopening.
	switchTo := func(name string) {
		browse(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form.logout button`)), arrive(chromedp.ID("username")))
		staffLogin(t, ctx, u, name)
	}
	register := func(then string) {
		browse(t, ctx, "register late post", registerByPost(u, "2026-01-30", "陈晓梅", "请提供本小区2025年物业维修资金使用情况。"), arrive(chromedp.ID(then)))
	}
	switchTo("clerk1")
	register("form-error")
	if txt := browserText(t, ctx, "#form-error"); !strings.Contains(txt, "2026年1月的台账已签核") || !strings.Contains(txt, "重新开放该月的签核") {
		t.Fatalf("late post refused without the way forward: %s", txt)
	}
	clerkShot(t, ctx, "clerk-late-post-refused")

	switchTo("sup1")
	browse(t, ctx, "reopen", chromedp.Navigate(u+"/staff/signoff?year=2026&month=1"), chromedp.WaitVisible(chromedp.CSS(`#reopen > summary`)),
		chromedp.Click(chromedp.CSS(`#reopen > summary`)), chromedp.WaitVisible(chromedp.ID("reason")),
		chromedp.SendKeys(chromedp.ID("reason"), "补登1月30日收到的挂号信"),
		chromedp.Click(chromedp.CSS(`#reopen-form button[type=submit]`)), arrive(chromedp.ID("reopened-ok")))
	if txt := browserText(t, ctx, "#reopened"); !strings.Contains(txt, "补登1月30日收到的挂号信") || !strings.Contains(txt, "sup1") {
		t.Fatalf("reopened month: %s", txt)
	}
	if txt := browserText(t, ctx, "#signoff-warning"); !strings.Contains(txt, "重新开放该月的签核") {
		t.Errorf("warning at signing: %s", txt)
	}
	clerkShot(t, ctx, "sup-signoff-reopened")

	switchTo("clerk1")
	register("case-state")
	if got := browseGet(t, ctx, "case state", chromedp.AttributeValue(chromedp.ID("case-state"), "data-state")); got.Value != string(cases.StateRegistered) {
		t.Fatalf("late post: state %q", got.Value)
	}

	switchTo("sup1")
	signoff("signed")
	txt := browserText(t, ctx, "#history")
	for _, want := range []string{"再次签核（第2次）", "重新开放", "补登1月30日收到的挂号信"} {
		if !strings.Contains(txt, want) {
			t.Errorf("history without %q: %s", want, txt)
		}
	}
	if n := strings.Count(browseGet(t, ctx, "history html", chromedp.OuterHTML(chromedp.ID("history"))), "<tr"); n != 4 { // the header and three records
		t.Errorf("history rows %d", n)
	}
	clerkShot(t, ctx, "sup-signoff-history")
}

// newHTTPServer serves the office's handler for a browser; closed at the end of the test.
func newHTTPServer(t *testing.T, o *office) string {
	ts := httptest.NewServer(o.s)
	t.Cleanup(ts.Close)
	return ts.URL
}
