package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The year view of the working-day calendar of docs/rules.md §3 on /admin/calendar
// (docs/operations.md "Install"): twelve month tables, each day marked by what the shared calendar makes of it —
// working day, rest day, public holiday (法定节假日, named), 调休 working weekend, or an
// administrator's correction (linked to its row with the delete button) — by a letter or symbol
// explained in a key, not by colour alone.

// calYear is the year shown.
type calYear struct {
	Year       int
	Prev, Next int  // the neighbouring years; 0 at the ends of the range
	ThisYear   int  // today's year, linked when another is shown
	Known      bool // the holidays of the year are known (built-in data or a correction)
	Months     []calMonth
	Weekdays   []calWeekday
	Key        []calKey // the marks explained
}

type calKey struct{ Kind, Mark, Label string }

type calWeekday struct{ Short, Long string }

// calMonth is one month's table: weeks of seven days from Monday, with blank days before the 1st
// and after the last; Notes name its holidays, 调休 days and corrections.
type calMonth struct {
	ID       string // "m2026-10"
	Caption  string
	Workdays int
	Weeks    [][]calDay
	Notes    []calNote
}

type calDay struct {
	Date     cases.Date // zero: a blank before the 1st or after the last day
	Day      int
	Kind     string // a workflow.Day* kind
	Mark     string // the letter or symbol of the kind ("" for a working day)
	Label    string // what the day is, in words (for screen readers and the tooltip)
	Override bool   // an administrator's correction: linked to its row
	Today    bool
}

// calNote is a holiday (a run of days), a 调休 day or a correction of the month, in words.
type calNote struct {
	Text     string
	Override cases.Date // a correction: linked to its row
}

// calYearMin and calYearMax bound the years shown (the Regulations apply from 2008; dates end at 9999).
const (
	calYearMin = 2008
	calYearMax = 9999
)

// calendarYear builds the year view of year from the shared calendar.
func calendarYear(cal *workflow.Calendar, year int, today cases.Date, l string) calYear {
	y := calYear{Year: year, ThisYear: today.Year(), Known: cal.Known(year)}
	if year > calYearMin {
		y.Prev = year - 1
	}
	if year < calYearMax {
		y.Next = year + 1
	}
	short, long := strings.Fields(T(l, "admin.calendar.weekdays")), strings.Fields(T(l, "admin.calendar.weekdays_long"))
	for i := range short {
		y.Weekdays = append(y.Weekdays, calWeekday{short[i], long[i]})
	}
	for _, k := range []string{workflow.DayWeekend, workflow.DayHoliday, workflow.DayAdjustedWorkday, workflow.DayOverrideWork, workflow.DayOverrideOff} {
		y.Key = append(y.Key, calKey{k, T(l, "admin.calendar.mark."+k), T(l, "admin.calendar.kind."+k)})
	}
	for m := time.January; m <= time.December; m++ {
		y.Months = append(y.Months, calendarMonth(cal, year, m, today, l))
	}
	return y
}

func calendarMonth(cal *workflow.Calendar, year int, m time.Month, today cases.Date, l string) calMonth {
	first := cases.NewDate(year, m, 1)
	cm := calMonth{ID: fmt.Sprintf("m%04d-%02d", year, m), Caption: fmt.Sprintf("%d年%d月", year, m)}
	if l == langEN {
		cm.Caption = fmt.Sprintf("%s %d", m, year)
	}
	week := make([]calDay, (int(first.Weekday())+6)%7) // blanks from Monday
	type run struct {
		info       workflow.DayInfo
		first, end cases.Date
	}
	var runs []run
	for d := first; d.Month() == m; d = d.AddDays(1) {
		info := cal.DayInfo(d)
		day := calDay{Date: d, Day: d.Day(), Kind: info.Kind, Today: d.Equal(today),
			Override: info.Kind == workflow.DayOverrideWork || info.Kind == workflow.DayOverrideOff}
		if info.Work {
			cm.Workdays++
		}
		if info.Kind != workflow.DayWorkday {
			day.Mark = T(l, "admin.calendar.mark."+info.Kind)
			day.Label = T(l, "admin.calendar.kind."+info.Kind)
			if info.Name != "" {
				day.Label += T(l, "p.lp") + dayName(info, l) + T(l, "p.rp")
			}
		}
		week = append(week, day)
		if len(week) == 7 {
			cm.Weeks = append(cm.Weeks, week)
			week = nil
		}
		switch info.Kind {
		case workflow.DayWorkday, workflow.DayWeekend:
		case workflow.DayHoliday:
			if n := len(runs); n > 0 && runs[n-1].info == info && runs[n-1].end.AddDays(1).Equal(d) {
				runs[n-1].end = d
				continue
			}
			runs = append(runs, run{info, d, d})
		default:
			runs = append(runs, run{info, d, d})
		}
	}
	if len(week) > 0 {
		week = append(week, make([]calDay, 7-len(week))...)
		cm.Weeks = append(cm.Weeks, week)
	}
	for _, r := range runs {
		n := calNote{Text: daySpan(r.first, r.end, l) + T(l, "p.colon") + T(l, "admin.calendar.kind."+r.info.Kind)}
		if r.info.Name != "" {
			n.Text += T(l, "p.lp") + dayName(r.info, l) + T(l, "p.rp")
		}
		if r.info.Kind == workflow.DayOverrideWork || r.info.Kind == workflow.DayOverrideOff {
			n.Override = r.first
		}
		cm.Notes = append(cm.Notes, n)
	}
	return cm
}

// dayName is a holiday's name (in English for the built-in ones) or a correction's ground.
func dayName(info workflow.DayInfo, l string) string {
	if l == langEN && (info.Kind == workflow.DayHoliday || info.Kind == workflow.DayAdjustedWorkday) {
		return workflow.HolidayNameEN(info.Name)
	}
	return info.Name
}

// daySpan is a day or a run of days of one month: 10月1日至7日, 1–7 October.
func daySpan(first, end cases.Date, l string) string {
	if l == langEN {
		if first.Equal(end) {
			return fmt.Sprintf("%d %s", first.Day(), first.Month())
		}
		return fmt.Sprintf("%d–%d %s", first.Day(), end.Day(), first.Month())
	}
	if first.Equal(end) {
		return fmt.Sprintf("%d月%d日", first.Month(), first.Day())
	}
	return fmt.Sprintf("%d月%d日至%d日", first.Month(), first.Day(), end.Day())
}

// calendarYearParam reads ?year= (default: the year of today, or of the day just changed).
func calendarYearParam(c *gin.Context, def int) (int, error) {
	if c.Query("year") == "" {
		return def, nil
	}
	return intParam(c, "year", def)
}
