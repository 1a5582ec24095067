package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	cases "foidesk/case"
)

var (
	tabCountRE = regexp.MustCompile(`id="tab-([a-z_]+)"[^>]*>[^<]*<span class="n" data-count="(\d+)"`)
	rowRE      = regexp.MustCompile(`<td data-label="[^"]*"><a href="/staff/cases/(\d+)">`)
	dueRE      = regexp.MustCompile(`<time datetime="(\d{4}-\d\d-\d\d)">`)
	nextRE     = regexp.MustCompile(`id="next-page" href="([^"]+)"`)
)

// queueFixture fills the queue with cases in every stage, with deadlines passed, near and far,
// and one case of another agency.
func queueFixture(t *testing.T, o *office) map[string]int64 {
	ids := map[string]int64{}
	add := func(key string, c *cases.Case) { ids[key] = c.ID }
	for i := range 3 {
		add("submitted"+strconv.Itoa(i), o.inState(cases.StateSubmitted))
	}
	add("reg-far", o.register("2026-11-02"))
	add("reg-today", o.register("2026-10-07")) // due 2026-11-03, today
	add("reg-late", o.register("2026-09-25"))
	for i, who := range []string{"clerk1", "clerk1", "clerk2", "clerk1"} {
		received := []string{"2026-11-02", "2026-10-08", "2026-09-28", "2026-10-30"}[i]
		c := o.register(received)
		o.fire(c.ID, "sup1", "accept", map[string]string{"assignee": who})
		add("prog"+strconv.Itoa(i), c)
	}
	add("corr", o.inState(cases.StateAwaitingCorrection))
	add("cons", o.inState(cases.StateConsulting))
	add("fee", o.inState(cases.StateAwaitingFee))
	add("pend1", o.inState(cases.StatePendingApproval))
	add("pend2", o.inState(cases.StatePendingApproval))
	add("replied", o.inState(cases.StateReplied))
	add("closed", o.inState(cases.StateClosed))
	// Another agency's case never shows.
	other, err := o.db.RegisterPaper(o.ctx, paperApp("2026-09-25"), o.actor("clerkb"))
	if err != nil {
		t.Fatal(err)
	}
	ids["other"] = other.ID
	return ids
}

// Every tab's count equals the number of rows its pages list (keyset pagination, 2 a page), rows
// are sorted by deadline, and the other agency's case never appears.
func TestQueueCountsMatchLists(t *testing.T) {
	o := newOffice(t)
	ids := queueFixture(t, o)
	b := o.as("clerk1")
	for _, q := range []string{"", "老旧小区", "张三"} {
		w := b.get("/staff/queue?q=" + q)
		counts := map[string]int{}
		for _, m := range tabCountRE.FindAllStringSubmatch(w.Body.String(), -1) {
			counts[m[1]], _ = strconv.Atoi(m[2])
		}
		if len(counts) != len(queueTabs) {
			t.Fatalf("tabs shown: %v", counts)
		}
		for _, tab := range queueTabs {
			listed, pages, last := 0, 0, ""
			seen := map[string]bool{}
			next := "/staff/queue?tab=" + tab + "&limit=2&q=" + q
			for next != "" {
				w := b.get(next)
				if w.Code != http.StatusOK {
					t.Fatalf("%s: %d", next, w.Code)
				}
				body := w.Body.String()
				for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
					if seen[m[1]] {
						t.Errorf("tab %s lists case %s twice", tab, m[1])
					}
					seen[m[1]] = true
					if m[1] == strconv.FormatInt(ids["other"], 10) {
						t.Errorf("tab %s lists another agency's case", tab)
					}
					listed++
				}
				for _, d := range dueRE.FindAllStringSubmatch(body, -1) {
					if d[1] < last {
						t.Errorf("tab %s not sorted by deadline: %s after %s", tab, d[1], last)
					}
					last = d[1]
				}
				next = ""
				if m := nextRE.FindStringSubmatch(body); m != nil {
					next = strings.ReplaceAll(m[1], "&amp;", "&")
				}
				if pages++; pages > 50 {
					t.Fatal("no end of pages")
				}
			}
			if listed != counts[tab] {
				t.Errorf("q=%q tab %s: count %d, listed %d", q, tab, counts[tab], listed)
			}
		}
		if q == "" {
			want := map[string]int{"to_register": 3, "registered": 3, "mine": 3, "in_progress": 4, "paused": 3, "pending_approval": 2, "replied": 2}
			for tab, n := range want {
				if counts[tab] != n {
					t.Errorf("tab %s: %d, want %d", tab, counts[tab], n)
				}
			}
			if counts["overdue"] != 2 || counts["due_soon"] != 4 {
				t.Errorf("overdue %d, due soon %d", counts["overdue"], counts["due_soon"])
			}
		}
	}
}

// Rows show the deadline as a date and in working days; overdue is said in words.
func TestQueueRowDeadlines(t *testing.T) {
	o := newOffice(t)
	ids := queueFixture(t, o)
	b := o.as("clerk1")
	body := b.get("/staff/queue?tab=registered").Body.String()
	page := pageText(body)
	for _, want := range []string{"2026-11-30 剩余 19 个工作日", "2026-11-03 今日届满", "逾期 "} {
		if !strings.Contains(page, want) {
			t.Errorf("registered tab lacks %q: %s", want, page)
		}
	}
	if !strings.Contains(body, `<span class="late">逾期 `) {
		t.Error("overdue not marked in words")
	}
	en := pageText(b.get("/staff/queue?tab=overdue&lang=en").Body.String())
	if !strings.Contains(en, "Overdue by ") {
		t.Errorf("English overdue: %s", en)
	}
	// Search by tracking number finds exactly that case.
	c := o.load(ids["reg-late"])
	w := b.get("/staff/queue?tab=registered&q=" + c.TrackingNo)
	if m := rowRE.FindAllStringSubmatch(w.Body.String(), -1); len(m) != 1 || m[0][1] != strconv.FormatInt(c.ID, 10) {
		t.Errorf("search by tracking number: %v", m)
	}
	// The supervisor's overview lists every overdue and due-soon case across clerks.
	s := o.as("sup1")
	ov := s.get("/staff/overview")
	if ov.Code != http.StatusOK {
		t.Fatalf("overview: %d", ov.Code)
	}
	ot := pageText(ov.Body.String())
	for _, key := range []string{"reg-late", "prog2", "reg-today"} {
		if !strings.Contains(ot, o.load(ids[key]).TrackingNo) {
			t.Errorf("overview lacks %s", key)
		}
	}
	if !strings.Contains(ot, "待审批的答复：2 件") || !strings.Contains(ot, "clerk2") {
		t.Errorf("overview: %s", ot)
	}
}

// The queue page sorts by its columns and filters by assignee, channel, receipt dates, overdue
// and paused, all kept in the URL (a view can be bookmarked); assignees show by display name.
func TestQueueViewSortAndFilter(t *testing.T) {
	o := newOffice(t)
	early := o.register("2026-10-08") // overdue by 2026-11-03? due 2026-11-05: not yet
	late := o.register("2026-10-30")
	app := paperApp("2026-10-20")
	app.Channel = cases.ChannelPostRegistered
	byPost, err := o.db.RegisterPaper(o.ctx, app, o.actor("clerk1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*cases.Case{early, late} {
		o.fire(c.ID, "clerk1", "accept", nil)
	}
	o.fire(byPost.ID, "clerk2", "accept", nil)
	b := o.as("sup1")
	order := func(path string) []string {
		t.Helper()
		w := b.get(path)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, w.Code)
		}
		var out []string
		for _, m := range regexp.MustCompile(`href="/staff/cases/\d+">([A-Z0-9]+)</a>`).FindAllStringSubmatch(w.Body.String(), -1) {
			out = append(out, m[1])
		}
		return out
	}
	tn := func(cs ...*cases.Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.TrackingNo)
		}
		return out
	}
	if got, want := order("/staff/queue?tab=in_progress&sort=received"), tn(early, byPost, late); !slices.Equal(got, want) {
		t.Errorf("sort=received: %v, want %v", got, want)
	}
	if got, want := order("/staff/queue?tab=in_progress&sort=-received"), tn(late, byPost, early); !slices.Equal(got, want) {
		t.Errorf("sort=-received: %v, want %v", got, want)
	}
	if got, want := order("/staff/queue?tab=in_progress&channel=post_registered"), tn(byPost); !slices.Equal(got, want) {
		t.Errorf("channel: %v, want %v", got, want)
	}
	if got, want := order("/staff/queue?tab=in_progress&assignee=clerk2"), tn(byPost); !slices.Equal(got, want) {
		t.Errorf("assignee: %v, want %v", got, want)
	}
	if got, want := order("/staff/queue?tab=in_progress&from=2026-10-15&to=2026-10-25"), tn(byPost); !slices.Equal(got, want) {
		t.Errorf("received from/to: %v, want %v", got, want)
	}
	page := b.get("/staff/queue?tab=in_progress&sort=-received").Body.String()
	if !strings.Contains(page, `aria-sort="descending"`) || !strings.Contains(page, `href="/staff/queue?sort=received&amp;tab=in_progress"`) {
		t.Errorf("sort links: the received column should be descending and link to ascending")
	}
}
