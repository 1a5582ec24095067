package workflow

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	cases "foidesk/case"
)

// Day kinds reported by DayInfo.Kind and used as Step kinds of an Explanation.
const (
	DayWorkday         = "workday"          // Monday–Friday, no special rule
	DayWeekend         = "weekend"          // Saturday or Sunday, no special rule
	DayHoliday         = "holiday"          // statutory holiday (法定节假日), including its weekend days
	DayAdjustedWorkday = "adjusted_workday" // weekend day declared a working day (调休上班)
	DayOverrideWork    = "override_work"    // an administrator made the day a working day
	DayOverrideOff     = "override_off"     // an administrator made the day a day off
)

// Override is an administrator's correction of the calendar: Day is a working day when Work is
// true, a day off otherwise. Note says why (e.g. the State Council notice it copies).
type Override struct {
	Day  cases.Date `json:"day"`
	Work bool       `json:"work"`
	Note string     `json:"note"`
}

// DayInfo describes one day of the calendar.
type DayInfo struct {
	Work bool   // a working day (工作日)
	Kind string // one of the Day* kinds: workday, weekend, holiday, adjusted_workday, override_work, override_off
	Name string // the holiday's name (e.g. 春节) or the override's note
}

// Calendar is the working-day calendar of docs/rules.md §3: Monday–Friday, minus the statutory
// holidays, plus the weekend days declared working days, as published each year by the State
// Council; built-in years come from lunar-go, overlaid with administrator overrides. A year with
// neither counts Monday–Friday and is not Known.
//
// A Calendar never changes after NewCalendar and is safe for concurrent use; a change of the
// overrides builds a new Calendar.
type Calendar struct {
	builtin   *builtinData
	overrides map[int]Override // dayKey → override
	overYears map[int]bool     // years holding at least one override
}

// builtinData is lunar-go's table, parsed once: the library is immutable data.
type builtinData struct {
	days   map[int]DayInfo // dayKey → holiday or 调休 working day
	years  map[int]bool    // years with data
	sorted []specialDay    // the days of days in date order (WorkdaysBetween)
}

// specialDay is a day whose working status may differ from the Monday–Friday rule.
type specialDay struct {
	key     int  // dayKey
	work    bool // a working day
	weekday bool // Monday to Friday
}

// lunar-go's data starts on 2001-12-29; builtinLast bounds the scan for later years (any year
// the library adds up to it is picked up without a code change).
const (
	builtinFirst = 2001
	builtinLast  = 2100
)

var loadBuiltin = sync.OnceValue(func() *builtinData {
	b := &builtinData{days: map[int]DayInfo{}, years: map[int]bool{}}
	for y := builtinFirst; y <= builtinLast; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		for e := l.Front(); e != nil; e = e.Next() {
			h, ok := e.Value.(*HolidayUtil.Holiday)
			if !ok {
				continue
			}
			d, err := cases.ParseDate(h.GetDay())
			if err != nil || d.Year() != y {
				continue
			}
			info := DayInfo{Work: h.IsWork(), Kind: DayHoliday, Name: h.GetName()}
			if info.Work {
				info.Kind = DayAdjustedWorkday
			}
			b.days[dayKey(d)] = info
			b.years[y] = true
			b.sorted = append(b.sorted, specialDay{dayKey(d), info.Work, isWeekday(d.Weekday())})
		}
	}
	slices.SortFunc(b.sorted, func(x, y specialDay) int { return x.key - y.key })
	return b
})

func isWeekday(wd time.Weekday) bool { return wd != time.Saturday && wd != time.Sunday }

// dayKey is a map key for a date: yyyymmdd.
func dayKey(d cases.Date) int { return d.Year()*10000 + int(d.Month())*100 + d.Day() }

// NewCalendar returns the calendar of the built-in years overlaid with overrides. A later override
// of the same day wins; overrides with a zero Day are ignored.
func NewCalendar(overrides []Override) *Calendar {
	c := &Calendar{builtin: loadBuiltin(), overrides: map[int]Override{}, overYears: map[int]bool{}}
	for _, o := range overrides {
		if o.Day.IsZero() {
			continue
		}
		c.overrides[dayKey(o.Day)] = o
		c.overYears[o.Day.Year()] = true
	}
	return c
}

// Overrides returns the administrator overrides in date order.
func (c *Calendar) Overrides() []Override {
	out := make([]Override, 0, len(c.overrides))
	for _, o := range c.overrides {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Override) int { return a.Day.Compare(b.Day) })
	return out
}

// Known reports whether the holidays of year are known: the built-in data covers it, or an
// administrator has recorded at least one day of it (docs/rules.md §3: each November the next year
// is published and entered). Deadlines crossing an unknown year are provisional.
func (c *Calendar) Known(year int) bool {
	return c.builtin.years[year] || c.overYears[year]
}

// DayInfo returns what kind of day d is. An override wins over the built-in data, which wins over
// the Monday–Friday rule.
func (c *Calendar) DayInfo(d cases.Date) DayInfo {
	k := dayKey(d)
	if o, ok := c.overrides[k]; ok {
		if o.Work {
			return DayInfo{Work: true, Kind: DayOverrideWork, Name: o.Note}
		}
		return DayInfo{Work: false, Kind: DayOverrideOff, Name: o.Note}
	}
	if info, ok := c.builtin.days[k]; ok {
		return info
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return DayInfo{Kind: DayWeekend}
	}
	return DayInfo{Work: true, Kind: DayWorkday}
}

// IsWorkday reports whether d is a working day (docs/rules.md §3).
func (c *Calendar) IsWorkday(d cases.Date) bool { return c.isWorkday(dayKey(d), d.Weekday()) }

// isWorkday is IsWorkday of the day with key dayKey and weekday wd.
func (c *Calendar) isWorkday(key int, wd time.Weekday) bool {
	if o, ok := c.overrides[key]; ok {
		return o.Work
	}
	if info, ok := c.builtin.days[key]; ok {
		return info.Work
	}
	return isWeekday(wd)
}

// AddWorkdays returns the day on which a period of n working days from d ends: the n-th working
// day after d, d itself not counted (docs/rules.md §3: "within N working days from day D"). n = 0
// returns d; a negative n returns the |n|-th working day before d. A zero d returns the zero Date.
func (c *Calendar) AddWorkdays(d cases.Date, n int) cases.Date {
	if d.IsZero() {
		return d
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween returns the number of working days in (a, b]: a not counted, b counted. It is 0
// when b is not after a or either date is zero.
func (c *Calendar) WorkdaysBetween(a, b cases.Date) int {
	if a.IsZero() || b.IsZero() || !b.After(a) {
		return 0
	}
	// The Monday–Friday days of the range counted by arithmetic, then corrected by the days that
	// differ from that rule (holidays, 调休 working days, overrides): constant in the length of the
	// range, which the queue counts for every case it lists, some of them years overdue.
	days := int(b.Time().Sub(a.Time()) / (24 * time.Hour))
	n := 5 * (days / 7)
	wd := a.Weekday()
	for i := 0; i < days%7; i++ {
		if wd = (wd + 1) % 7; isWeekday(wd) {
			n++
		}
	}
	lo, hi := dayKey(a), dayKey(b)
	sorted := c.builtin.sorted
	i, _ := slices.BinarySearchFunc(sorted, lo+1, func(x specialDay, k int) int { return x.key - k })
	for ; i < len(sorted) && sorted[i].key <= hi; i++ {
		if _, over := c.overrides[sorted[i].key]; !over {
			n += delta(sorted[i].work, sorted[i].weekday)
		}
	}
	for k, o := range c.overrides {
		if lo < k && k <= hi {
			n += delta(o.Work, isWeekday(o.Day.Weekday()))
		}
	}
	return n
}

// delta is how a day's working status changes a count made by the Monday–Friday rule.
func delta(work, weekday bool) int {
	switch {
	case work && !weekday:
		return 1
	case !work && weekday:
		return -1
	}
	return 0
}

// Provisional reports whether the range (a, b] touches a year whose holidays are not Known: a
// deadline counted over it may still move when that year is published.
func (c *Calendar) Provisional(a, b cases.Date) bool {
	return len(c.unknownYears(a, b)) > 0
}

// unknownYears lists the years of (a, b] that are not Known.
func (c *Calendar) unknownYears(a, b cases.Date) []int {
	if a.IsZero() || b.IsZero() || !b.After(a) {
		return nil
	}
	var out []int
	for y := a.AddDays(1).Year(); y <= b.Year(); y++ {
		if !c.Known(y) {
			out = append(out, y)
		}
	}
	return out
}

// Explanation shows how a deadline was counted (docs/rules.md §3: every deadline shown to a person
// can be explained): the start day, the working days counted, the holidays and 调休 days met, the
// pauses and the extension, and the due date.
type Explanation struct {
	Start       cases.Date
	Days        int // working days counted from Start to Due
	Due         cases.Date
	Provisional bool // the count crosses a year without calendar data
	Steps       []Step
}

// Step is one line of an Explanation. Kind is "start", "due", "weekend", "provisional", one of the
// Day* kinds for a day or a run of days met, or (for the reply deadline) "period", "period_end",
// "base", "pause", "pause_ongoing", "pauses_dropped", "extension". Date is the step's (first) day,
// Days its length in days (calendar days for a run of days off, working days otherwise).
type Step struct {
	Kind   string
	Date   cases.Date
	Days   int
	Text   string // Chinese, one line
	TextEN string // English, one line
}

// Lines returns the explanation in Chinese, one line per step.
func (e Explanation) Lines() []string {
	out := make([]string, len(e.Steps))
	for i, s := range e.Steps {
		out[i] = s.Text
	}
	return out
}

// LinesEN returns the explanation in English, one line per step.
func (e Explanation) LinesEN() []string {
	out := make([]string, len(e.Steps))
	for i, s := range e.Steps {
		out[i] = s.TextEN
	}
	return out
}

// ExplainDue explains AddWorkdays(from, n): the start day (not counted), each holiday, 调休
// working day and override met up to the due date, the weekends in a summary line, a note for
// each year without data, and the due date. A negative n is treated as 0.
func (c *Calendar) ExplainDue(from cases.Date, n int) Explanation {
	n = max(n, 0)
	due := c.AddWorkdays(from, n)
	e := Explanation{Start: from, Days: n, Due: due, Provisional: c.Provisional(from, due)}
	e.Steps = append(e.Steps, Step{
		Kind: "start", Date: from,
		Text:   fmt.Sprintf("起算日 %s（当日不计入）", from),
		TextEN: fmt.Sprintf("Start %s (the day itself is not counted)", from),
	})
	days, weekends := c.daySteps(from, due)
	e.Steps = append(e.Steps, days...)
	e.Steps = appendTail(e.Steps, weekends, c.unknownYears(from, due))
	e.Steps = append(e.Steps, dueStep(due, n))
	return e
}

func dueStep(due cases.Date, n int) Step {
	if n == 0 {
		return Step{Kind: "due", Date: due,
			Text:   fmt.Sprintf("届满日 %s（当日）", due),
			TextEN: fmt.Sprintf("Due %s (the same day)", due)}
	}
	return Step{Kind: "due", Date: due, Days: n,
		Text:   fmt.Sprintf("届满日 %s（第%d个工作日）", due, n),
		TextEN: fmt.Sprintf("Due %s (working day %d)", due, n)}
}

// appendTail adds the weekend summary and one note per unknown year.
func appendTail(steps []Step, weekends int, unknown []int) []Step {
	if weekends > 0 {
		steps = append(steps, Step{Kind: DayWeekend, Days: weekends,
			Text:   fmt.Sprintf("其间周六、周日共 %d 天，不计入", weekends),
			TextEN: fmt.Sprintf("%d Saturdays and Sundays in between, not counted", weekends)})
	}
	for _, y := range unknown {
		steps = append(steps, Step{Kind: "provisional", Date: cases.NewDate(y, time.January, 1),
			Text:   fmt.Sprintf("%d年节假日安排尚无数据，暂按周一至周五计算，届满日为暂定", y),
			TextEN: fmt.Sprintf("No holiday data for %d yet: Monday to Friday counted, the due date is provisional", y)})
	}
	return steps
}

// daySteps lists the special days of (from, to] in date order — runs of holidays or overridden
// days off with the same name as one step, each 调休 or overridden working day as one step — and
// counts the ordinary weekend days.
func (c *Calendar) daySteps(from, to cases.Date) (steps []Step, weekends int) {
	if from.IsZero() || to.IsZero() {
		return nil, 0
	}
	type run struct {
		info       DayInfo
		first, end cases.Date
	}
	var runs []run
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		info := c.DayInfo(d)
		switch info.Kind {
		case DayWorkday:
		case DayWeekend:
			weekends++
		case DayHoliday, DayOverrideOff:
			if n := len(runs); n > 0 && runs[n-1].info == info && runs[n-1].end.AddDays(1).Equal(d) {
				runs[n-1].end = d
				continue
			}
			runs = append(runs, run{info, d, d})
		default: // DayAdjustedWorkday, DayOverrideWork
			runs = append(runs, run{info, d, d})
		}
	}
	for _, r := range runs {
		steps = append(steps, dayStep(r.info, r.first, r.end))
	}
	return steps, weekends
}

// dayStep renders one special day or run of days.
func dayStep(info DayInfo, first, end cases.Date) Step {
	span, spanEN := first.String(), first.String()
	if !end.Equal(first) {
		span = fmt.Sprintf("%s 至 %s", first, end)
		spanEN = fmt.Sprintf("%s to %s", first, end)
	}
	s := Step{Kind: info.Kind, Date: first, Days: end.Sub(first) + 1}
	switch info.Kind {
	case DayHoliday:
		s.Text = fmt.Sprintf("%s %s假期，不计入", span, info.Name)
		s.TextEN = fmt.Sprintf("%s %s holiday, not counted", spanEN, holidayNameEN(info.Name))
	case DayAdjustedWorkday:
		s.Text = fmt.Sprintf("%s 调休上班日，计入", span)
		s.TextEN = fmt.Sprintf("%s weekend working day (调休), counted", spanEN)
	case DayOverrideOff:
		s.Text = fmt.Sprintf("%s 经调整为休息日%s，不计入", span, paren(info.Name))
		s.TextEN = fmt.Sprintf("%s made a day off by the administrator%s, not counted", spanEN, parenEN(info.Name))
	case DayOverrideWork:
		s.Text = fmt.Sprintf("%s 经调整为工作日%s，计入", span, paren(info.Name))
		s.TextEN = fmt.Sprintf("%s made a working day by the administrator%s, counted", spanEN, parenEN(info.Name))
	}
	return s
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "（" + s + "）"
}

func parenEN(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// HolidayNameEN is the English name of a holiday of the built-in calendar (lunar-go's names);
// other names are returned as they are.
func HolidayNameEN(zh string) string { return holidayNameEN(zh) }

// holidayNameEN translates lunar-go's holiday names.
func holidayNameEN(zh string) string {
	switch zh {
	case "元旦节":
		return "New Year's Day"
	case "春节":
		return "Spring Festival"
	case "清明节":
		return "Qingming Festival"
	case "劳动节":
		return "Labour Day"
	case "端午节":
		return "Dragon Boat Festival"
	case "中秋节":
		return "Mid-Autumn Festival"
	case "国庆节":
		return "National Day"
	case "国庆中秋":
		return "National Day and Mid-Autumn Festival"
	case "抗战胜利日":
		return "Victory Day"
	}
	return zh
}
