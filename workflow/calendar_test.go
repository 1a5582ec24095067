package workflow

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cases "foidesk/case"
)

var ymd = cases.MustDate

// dayRange expands "2026-02-15..2026-02-23" or a single "2026-02-14".
func dayRange(t *testing.T, s string) []cases.Date {
	t.Helper()
	from, to, ok := strings.Cut(s, "..")
	if !ok {
		to = from
	}
	var out []cases.Date
	for x := ymd(from); !x.After(ymd(to)); x = x.AddDays(1) {
		out = append(out, x)
	}
	return out
}

// officialYears are the State Council notices (国务院办公厅关于部分节假日安排的通知) for 2024
// (国办发明电〔2023〕7号), 2025 (国办发明电〔2024〕12号) and 2026 (docs/rules.md §3): the weekday
// holidays and the weekend working days (调休上班).
var officialYears = []struct {
	year int
	off  []string // holidays (weekend days inside them are off anyway)
	work []string // weekend days declared working days
}{
	{2024,
		[]string{"2024-01-01", "2024-02-10..2024-02-17", "2024-04-04..2024-04-06", "2024-05-01..2024-05-05", "2024-06-10", "2024-09-15..2024-09-17", "2024-10-01..2024-10-07"},
		[]string{"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"}},
	{2025,
		[]string{"2025-01-01", "2025-01-28..2025-02-04", "2025-04-04..2025-04-06", "2025-05-01..2025-05-05", "2025-05-31..2025-06-02", "2025-10-01..2025-10-08"},
		[]string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}},
	{2026,
		[]string{"2026-01-01..2026-01-03", "2026-02-15..2026-02-23", "2026-04-04..2026-04-06", "2026-05-01..2026-05-05", "2026-06-19..2026-06-21", "2026-09-25..2026-09-27", "2026-10-01..2026-10-07"},
		[]string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}},
}

// docs/rules.md §3: the built-in calendar equals the official notices, day by day, for the whole of
// 2024, 2025 and 2026.
func TestIsWorkdayOfficialYears(t *testing.T) {
	cal := NewCalendar(nil)
	for _, y := range officialYears {
		t.Run(fmt.Sprint(y.year), func(t *testing.T) {
			if !cal.Known(y.year) {
				t.Fatalf("Known(%d) = false", y.year)
			}
			want := map[cases.Date]bool{} // exceptions to Monday–Friday
			for _, r := range y.off {
				for _, x := range dayRange(t, r) {
					want[x] = false
				}
			}
			for _, r := range y.work {
				for _, x := range dayRange(t, r) {
					if wd := x.Weekday(); wd != time.Saturday && wd != time.Sunday {
						t.Fatalf("%s is listed as a weekend working day but is a %s", x, wd)
					}
					want[x] = true
				}
			}
			for x := cases.NewDate(y.year, 1, 1); x.Year() == y.year; x = x.AddDays(1) {
				w, special := want[x]
				if !special {
					w = x.Weekday() != time.Saturday && x.Weekday() != time.Sunday
				}
				if got := cal.IsWorkday(x); got != w {
					t.Errorf("IsWorkday(%s %s) = %v, want %v (%+v)", x, x.Weekday(), got, w, cal.DayInfo(x))
				}
			}
		})
	}
}

func TestDayInfo(t *testing.T) {
	cal := NewCalendar([]Override{
		{Day: ymd("2026-03-02"), Work: false, Note: "台风停工"},
		{Day: ymd("2026-03-07"), Work: true, Note: "补班"},
	})
	for _, tc := range []struct {
		day  string
		want DayInfo
	}{
		{"2026-02-10", DayInfo{true, DayWorkday, ""}},
		{"2026-02-08", DayInfo{false, DayWeekend, ""}},
		{"2026-02-16", DayInfo{false, DayHoliday, "春节"}},
		{"2026-02-15", DayInfo{false, DayHoliday, "春节"}}, // a Sunday inside the holiday
		{"2026-02-14", DayInfo{true, DayAdjustedWorkday, "春节"}},
		{"2026-10-10", DayInfo{true, DayAdjustedWorkday, "国庆节"}},
		{"2026-03-02", DayInfo{false, DayOverrideOff, "台风停工"}},
		{"2026-03-07", DayInfo{true, DayOverrideWork, "补班"}},
		{"2028-01-03", DayInfo{true, DayWorkday, ""}}, // no data: Monday–Friday
		{"2028-01-01", DayInfo{false, DayWeekend, ""}},
	} {
		if got := cal.DayInfo(ymd(tc.day)); got != tc.want {
			t.Errorf("DayInfo(%s) = %+v, want %+v", tc.day, got, tc.want)
		}
		if got := cal.IsWorkday(ymd(tc.day)); got != tc.want.Work {
			t.Errorf("IsWorkday(%s) = %v, want %v", tc.day, got, tc.want.Work)
		}
	}
}

// docs/rules.md §3: "within N working days from day D" ends on the N-th working day after D.
func TestAddWorkdays(t *testing.T) {
	cal := NewCalendar(nil)
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-10", 20, "2026-03-16"}, // docs/rules.md §3 example: Spring Festival, 2/14 and 2/28 worked
		{"2026-02-10", 0, "2026-02-10"},
		{"2026-02-10", 1, "2026-02-11"},
		{"2026-02-13", 1, "2026-02-14"}, // Friday → the 调休 Saturday
		{"2026-02-14", 1, "2026-02-24"}, // across the whole Spring Festival
		{"2026-02-14", -1, "2026-02-13"},
		{"2026-03-16", -20, "2026-02-10"},
		{"2026-09-18", 20, "2026-10-22"}, // Art. 33 across Mid-Autumn and National Day 2026, 9/20 and 10/10 worked
		{"2026-09-30", 1, "2026-10-08"},
		{"2026-01-01", 1, "2026-01-04"}, // a holiday start; 1/4 (Sunday) is worked
		{"2026-02-07", 1, "2026-02-09"}, // a Saturday start
		{"2028-01-07", 1, "2028-01-10"}, // no data: Monday–Friday
	} {
		if got := cal.AddWorkdays(ymd(tc.from), tc.n); got != ymd(tc.want) {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	if got := cal.AddWorkdays(cases.Date{}, 5); !got.IsZero() {
		t.Errorf("AddWorkdays(zero, 5) = %s, want zero", got)
	}
}

func TestWorkdaysBetween(t *testing.T) {
	cal := NewCalendar(nil)
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2026-02-10", "2026-03-16", 20},
		{"2026-02-10", "2026-02-10", 0},
		{"2026-03-16", "2026-02-10", 0},
		{"2026-02-13", "2026-02-24", 2}, // 2/14 (调休) and 2/24
		{"2026-09-30", "2026-10-08", 1},
		{"2025-12-31", "2026-01-05", 2}, // 1/4 (调休 Sunday) and 1/5
	} {
		if got := cal.WorkdaysBetween(ymd(tc.a), ymd(tc.b)); got != tc.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if got := cal.WorkdaysBetween(cases.Date{}, ymd("2026-01-05")); got != 0 {
		t.Errorf("WorkdaysBetween(zero, …) = %d, want 0", got)
	}
	// AddWorkdays and WorkdaysBetween agree everywhere.
	for from := ymd("2025-12-01"); from.Before(ymd("2027-02-01")); from = from.AddDays(3) {
		for _, n := range []int{1, 7, 15, 20, 40} {
			if got := cal.WorkdaysBetween(from, cal.AddWorkdays(from, n)); got != n {
				t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d)) = %d", from, from, n, got)
			}
		}
	}
}

func TestKnown(t *testing.T) {
	cal := NewCalendar(nil)
	for y := 2002; y <= 2027; y++ {
		if !cal.Known(y) {
			t.Errorf("Known(%d) = false, lunar-go has data", y)
		}
	}
	for _, y := range []int{1999, 2028, 2030} {
		if cal.Known(y) {
			t.Errorf("Known(%d) = true", y)
		}
	}
	// docs/rules.md §3: an administrator enters next year's days each November.
	cal = NewCalendar([]Override{{Day: ymd("2028-01-03"), Work: false, Note: "元旦"}})
	if !cal.Known(2028) {
		t.Error("Known(2028) = false after an override in 2028")
	}
	if cal.Known(2029) {
		t.Error("Known(2029) = true")
	}
}

func TestOverrides(t *testing.T) {
	in := []Override{
		{Day: ymd("2028-10-02"), Note: "国庆"},
		{Day: ymd("2026-03-02"), Note: "first"},
		{},
		{Day: ymd("2026-03-02"), Work: true, Note: "second wins"},
	}
	got := NewCalendar(in).Overrides()
	want := []Override{
		{Day: ymd("2026-03-02"), Work: true, Note: "second wins"},
		{Day: ymd("2028-10-02"), Note: "国庆"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Overrides() = %+v, want %+v", got, want)
	}
	if got := NewCalendar(nil).Overrides(); len(got) != 0 {
		t.Errorf("Overrides() of no overrides = %+v", got)
	}
}

// docs/rules.md §3: an override turning a weekday off moves a deadline and marks nothing provisional.
func TestOverrideMovesDeadline(t *testing.T) {
	base := NewCalendar(nil)
	cal := NewCalendar([]Override{{Day: ymd("2026-03-04"), Work: false, Note: "暴雨停工"}})
	if got := base.AddWorkdays(ymd("2026-02-10"), 20); got != ymd("2026-03-16") {
		t.Fatalf("without override: %s", got)
	}
	if got := cal.AddWorkdays(ymd("2026-02-10"), 20); got != ymd("2026-03-17") {
		t.Errorf("with 2026-03-04 off: AddWorkdays = %s, want 2026-03-17", got)
	}
	e := cal.ExplainDue(ymd("2026-02-10"), 20)
	if e.Provisional || e.Due != ymd("2026-03-17") {
		t.Errorf("ExplainDue = due %s provisional %v", e.Due, e.Provisional)
	}
	if !slices.Contains(e.Lines(), "2026-03-04 经调整为休息日（暴雨停工），不计入") {
		t.Errorf("explanation lacks the override:\n%s", strings.Join(e.Lines(), "\n"))
	}
	// An override in a built-in year can also make a 调休 Saturday a day off again.
	cal = NewCalendar([]Override{{Day: ymd("2026-02-14"), Work: false}})
	if got := cal.AddWorkdays(ymd("2026-02-10"), 20); got != ymd("2026-03-17") {
		t.Errorf("with 2026-02-14 off: AddWorkdays = %s, want 2026-03-17", got)
	}
}

// docs/rules.md §3 / docs/design.md "Deadlines": a count crossing a year without data is provisional until
// that year is set.
func TestProvisional(t *testing.T) {
	cal := NewCalendar(nil)
	e := cal.ExplainDue(ymd("2027-12-20"), 20)
	if !e.Provisional {
		t.Errorf("2027→2028 crossing not provisional: %+v", e)
	}
	if !cal.Provisional(ymd("2027-12-20"), e.Due) {
		t.Error("Provisional(2027-12-20, due) = false")
	}
	if cal.Provisional(ymd("2027-12-01"), ymd("2027-12-31")) {
		t.Error("a range within 2027 is provisional")
	}
	if cal.Provisional(ymd("2027-12-31"), ymd("2027-12-31")) {
		t.Error("an empty range is provisional")
	}
	// The start day itself is not counted: a range ending on 2027-12-31 from 2028 is empty anyway,
	// and one starting on 2027-12-31 touches 2028 only through its counted days.
	if !cal.Provisional(ymd("2027-12-31"), ymd("2028-01-03")) {
		t.Error("(2027-12-31, 2028-01-03] is not provisional")
	}
	last := e.Steps[len(e.Steps)-2]
	if last.Kind != "provisional" || !strings.Contains(last.Text, "2028年") {
		t.Errorf("no provisional step before the due date: %+v", e.Steps)
	}

	cal = NewCalendar([]Override{{Day: ymd("2028-01-03"), Work: false, Note: "元旦"}})
	e2 := cal.ExplainDue(ymd("2027-12-20"), 20)
	if e2.Provisional {
		t.Error("2028 with overrides still provisional")
	}
	if !e2.Due.After(e.Due) {
		t.Errorf("override 2028-01-03 off did not move the due date: %s vs %s", e2.Due, e.Due)
	}
}

// docs/rules.md §3: every deadline shown to a person can be explained.
func TestExplainDueSpringFestival(t *testing.T) {
	cal := NewCalendar(nil)
	e := cal.ExplainDue(ymd("2026-02-10"), 20)
	want := []string{
		"起算日 2026-02-10（当日不计入）",
		"2026-02-14 调休上班日，计入",
		"2026-02-15 至 2026-02-23 春节假期，不计入",
		"2026-02-28 调休上班日，计入",
		"其间周六、周日共 5 天，不计入",
		"届满日 2026-03-16（第20个工作日）",
	}
	if got := e.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e.Start != ymd("2026-02-10") || e.Days != 20 || e.Due != ymd("2026-03-16") || e.Provisional {
		t.Errorf("Explanation = %+v", e)
	}
	if n := len(e.LinesEN()); n != len(want) {
		t.Errorf("LinesEN has %d lines", n)
	}
	if s := e.Steps[2]; s.Kind != DayHoliday || s.Date != ymd("2026-02-15") || s.Days != 9 {
		t.Errorf("holiday step = %+v", s)
	}
}

// Art. 33 across Mid-Autumn and National Day 2026.
func TestExplainDueNationalDay(t *testing.T) {
	cal := NewCalendar(nil)
	e := cal.ExplainDue(ymd("2026-09-18"), 20)
	want := []string{
		"起算日 2026-09-18（当日不计入）",
		"2026-09-20 调休上班日，计入",
		"2026-09-25 至 2026-09-27 中秋节假期，不计入",
		"2026-10-01 至 2026-10-07 国庆节假期，不计入",
		"2026-10-10 调休上班日，计入",
		"其间周六、周日共 4 天，不计入",
		"届满日 2026-10-22（第20个工作日）",
	}
	if got := e.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e0 := cal.ExplainDue(ymd("2026-09-18"), 0); e0.Due != ymd("2026-09-18") || len(e0.Steps) != 2 {
		t.Errorf("ExplainDue(…, 0) = %+v", e0)
	}
}

func TestCalendarConcurrentReads(t *testing.T) {
	cal := NewCalendar([]Override{{Day: ymd("2026-03-04")}})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := cal.AddWorkdays(ymd("2026-02-10"), 20); got != ymd("2026-03-17") {
					t.Errorf("AddWorkdays = %s", got)
				}
				_ = cal.ExplainDue(ymd("2027-12-20"), 20)
			}
		})
	}
	wg.Wait()
}

func BenchmarkAddWorkdays(b *testing.B) {
	cal := NewCalendar([]Override{{Day: ymd("2026-03-04")}})
	for b.Loop() {
		cal.AddWorkdays(ymd("2026-02-10"), 40)
	}
}

// WorkdaysBetween counts the working days of (a, b] as IsWorkday says them, over the built-in
// years, the years beyond them and administrator overrides (docs/rules.md §3).
func TestWorkdaysBetweenCountsEachWorkday(t *testing.T) {
	// Overrides on an ordinary weekday, on a built-in holiday (2026-10-02 worked), on a built-in
	// 调休 day and on a weekend; ranges starting on every weekday, some past the built-in years.
	cal := NewCalendar([]Override{{Day: ymd("2026-10-10"), Work: true, Note: "调休"}, {Day: ymd("2026-11-03"), Work: false, Note: "停电"},
		{Day: ymd("2026-10-02"), Work: true, Note: "加班"}, {Day: ymd("2026-02-14"), Work: false, Note: "取消调休"}, {Day: ymd("2101-01-03"), Work: true, Note: "x"}})
	var starts []cases.Date
	for _, start := range []cases.Date{ymd("2019-12-20"), ymd("2098-06-01")} {
		for i := 0; i < 400; i++ {
			starts = append(starts, start.AddDays(i*5))
		}
	}
	for _, o := range cal.Overrides() { // ranges that begin or end on and around each override
		for i := -3; i <= 3; i++ {
			starts = append(starts, o.Day.AddDays(i), o.Day.AddDays(i-6), o.Day.AddDays(i-45))
		}
	}
	for _, a := range starts {
		for _, span := range []int{0, 1, 3, 6, 10, 45, 400, 1500} {
			b := a.AddDays(span)
			want := 0
			for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
				if cal.IsWorkday(d) {
					want++
				}
			}
			if got := cal.WorkdaysBetween(a, b); got != want {
				t.Fatalf("(%s, %s]: %d working days, want %d", a, b, got, want)
			}
		}
	}
}
