package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The calendar's year view at 1280 px: four month tables side by side, nothing wider than the
// window; a correction is reached with the keyboard (its day's link, Enter) and leads to its row
// with the delete button.
func TestBrowserCalendarYear(t *testing.T) {
	o := newOffice(t)
	if _, err := o.db.SetCalendarDay(o.ctx, workflow.Override{Day: cases.MustDate("2026-11-20"), Work: false, Note: "测试：临时休息日"}, "admin1"); err != nil {
		t.Fatal(err)
	}
	u := newHTTPServer(t, o)
	ctx := newBrowser(t, 1280, 900)
	staffLogin(t, ctx, u, "admin1")
	browse(t, ctx, "year view", chromedp.Navigate(u+"/admin/calendar?year=2026"), arrive(chromedp.ID("m2026-12")))
	layout := browseGet(t, ctx, "layout", chromedp.Evaluate[[]float64](`(() => {
		const tops = [...document.querySelectorAll("table.cal-month")].map(e => Math.round(e.getBoundingClientRect().top));
		return [tops.length, tops.slice(0, 4).filter(x => x === tops[0]).length, tops[4] > tops[0] ? 1 : 0,
			document.documentElement.scrollWidth, window.innerWidth];
	})()`))
	if layout[0] != 12 || layout[1] != 4 || layout[2] != 1 || layout[3] > layout[4] {
		t.Errorf("layout at 1280 px: %d tables, %v in the first row, wraps %v, page width %v in a window of %v", int(layout[0]), layout[1], layout[2], layout[3], layout[4])
	}
	link := `a[href="#ov-2026-11-20"]`
	browse(t, ctx, "correction by keyboard", chromedp.Focus(chromedp.CSS(link)), pressEnter(),
		waitJS(`location.hash === "#ov-2026-11-20"`))
	if got := browserText(t, ctx, "#ov-2026-11-20"); got == "" {
		t.Error("the correction's row is empty")
	}
	if n := browseGet(t, ctx, "delete button", chromedp.Evaluate[int](`document.querySelectorAll('#ov-2026-11-20 form[action="/admin/calendar/delete"] button').length`)); n != 1 {
		t.Errorf("the correction's row has %d delete buttons", n)
	}
}
