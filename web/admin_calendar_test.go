package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	cases "foidesk/case"
	"foidesk/workflow"
)

// dayCell returns the year view's cell of day, "" when there is none.
func dayCell(page, day string) string {
	i := strings.Index(page, `data-day="`+day+`"`)
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(page[:i], "<td")
	return page[j : i+strings.Index(page[i:], "</td>")]
}

var han = regexp.MustCompile(`\p{Han}`)

// docs/rules.md §3: the year view of the working-day calendar shows, for 2026, 1 October as a
// public holiday named 国庆节, Saturday 10 October as a 调休 working day, an ordinary Saturday as a
// rest day, and an administrator's correction marked distinctly and linked to its row with the
// delete button; every mark is a letter or symbol with words for screen readers, not colour alone.
func TestAdminCalendarYear(t *testing.T) {
	o := newOffice(t) // today 2026-11-03
	if _, err := o.db.SetCalendarDay(o.ctx, workflow.Override{Day: cases.MustDate("2026-11-20"), Work: false, Note: "测试：临时休息日"}, "admin1"); err != nil {
		t.Fatal(err)
	}
	b := o.as("admin1")
	w := b.get("/admin/calendar")
	page := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(page, `<h2 id="year-h">2026年工作日历</h2>`) {
		t.Fatalf("calendar page: %d %s", w.Code, pageText(page))
	}
	if n := strings.Count(page, `<table class="cal-month"`); n != 12 {
		t.Errorf("%d month tables, want 12", n)
	}
	for _, want := range []string{`<caption>2026年10月 <span class="meta">（工作日`, `<th scope="col"><abbr title="星期一">一</abbr></th>`,
		`<a href="/admin/calendar?year=2025#year-view" rel="prev">`, `<a href="/admin/calendar?year=2027#year-view" rel="next">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the year view lacks %s", want)
		}
	}
	for day, want := range map[string][]string{
		"2026-10-01": {`data-kind="holiday"`, `title="法定节假日（国庆节）"`, `<span class="cal-m" aria-hidden="true">假</span><span class="visually-hidden">法定节假日（国庆节）</span>`},
		"2026-10-10": {`data-kind="adjusted_workday"`, `<span class="cal-m" aria-hidden="true">班</span><span class="visually-hidden">调休上班日（国庆节）</span>`},
		"2026-10-11": {`data-kind="weekend"`, `<span class="cal-m" aria-hidden="true">休</span>`},
		"2026-11-20": {`data-kind="override_off"`, `<a href="#ov-2026-11-20">`, `<span class="cal-m" aria-hidden="true">休◆</span><span class="visually-hidden">经更正为休息日（测试：临时休息日）</span>`},
		"2026-11-03": {`data-kind="workday"`, `aria-current="date"`},
	} {
		cell := dayCell(page, day)
		for _, s := range want {
			if !strings.Contains(cell, s) {
				t.Errorf("%s: %q lacks %s", day, cell, s)
			}
		}
	}
	if cell := dayCell(page, "2026-10-12"); strings.Contains(cell, "cal-m") || !strings.Contains(cell, `data-kind="workday"`) {
		t.Errorf("an ordinary working day is marked: %s", cell)
	}
	// The correction's link leads to its row, which holds its delete form.
	i := strings.Index(page, `<tr id="ov-2026-11-20">`)
	if i < 0 || !strings.Contains(page[i:i+strings.Index(page[i:], "</tr>")], `action="/admin/calendar/delete"`) {
		t.Error("the correction's row with its delete form is missing")
	}
	text := pageText(page)
	for _, s := range []string{"10月1日至7日：法定节假日（国庆节）", "10月10日：调休上班日（国庆节）", "11月20日：经更正为休息日（测试：临时休息日）", "休 休息日（周六、周日）", "班 调休上班日"} {
		if !strings.Contains(text, s) {
			t.Errorf("the notes or key lack %q", s)
		}
	}

	// Another year, its neighbours linked; a bad year refused.
	page = b.get("/admin/calendar?year=2027").Body.String()
	if !strings.Contains(page, `2027年工作日历`) || !strings.Contains(page, `?year=2026#year-view" rel="prev"`) || !strings.Contains(page, `?year=2026#year-view">本年`) ||
		dayCell(page, "2027-01-01") == "" || dayCell(page, "2026-10-01") != "" {
		t.Errorf("2027: %s", pageText(page))
	}
	for _, bad := range []string{"abc", "1999", "10000"} {
		if w := b.get("/admin/calendar?year=" + bad); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("year=%s: %d", bad, w.Code)
		}
	}
	// A year without holiday data says so.
	cal := o.db.Calendar()
	for y := 2027; y <= 2200; y++ {
		if !cal.Known(y) {
			if page := b.get("/admin/calendar?year=" + itoa64(int64(y))).Body.String(); !strings.Contains(page, `id="year-unknown"`) {
				t.Errorf("%d has no data but the page does not say so", y)
			}
			break
		}
	}
	if strings.Contains(b.get("/admin/calendar?year=2026").Body.String(), `id="year-unknown"`) {
		t.Error("2026 is said to have no data")
	}

	// In English: no Chinese but the correction's ground typed by the administrator.
	page = b.get("/admin/calendar?year=2026&lang=en").Body.String()
	i = strings.Index(page, `<section id="year-view"`)
	sec := page[i : i+strings.Index(page[i:], "</section>")]
	for day, want := range map[string]string{"2026-10-01": `title="Public holiday (National Day)"`, "2026-10-10": `aria-hidden="true">W</span>`, "2026-11-20": `aria-hidden="true">R◆</span>`} {
		if !strings.Contains(dayCell(sec, day), want) {
			t.Errorf("en %s: %s lacks %s", day, dayCell(sec, day), want)
		}
	}
	if !strings.Contains(sec, "<caption>October 2026") || !strings.Contains(pageText(sec), "1–7 October: Public holiday (National Day)") {
		t.Errorf("en: %s", pageText(sec))
	}
	if h := han.FindAllString(strings.ReplaceAll(sec, "测试：临时休息日", ""), 5); len(h) > 0 {
		t.Errorf("Chinese in the English year view: %v", h)
	}
}
