package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	cases "foidesk/case"
)

// Browser tests run Debian's Chromium headless against the real Server (docs/operations.md
// "Tests"). Without Chromium they are skipped, unless CI is set: then they fail.

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

// Browser steps wait for concrete conditions, never for fixed times, and each group of steps has
// a generous deadline of its own: the machine has 2 cores and runs other packages' tests at the
// same time (go test ./...), so Chromium may be several times slower than alone.
//   - A step that leads to another page waits for an element only that page has, then for the
//     page to have loaded (arrive): an element can be visible before the rest of the page, its
//     stylesheet included, is in.
//   - A focus the browser moves by itself (autofocus is applied at the next rendering update,
//     after the page is shown; a link to a field focuses it) is polled for (focusOn).
//   - Enter is pressed as a keyboard does (pressEnter), never with chromedp's KeyEvent(kb.Enter).
const (
	stepTimeout  = 2 * time.Minute // one group of browser steps
	startTimeout = 2 * time.Minute // Chromium's start
)

// newBrowser starts a fresh headless Chromium for the test and returns its tab's context. The
// browser lives until the test ends: the first chromedp call on a context binds the browser's life
// to that context, so it gets none with a deadline; each step has its own (browse).
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
		chromedp.WindowSize(width, height),
		// chromedp waits 20 s by default for Chromium to print its DevTools address: too short
		// for a start while other test binaries are being linked.
		chromedp.WSURLReadTimeout(startTimeout))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for Chromium to exit
		os.RemoveAll(dir)
	})
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start Chromium: %v", err)
		}
	case <-time.After(startTimeout):
		t.Fatalf("Chromium did not start within %v", startTimeout)
	}
	return ctx
}

func mustDo(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// browse runs a group of browser steps within stepTimeout, failing the test with what was being
// done.
func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browseGet(t, ctx, what, chromedp.Steps(steps...))
}

// browseGet runs one browser action that returns a value, within stepTimeout.
func browseGet[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// browserText returns the text of the first element matching css.
func browserText(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	return browseGet(t, ctx, "text of "+css, chromedp.Text(chromedp.CSS(css)))
}

// waitJS waits until the JavaScript expression is true on the current page.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout))
}

// pageLoaded waits until the current document has loaded, stylesheets included. Run it only once
// the new page is there (after a WaitVisible of an element only it has): on the page being left
// it would be true at once.
func pageLoaded() chromedp.Action[chromedp.Void] {
	return waitJS(`document.readyState === "complete"`)
}

// checked waits until the radio button or check box with this id is checked.
func checked(id string) chromedp.Action[chromedp.Void] {
	return waitJS(`document.getElementById(` + strconv.Quote(id) + `).checked`)
}

// arrive waits for the page that has an element matching sel to be shown and loaded.
func arrive[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(sel), pageLoaded())
}

// focusOn waits until the element with this id has the focus; it fails with the element that has
// it when the step's deadline passes.
func focusOn(id string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.PollFunction[chromedp.Void](`(id) => document.activeElement && document.activeElement.id === id`,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout),
			chromedp.WithPollingArgs(id))(ctx, t)
		if err != nil {
			// the context may have ended: ask with a fresh one what has the focus
			qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			got, _ := chromedp.Evaluate[string](`document.activeElement ? document.activeElement.tagName + "#" + document.activeElement.id : "none"`)(qctx, t)
			return chromedp.Void{}, fmt.Errorf("focus is on %s, not #%s: %w", got, id, err)
		}
		return chromedp.Void{}, nil
	}
}

// pressEnter presses Enter as a keyboard does: one key-down carrying the character "\r" (from
// which Chromium makes the keypress, unless the key-down was handled) and a key-up.
// chromedp's KeyEvent(kb.Enter) sends the character as an event of its own after the key-down:
// when the key-down has already followed a link to a field, or started to leave the page, that
// character lands wherever the focus now is — in a form field it submits the form.
func pressEnter() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
		return err
	})
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
	browse(t, ctx, "choose the kind",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.card a[href="/apply"]`)),
		chromedp.Focus(chromedp.CSS(`.card a[href="/apply"]`)),
		pressEnter(),
		arrive(chromedp.ID("kind-person")),
		chromedp.Focus(chromedp.ID("kind-person")),
		chromedp.KeyEvent(" "),
		checked("kind-person"),
		chromedp.Focus(chromedp.CSS(`form[action="/apply"] button[type=submit]`)),
		pressEnter(),
		arrive(chromedp.ID("f-applicant-name")),
	)

	// The form, typed, with a wrong check digit.
	browse(t, ctx, "submit with an error",
		chromedp.SendKeys(chromedp.ID("f-applicant-name"), "张三"),
		chromedp.SendKeys(chromedp.ID("f-applicant-id-number"), "110105194912310021"),
		chromedp.SendKeys(chromedp.ID("f-description"), "请公开2025年本区老旧小区改造项目的资金使用情况。"),
		chromedp.Focus(chromedp.ID("f-delivery-email")),
		chromedp.KeyEvent(" "),
		checked("f-delivery-email"),
		chromedp.Focus(chromedp.ID("f-carrier-electronic")),
		chromedp.KeyEvent(" "),
		checked("f-carrier-electronic"),
		chromedp.SendKeys(chromedp.ID("f-applicant-phone"), "13800138000"),
		chromedp.SendKeys(chromedp.ID("f-applicant-email"), "zhangsan@example.cn"),
		chromedp.Focus(chromedp.ID("apply-continue")),
		pressEnter(),
		arrive(chromedp.CSS(".error-summary")),
	)
	if msg := browserText(t, ctx, "#f-applicant-id-number-error"); !strings.Contains(msg, "校验位不正确") {
		t.Fatalf("id number error: %q", msg)
	}
	// The error summary takes the focus (autofocus: at the browser's next rendering update).
	browse(t, ctx, "the error summary is focused", focusOn("form-top"))
	// Everything typed is kept; the summary link leads to the field.
	if desc := browseGet(t, ctx, "description", chromedp.Value(chromedp.ID("f-description"))); desc != "请公开2025年本区老旧小区改造项目的资金使用情况。" {
		t.Errorf("description lost: %q", desc)
	}
	if n := countCases(t, db); n != 0 {
		t.Fatalf("%d cases after an invalid submission", n)
	}
	browse(t, ctx, "follow the summary's link",
		chromedp.Focus(chromedp.CSS(`.error-summary a[href="#f-applicant-id-number"]`)),
		pressEnter(),
		focusOn("f-applicant-id-number"),
		// select what is there and type over it
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(validResidentID),
	)
	if v := browseGet(t, ctx, "the corrected number", chromedp.Value(chromedp.ID("f-applicant-id-number"))); v != validResidentID {
		t.Fatalf("the identity number field holds %q after retyping", v)
	}
	browse(t, ctx, "correct and check the answers",
		chromedp.Focus(chromedp.ID("apply-continue")),
		pressEnter(),
		arrive(chromedp.ID("review-submit")),
	)
	if txt := browserText(t, ctx, "main"); !strings.Contains(txt, "张三") || !strings.Contains(txt, "zhangsan@example.cn") {
		t.Errorf("the check-your-answers step does not show the answers: %q", txt)
	}
	browse(t, ctx, "submit",
		chromedp.Focus(chromedp.ID("review-submit")),
		pressEnter(),
		arrive(chromedp.ID("access-code")),
	)
	no := browserText(t, ctx, "#tracking-no")
	code := strings.ReplaceAll(browserText(t, ctx, "#access-code"), "-", "")
	c, err := db.AccessCase(context.Background(), no, code)
	if err != nil || c.State != cases.StateSubmitted {
		t.Fatalf("the shown number and code do not open the case: %v", err)
	}
	if n := countCases(t, db); n != 1 {
		t.Fatalf("%d cases after one application", n)
	}

	// The tracking page, reached from the confirmation.
	browse(t, ctx, "open the tracking page",
		chromedp.Focus(chromedp.CSS(`a[href="/track/`+no+`"]`)),
		pressEnter(),
		arrive(chromedp.ID("h-state")),
	)
	if st := browserText(t, ctx, "#h-state"); !strings.Contains(st, "待登记") {
		t.Errorf("state shown: %q", st)
	}

	// The office asks for a correction; the applicant answers with text and a file.
	fire(t, db, no, "register", map[string]any{}, clerk)
	fire(t, db, no, "request_correction", map[string]any{"items": []string{"请上传身份证复印件"}}, clerk)
	proof := filepath.Join(t.TempDir(), "身份证.png")
	mustDo(t, os.WriteFile(proof, pngBytes(600), 0o600), "write proof")
	browse(t, ctx, "answer the correction",
		chromedp.Reload(),
		arrive(chromedp.ID("correction-text")),
		chromedp.SendKeys(chromedp.ID("correction-text"), "已上传身份证复印件。"),
		chromedp.SetUploadFiles(chromedp.ID("correction-file"), []string{proof}),
		chromedp.Focus(chromedp.ID("correction-submit")),
		pressEnter(),
		arrive(chromedp.CSS(`.success[role=status]`)),
	)
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
