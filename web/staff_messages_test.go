package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	cases "foidesk/case"
)

// Every key the office's templates and code use exists in both languages, and no English text
// holds Chinese.
func TestStaffMessages(t *testing.T) {
	var files []string
	for _, f := range []string{"case", "error", "login", "overview", "queue", "register"} {
		files = append(files, "templates/staff/"+f+".html")
	}
	admin, _ := filepath.Glob("templates/admin/*.html")
	partials, _ := filepath.Glob("templates/partials/*.html")
	files = append(append(append(files, admin...), partials...), "templates/layout.html")
	keys := map[string]bool{}
	tmplKey := regexp.MustCompile(`\bt (?:\.Lang|\$l) "([a-z0-9_.]+)"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	goKey := regexp.MustCompile(`T\((?:l|lang\(c\)), "([a-z0-9_.]+)"`)
	for _, f := range []string{"auth.go", "staff.go", "staff_case.go", "staff_register.go", "staff_overview.go", "admin.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	for _, tab := range queueTabs {
		keys["queue.tab."+tab], keys["queue.desc."+tab] = true, true
	}
	for k := range keys {
		v, ok := messages[k]
		if !ok {
			t.Errorf("message %q is missing", k)
			continue
		}
		if k != "site.lang.switch" && strings.IndexFunc(v[1], func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
			t.Errorf("English of %q holds Chinese: %q", k, v[1])
		}
	}
	if len(keys) < 300 {
		t.Errorf("only %d keys found: the patterns are broken", len(keys))
	}
	for k, v := range payloadKeys {
		if strings.IndexFunc(v[1], func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
			t.Errorf("English payload label %q holds Chinese", k)
		}
	}
}

// The office's pages in English show no Chinese but the case's own data (names, the request,
// document titles and numbers).
func TestStaffPagesInEnglish(t *testing.T) {
	o := newOffice(t)
	app := paperApp("2026-11-02")
	app.Applicant = cases.Applicant{Kind: cases.KindPerson, Name: "John Smith", IDType: cases.IDPassport, IDNumber: "E12345678", Phone: "13800138000", Email: "john@example.com"}
	app.Description = "The 2025 budget of the district's road maintenance office."
	c, err := o.db.RegisterPaper(o.ctx, app, o.actor("clerk1"))
	if err != nil {
		t.Fatal(err)
	}
	o.fire(c.ID, "clerk1", "request_correction", map[string]any{"items": []string{"Name the document."}})
	o.fire(c.ID, "clerk1", "submit_correction", map[string]any{"text": "Budget report 2025."})
	o.fire(c.ID, "clerk1", "accept", nil)
	o.fire(c.ID, "clerk1", "consult", map[string]any{"parties": []map[string]string{{"kind": "agency", "name": "Finance Bureau"}}})
	o.fire(c.ID, "clerk1", "consultation_done", map[string]any{"answers": []map[string]string{{"name": "Finance Bureau", "answer": "agree"}}})
	o.fire(c.ID, "clerk1", "draft_reply", map[string]any{"outcome": "partial", "reasons": "Partly disclosed."})
	c = o.load(c.ID)
	var data []string
	for _, d := range c.Documents {
		data = append(data, d.Title, d.Number)
	}
	for _, a := range []string{"政府信息公开办公室", "区住房和城乡建设局"} {
		data = append(data, a)
	}
	han := func(r rune) bool {
		return unicode.Is(unicode.Han, r) || strings.ContainsRune("（）：；、，。", r)
	}
	for _, who := range []string{"clerk1", "sup1"} {
		b := o.as(who)
		for _, p := range []string{"/staff/queue?lang=en", "/staff/queue?tab=in_progress&lang=en", "/staff/queue?tab=pending_approval&lang=en", "/staff/cases/" + itoa64(c.ID) + "?lang=en",
			"/staff/register?lang=en", "/staff/overview?lang=en"} {
			w := b.get(p)
			body := pageText(w.Body.String())
			for _, d := range data {
				if d != "" {
					body = strings.ReplaceAll(body, d, "")
				}
			}
			body = strings.ReplaceAll(body, "中文", "") // the language switch
			if i := strings.IndexFunc(body, han); i >= 0 && w.Code == 200 {
				t.Errorf("%s as %s: Chinese in English: …%s…", p, who, body[max(0, i-80):min(len(body), i+80)])
			}
		}
	}
}
