package web

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	cases "foidesk/case"
	"foidesk/forms"
)

// Drafting with a safety net (docs/rules.md §7): the administrator keeps phrases per outcome in
// the agency settings; the draft form offers them and inserts the chosen one into the reasons
// without script; the draft form's values are previewed as the reply letter (草稿, no number,
// the renderer of the issued letter) before it is sent for approval, storing nothing; an
// invalid draft is refused with the form.
func TestDraftPhrasesAndPreview(t *testing.T) {
	font := requirePreviewTools(t)
	o := newOffice(t)
	o.db.Renderer = forms.NewRenderer(font, nil)
	c := o.inState(cases.StateInProgress)
	a, _ := o.db.Agency(o.ctx, c.AgencyID)
	form := agencyForm(a)
	form.Set("phrases.disclose", "经审查，您申请的信息属于可以公开的政府信息，现予以提供。\n  \n请查收附件。")
	form.Set("phrases.withhold.process_info", "该信息属于行政机关在履行行政管理职能过程中形成的过程性信息。")
	if w := o.as("admin1").post("/admin/agencies/"+strconv.FormatInt(a.ID, 10), form); w.Code != http.StatusSeeOther {
		t.Fatalf("settings: %d %s", w.Code, pageText(w.Body.String()))
	}
	a, _ = o.db.Agency(o.ctx, a.ID)
	if ps := a.Settings.Phrases["disclose"]; len(ps) != 2 || ps[1] != "请查收附件。" {
		t.Fatalf("phrases saved: %q", a.Settings.Phrases)
	}
	bad := agencyForm(a)
	bad.Set("phrases.disclose", strings.Repeat("长", cases.MaxPhraseLen+1))
	if w := o.as("admin1").post("/admin/agencies/"+strconv.FormatInt(a.ID, 10), bad); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "每条常用语应为1至500个字") {
		t.Fatalf("a long phrase: %d", w.Code)
	}

	b := o.as("clerk1")
	v := formOf(t, b, c.ID, "draft_reply")
	page := b.get("/staff/cases/" + strconv.FormatInt(c.ID, 10)).Body.String()
	if !strings.Contains(page, `id="f-draft_reply-phrase"`) || !strings.Contains(page, `<option value="请查收附件。">`) || !strings.Contains(page, `id="draft-preview"`) {
		t.Fatal("the draft form offers no phrases or preview")
	}
	code, _, body := postAction(b, c.ID, "draft_reply", v, url.Values{"outcome": {"disclose"}, "reasons": {"经审查，"}, "phrase": {"请查收附件。"}, "insert_phrase": {"1"}})
	if code != http.StatusOK || !strings.Contains(body, "经审查，\n请查收附件。</textarea>") || !strings.Contains(body, `id="act-draft_reply" open`) {
		t.Fatalf("insert: %d %s", code, pageText(body))
	}
	unchanged(t, o, c)

	code, _, body = postAction(b, c.ID, "draft_reply", v, url.Values{"outcome": {"withhold.process_info"}, "reasons": {"该信息属于内部讨论记录。"}, "preview": {"1"}})
	if code != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("preview: %d %.200s", code, body)
	}
	unchanged(t, o, c)
	f := t.TempDir() + "/p.pdf"
	if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if text := string(out); !strings.Contains(text, "草稿") || strings.Contains(text, "〔2026〕") || !strings.Contains(text, "内部讨论记录") {
		t.Fatalf("preview text:\n%s", text)
	}
	if code, _, _ = postAction(b, c.ID, "draft_reply", v, url.Values{"outcome": {"nonsense"}, "reasons": {"理由"}, "preview": {"1"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("preview of an invalid draft: %d", code)
	}
	unchanged(t, o, c)
}
