package web

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	cases "foidesk/case"
)

// Browser tests run Debian's Chromium headless against the real Server (DESIGN.md "Verified on
// this machine kind"). Without Chromium they are skipped, unless CI is set: then they fail.

// needOrSkip skips a test for a missing dependency, or fails it under CI.
func needOrSkip(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (required when CI is set)")
	}
	t.Skip(msg)
}

// chromiumPath is FOIDESK_CHROMIUM or Debian's /usr/bin/chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("FOIDESK_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		needOrSkip(t, "Chromium not found at "+p+" (set FOIDESK_CHROMIUM)")
	}
	return p
}

// newBrowser starts a fresh headless Chromium for the test and returns its tab's context.
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	exec := chromiumPath(t)
	dir, err := os.MkdirTemp("", "foidesk-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exec), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(width, height))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
		os.RemoveAll(dir)
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func mustDo(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// browserText returns the text of the first element matching css.
func browserText(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	mustDo(t, err, "text of "+css)
	return s
}

// A person applies with the keyboard alone, sees an identity-number error, corrects it, submits,
// opens the tracking page and later answers a correction request there.
func TestBrowserApplyAndTrack(t *testing.T) {
	s, db := newTestServer(t)
	ts := httptest.NewServer(s)
	defer ts.Close()
	ctx := newBrowser(t, 1280, 1000)
	clerk := staffActor(t, db, "clerk1", cases.RoleClerk)

	// The start page leads to the form; the kind is chosen with the keyboard.
	mustDo(t, chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/apply"]`)),
		chromedp.Focus(chromedp.CSS(`.card a[href="/apply"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.ID("kind-person")),
		chromedp.Focus(chromedp.ID("kind-person")),
		chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.CSS(`form button[type=submit]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.ID("f-applicant-name")),
	), "choose the kind")

	// The form, typed, with a wrong check digit.
	mustDo(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-applicant-name"), "张三"),
		chromedp.SendKeys(chromedp.ID("f-applicant-id-number"), "110105194912310021"),
		chromedp.SendKeys(chromedp.ID("f-description"), "请公开2025年本区老旧小区改造项目的资金使用情况。"),
		chromedp.Focus(chromedp.ID("f-delivery-email")),
		chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.ID("f-carrier-electronic")),
		chromedp.KeyEvent(" "),
		chromedp.SendKeys(chromedp.ID("f-applicant-phone"), "13800138000"),
		chromedp.SendKeys(chromedp.ID("f-applicant-email"), "zhangsan@example.cn"),
		chromedp.Focus(chromedp.CSS(`#apply-form button[type=submit]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	), "submit with an error")
	if msg := browserText(t, ctx, "#f-applicant-id-number-error"); !strings.Contains(msg, "校验位不正确") {
		t.Fatalf("id number error: %q", msg)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	mustDo(t, err, "focus")
	if focused != "form-top" {
		t.Errorf("the error summary is not focused (%q)", focused)
	}
	// Everything typed is kept; the summary link leads to the field.
	desc, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-description")))
	mustDo(t, err, "description")
	if desc != "请公开2025年本区老旧小区改造项目的资金使用情况。" {
		t.Errorf("description lost: %q", desc)
	}
	if n := countCases(t, db); n != 0 {
		t.Fatalf("%d cases after an invalid submission", n)
	}
	// (A click: chromedp's Enter is a key-down and a separate character, and the character would
	// land in the field the link moved to and submit the form.)
	mustDo(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.error-summary a[href="#f-applicant-id-number"]`)),
		chromedp.Focus(chromedp.ID("f-applicant-id-number")),
		chromedp.Clear(chromedp.ID("f-applicant-id-number")),
		chromedp.SendKeys(chromedp.ID("f-applicant-id-number"), validResidentID),
		chromedp.Focus(chromedp.CSS(`#apply-form button[type=submit]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.ID("access-code")),
	), "correct and submit")
	no := browserText(t, ctx, "#tracking-no")
	code := strings.ReplaceAll(browserText(t, ctx, "#access-code"), " ", "")
	c, err := db.AccessCase(context.Background(), no, code)
	if err != nil || c.State != cases.StateSubmitted {
		t.Fatalf("the shown number and code do not open the case: %v", err)
	}

	// The tracking page, reached from the confirmation.
	mustDo(t, chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(`a[href="/track/`+no+`"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.ID("h-state")),
	), "open the tracking page")
	if st := browserText(t, ctx, "#h-state"); !strings.Contains(st, "待登记") {
		t.Errorf("state shown: %q", st)
	}

	// The office asks for a correction; the applicant answers with text and a file.
	fire(t, db, no, "register", map[string]any{}, clerk)
	fire(t, db, no, "request_correction", map[string]any{"items": []string{"请上传身份证复印件"}}, clerk)
	proof := filepath.Join(t.TempDir(), "身份证.png")
	mustDo(t, os.WriteFile(proof, pngBytes(600), 0o600), "write proof")
	mustDo(t, chromedp.Do(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("correction-text")),
		chromedp.SendKeys(chromedp.ID("correction-text"), "已上传身份证复印件。"),
		chromedp.SetUploadFiles(chromedp.ID("correction-file"), []string{proof}),
		chromedp.Focus(chromedp.ID("correction-submit")),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`.success[role=status]`)),
	), "answer the correction")
	if msg := browserText(t, ctx, ".success"); !strings.Contains(msg, "补正已提交") {
		t.Errorf("flash %q", msg)
	}
	c, err = db.CaseByTracking(context.Background(), no)
	mustDo(t, err, "case")
	last := c.Events[len(c.Events)-1]
	if c.State != cases.StateRegistered || last.Event != "submit_correction" || !strings.Contains(string(last.Payload), "已上传身份证复印件") {
		t.Errorf("after the answer: %s %s %s", c.State, last.Event, last.Payload)
	}
	uploads := 0
	for _, d := range c.Documents {
		if d.Kind == cases.DocUpload && d.Filename == "身份证.png" {
			uploads++
		}
	}
	if uploads != 1 {
		t.Errorf("%d uploads stored", uploads)
	}
}
