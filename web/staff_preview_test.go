package web

import (
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	cases "foidesk/case"
	"foidesk/forms"
)

// docs/rules.md §7, docs/design.md "Documents": before approval the reply letter can be previewed with a
// 草稿 watermark and no number; the preview stores nothing.
func TestReplyPreviewIsAnUnnumberedDraft(t *testing.T) {
	font := requirePreviewTools(t)
	o := newOffice(t)
	o.db.Renderer = forms.NewRenderer(font, nil) // the store renders the preview as it renders the issued letter
	c := o.inState(cases.StateInProgress)
	path := "/staff/cases/" + strconv.FormatInt(c.ID, 10) + "/preview"
	if w := o.as("sup1").get(path); w.Code != http.StatusConflict {
		t.Fatalf("preview without a draft: %d", w.Code)
	}
	o.fire(c.ID, "clerk1", "draft_reply", map[string]any{"outcome": "withhold.process_info", "reasons": "该信息属于内部讨论记录。"})
	before := o.load(c.ID)
	sup := o.as("sup1")
	if page := sup.get("/staff/cases/" + strconv.FormatInt(c.ID, 10)).Body.String(); !strings.Contains(page, `href="`+path+`"`) {
		t.Fatal("the case page does not link the preview")
	}
	w := sup.get(path)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("preview: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	f := t.TempDir() + "/p.pdf"
	if err := os.WriteFile(f, w.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if !strings.Contains(text, "草稿") || strings.Contains(text, "〔2026〕") || !strings.Contains(text, "应当先向") {
		t.Fatalf("preview text:\n%s", text)
	}
	after := o.load(c.ID)
	if len(after.Documents) != len(before.Documents) || after.Version != before.Version || after.LetterNo != "" {
		t.Fatalf("the preview changed the case: %d→%d documents, version %d→%d, letter %q", len(before.Documents), len(after.Documents), before.Version, after.Version, after.LetterNo)
	}
}

// requirePreviewTools returns the CJK font the letters need and checks for pdftotext; without
// them the test skips, unless CI is set, where it fails.
func requirePreviewTools(t *testing.T) *forms.Font {
	t.Helper()
	font, err := forms.LoadFont(forms.DefaultFontPath)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip("CJK font missing (install fonts-lxgw-wenkai):", err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing (poppler-utils)")
		}
		t.Skip("pdftotext missing (install poppler-utils)")
	}
	return font
}
