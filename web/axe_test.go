package web

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	cases "foidesk/case"
)

// The accessibility check (Art. 43): axe-core (FOIDESK_AXE: the path of axe.min.js, installed at
// a pinned version by scripts/test.sh) inside headless Chromium finds no serious or critical
// violation on the guide, the form with its errors, the confirmation and the tracking pages, in
// Chinese and in English.

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// runAxe runs axe-core on the current page and returns its violations.
func runAxe(t *testing.T, ctx context.Context, src string) []axeViolation {
	t.Helper()
	// Runtime.evaluate is not subject to the page's Content-Security-Policy.
	browseGet(t, ctx, "inject axe", chromedp.Evaluate[chromedp.Void](src))
	return browseGet(t, ctx, "run axe", chromedp.Evaluate[[]axeViolation](`axe.run(document).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n").slice(1).join(" "))})))`, chromedp.EvalAwaitPromise))
}

func TestAxePublicPages(t *testing.T) {
	path := os.Getenv("FOIDESK_AXE")
	if path == "" {
		needOrSkip(t, "FOIDESK_AXE is not set (the path of axe.min.js; scripts/test.sh installs it)")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("FOIDESK_AXE: %v", err)
	}
	s, db := newTestServer(t)
	ts := httptest.NewServer(s)
	defer ts.Close()
	clerk := staffActor(t, db, "clerk1", cases.RoleClerk)
	ctx := newBrowser(t, 1280, 1000)

	check := func(name string) {
		t.Helper()
		vs := runAxe(t, ctx, string(src))
		minor := 0
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: %s violation %s (%s): %s", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "; "))
			} else {
				minor++
				t.Logf("%s: %s violation %s (%s): %s", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "; "))
			}
		}
		t.Logf("axe %s: %d serious or critical, %d minor or moderate", name, len(vs)-minor, minor)
	}
	for _, lang := range []string{"zh", "en"} {
		browse(t, ctx, "home", chromedp.Navigate(ts.URL+"/?lang="+lang), chromedp.WaitVisible(chromedp.ID("main")))
		check(lang + " start page")
		browse(t, ctx, "guide", chromedp.Navigate(ts.URL+"/guide"), chromedp.WaitVisible(chromedp.ID("periods")))
		check(lang + " guide")
		browse(t, ctx, "kind", chromedp.Navigate(ts.URL+"/apply?choose=1"), chromedp.WaitVisible(chromedp.ID("kind-person")))
		check(lang + " kind with error")
		// The organisation form with every error shown.
		browse(t, ctx, "organisation form with errors",
			chromedp.Navigate(ts.URL+"/apply?kind=organization"),
			chromedp.WaitVisible(chromedp.ID("f-applicant-name")),
			chromedp.SetValue(chromedp.ID("f-applicant-id-number"), "91350100M000100Y44"),
			chromedp.Submit(chromedp.ID("f-applicant-name")),
			arrive(chromedp.CSS(".error-summary")),
		)
		check(lang + " organisation form with errors")
		// The person's form with errors, then the confirmation.
		browse(t, ctx, "person form with errors",
			chromedp.Navigate(ts.URL+"/apply?kind=person"),
			chromedp.WaitVisible(chromedp.ID("f-applicant-name")),
			chromedp.SetValue(chromedp.ID("f-applicant-name"), "张三"),
			chromedp.SetValue(chromedp.ID("f-applicant-id-number"), "110105194912310021"),
			chromedp.Click(chromedp.ID("f-delivery-post")),
			chromedp.Submit(chromedp.ID("f-applicant-name")),
			arrive(chromedp.CSS(".error-summary")),
		)
		check(lang + " person form with errors")
		browse(t, ctx, "confirmation",
			chromedp.SetValue(chromedp.ID("f-applicant-id-number"), validResidentID),
			chromedp.SetValue(chromedp.ID("f-description"), "请公开2025年本区老旧小区改造项目的资金使用情况。"),
			chromedp.Click(chromedp.ID("f-carrier-paper")),
			chromedp.SetValue(chromedp.ID("f-applicant-phone"), "13800138000"),
			chromedp.SetValue(chromedp.ID("f-applicant-address"), "望城区某某路1号"),
			chromedp.SetValue(chromedp.ID("f-applicant-postcode"), "410200"),
			chromedp.Submit(chromedp.ID("f-applicant-name")),
			arrive(chromedp.ID("access-code")),
		)
		check(lang + " confirmation")
		no := browserText(t, ctx, "#tracking-no")
		code := browserText(t, ctx, "#access-code")
		browse(t, ctx, "tracking", chromedp.Navigate(ts.URL+"/track/"+no), chromedp.WaitVisible(chromedp.ID("h-state")))
		check(lang + " tracking, submitted")
		fire(t, db, no, "register", map[string]any{}, clerk)
		fire(t, db, no, "request_correction", map[string]any{"items": []string{"请上传身份证复印件"}}, clerk)
		browse(t, ctx, "correction with error",
			chromedp.Reload(),
			arrive(chromedp.ID("correction-text")),
			chromedp.Submit(chromedp.ID("correction-text")),
			arrive(chromedp.CSS(".error-summary")),
		)
		check(lang + " tracking, correction with error")
		browse(t, ctx, "withdraw", chromedp.Navigate(ts.URL+"/track/"+no+"/withdraw"), chromedp.WaitVisible(chromedp.ID("withdraw-confirm")))
		check(lang + " withdraw confirmation")
		browse(t, ctx, "tracking form with error",
			chromedp.Navigate(ts.URL+"/track"),
			chromedp.WaitVisible(chromedp.ID("tracking-no")),
			chromedp.SetValue(chromedp.ID("tracking-no"), no),
			chromedp.SetValue(chromedp.ID("access-code"), "WRONG"),
			chromedp.Submit(chromedp.ID("tracking-no")),
			arrive(chromedp.CSS(".error-summary")),
		)
		check(lang + " tracking form with error")
		_ = code
	}
}
