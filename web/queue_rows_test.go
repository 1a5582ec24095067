package web

import (
	"strings"
	"testing"

	cases "foidesk/case"
)

// The rows of the queue are written in Go (queueRowsHTML): every text escaped as html/template
// escapes it, each deadline state in words, in both languages.
func TestQueueRowsHTML(t *testing.T) {
	due := cases.MustDate("2026-11-30")
	rows := []queueRow{
		{ID: 7, TrackingNo: "GK2026000007", Applicant: `王<小明>&'"+`, Summary: "申请公开<script>…", State: "in_progress", ReceivedOn: cases.MustDate("2026-11-02")},
		{ID: 8, TrackingNo: "GK2026000008", State: "registered", AssigneeName: "李静", Assignee: "clerk1", ReplyDue: due, Overdue: true, Late: 4},
		{ID: 9, TrackingNo: "GK2026000009", State: "consulting", Assignee: "clerk2", ReplyDue: due, Paused: true, Provisional: true},
		{ID: 10, TrackingNo: "GK2026000010", State: "replied", ReplyDue: due, Concluded: cases.MustDate("2026-11-20")},
		{ID: 11, TrackingNo: "GK2026000011", State: "in_progress", ReplyDue: due, Left: 1},
	}
	zh := string(queueRowsHTML(rows, "zh"))
	en := string(queueRowsHTML(rows, "en"))
	for _, want := range []string{
		`<tr>` + "\n" + `<td data-label="申请编号"><a href="/staff/cases/7">GK2026000007</a></td>`,
		`王&lt;小明&gt;&amp;&#39;&#34;&#43;`, `申请公开&lt;script&gt;…`,
		`<span class="meta">` + T("zh", "queue.unassigned") + `</span>`,
		`<tr class="is-late">`, `<span class="late">` + T("zh", "queue.late", 4) + `</span>`, `>李静</td>`,
		`<time datetime="2026-11-30">2026-11-30</time>` + T("zh", "queue.provisional") + `<br><span class="paused">`,
		`<span class="meta">` + T("zh", "queue.concluded", "2026-11-20") + `</span>`,
		`<span class="left">` + T("zh", "queue.left1") + `</span>`,
		`<span class="state">` + cases.States.Label("consulting", "zh") + `</span>`,
	} {
		if !strings.Contains(zh, want) {
			t.Errorf("zh rows lack %s", want)
		}
	}
	for _, want := range []string{`data-label="` + T("en", "queue.col.tracking") + `"`, T("en", "queue.late", 4), cases.States.Label("consulting", "en")} {
		if !strings.Contains(en, want) {
			t.Errorf("en rows lack %s", want)
		}
	}
	if strings.Contains(zh, "<script>") || strings.Count(zh, "</tr>\n") != len(rows) {
		t.Errorf("rows not escaped or not one per case:\n%s", zh)
	}
}

// The tabs keep the search and the sort in their links, escaped as in a URL's query (html/template's
// form), with the count ("+" when it stopped at its cap) and the current tab marked.
func TestQueueTabsHTML(t *testing.T) {
	d := queueData{Q: "征地 &x", View: queueView{Sort: "-due"}}
	d.Tabs = []queueTab{{Key: "mine", Count: 3}, {Key: "replied", Count: 999, More: true, Active: true}}
	got := string(queueTabsHTML(d, "zh"))
	for _, want := range []string{
		`<li><a href="/staff/queue?tab=mine&amp;q=%e5%be%81%e5%9c%b0%20%26x&amp;sort=-due" id="tab-mine">` + T("zh", "queue.tab.mine") + `<span class="n" data-count="3">3</span></a></li>` + "\n",
		`id="tab-replied" aria-current="page">` + T("zh", "queue.tab.replied") + `<span class="n" data-count="999">999+</span>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("tabs lack %s\n%s", want, got)
		}
	}
}
