package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	cases "foidesk/case"
)

// remediesSection is the visible text of the case page's remedies section.
func remediesSection(t *testing.T, b *browser, id int64, lang string) string {
	t.Helper()
	w := b.get("/staff/cases/" + itoa64(id) + "?lang=" + lang)
	if w.Code != http.StatusOK {
		t.Fatalf("case page (%s): %d", lang, w.Code)
	}
	body := w.Body.String()
	i := strings.Index(body, `<section aria-labelledby="remedies-h" id="remedies">`)
	if i < 0 {
		t.Fatalf("the case page (%s) has no remedies section", lang)
	}
	j := strings.Index(body[i:], "</section>")
	return pageText(body[i : i+j])
}

// The case page lists the case's remedy records (table 四): one recorded through the page's own
// form and one through the store, with kind, filing date, result and decision date, in Chinese
// and in English; a case without any says so.
func TestCasePageListsRemedies(t *testing.T) {
	o := newOffice(t)
	c := o.inState(cases.StateReplied)
	b := o.as("clerk1")

	if got := remediesSection(t, b, c.ID, "zh"); !strings.Contains(got, "暂无行政复议或行政诉讼记录。") {
		t.Errorf("no remedy yet: %q", got)
	}
	if got := remediesSection(t, b, c.ID, "en"); !strings.Contains(got, "No reconsideration or lawsuit recorded.") {
		t.Errorf("no remedy yet (en): %q", got)
	}

	// A reconsideration, recorded with the page's form, already decided.
	v := formOf(t, b, c.ID, "record_remedy")
	code, loc, body := postAction(b, c.ID, "record_remedy", v, url.Values{
		"kind": {"reconsideration"}, "filed_on": {"2026-11-02"}, "result": {"upheld"}, "decided_on": {"2026-11-03"}})
	if code != http.StatusSeeOther {
		t.Fatalf("record_remedy: %d %s", code, pageText(body))
	}
	if !strings.HasPrefix(loc, "/staff/cases/"+itoa64(c.ID)) {
		t.Fatalf("record_remedy leads to %q", loc)
	}
	// A lawsuit, still pending.
	o.fire(c.ID, "clerk1", "record_remedy", map[string]string{"kind": "litigation_direct", "filed_on": "2026-11-03", "result": "pending"})
	if n := len(o.load(c.ID).Remedies); n != 2 {
		t.Fatalf("%d remedies stored", n)
	}

	zh := remediesSection(t, b, c.ID, "zh")
	for _, want := range []string{
		"行政复议和行政诉讼", "类型", "申请（起诉）日期", "结果", "审结日期",
		"行政复议 2026-11-02 结果维持 2026-11-03",
		"行政诉讼（未经复议直接起诉） 2026-11-03 尚未审结 —",
	} {
		if !strings.Contains(zh, want) {
			t.Errorf("the remedies section lacks %q:\n%s", want, zh)
		}
	}
	if strings.Contains(zh, "暂无") {
		t.Errorf("the section still says there is none: %s", zh)
	}
	en := remediesSection(t, b, c.ID, "en")
	for _, want := range []string{
		"Reconsideration and lawsuits", "Kind", "Filed on", "Result", "Decided on",
		"Administrative reconsideration 2026-11-02 Upheld 2026-11-03",
		"Lawsuit without reconsideration 2026-11-03 Pending —",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("the English remedies section lacks %q:\n%s", want, en)
		}
	}
}
