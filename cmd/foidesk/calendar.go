package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	cases "foidesk/case"
	"foidesk/workflow"
)

const calendarUsage = `Usage:
  foidesk calendar due --from D --days N          prints the due date YYYY-MM-DD
  foidesk calendar is-workday D                   prints yes or no
  foidesk calendar explain --case TRACKING_NO     explains a case's reply deadline
  foidesk calendar explain --from D --days N      explains a count of working days
  foidesk calendar set D --work|--off --note T    records a correction of the calendar

The working-day calendar (docs/rules.md §3): Monday to Friday, minus the statutory holidays, plus the
weekend days declared working days (调休), from built-in data overlaid with the administrator's
corrections stored in the database. "Within N working days from D" ends on the N-th working day
after D. due, is-workday and explain --from work without a database (using the corrections of an
existing one) and never create one. set records a working day (--work) or a day off (--off) and
recomputes every deadline of every open case, printing "RECOMPUTED <tracking_no> <before> -> <after>"
per case whose reply deadline was recomputed and then "recomputed: N".
explain prints one line per step; --lang en prints it in English.
Flags: --db DSN (FOIDESK_DB).`

// runCalendar runs the subcommand of "foidesk calendar" named by args[0].
func runCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, calendarUsage,
		subcommand{Name: "due", Run: runCalendarDue},
		subcommand{Name: "is-workday", Run: runCalendarIsWorkday},
		subcommand{Name: "explain", Run: runCalendarExplain},
		subcommand{Name: "set", Run: runCalendarSet})
}

// readCalendar returns the calendar without creating a database: the built-in data, overlaid
// with the overrides of the database when it exists.
func readCalendar(ctx context.Context, dsn string) (*workflow.Calendar, error) {
	db, err := openExistingForCalendar(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if db == nil {
		return workflow.NewCalendar(nil), nil
	}
	defer db.Close()
	return db.Calendar(), nil
}

func parseDate(flagName, s string) (cases.Date, error) {
	if s == "" {
		return cases.Date{}, usagef("%s is required (YYYY-MM-DD)", flagName)
	}
	d, err := cases.ParseDate(s)
	if err != nil {
		return cases.Date{}, usagef("%s: %q is not a date YYYY-MM-DD", flagName, s)
	}
	return d, nil
}

// countFrom checks --from and --days of a count of working days and reads the calendar to count on.
func countFrom(ctx context.Context, dsn, from string, days int) (*workflow.Calendar, cases.Date, error) {
	d, err := parseDate("--from", from)
	if err != nil {
		return nil, d, err
	}
	if days < 0 {
		return nil, d, usagef("--days N is required (N ≥ 0)")
	}
	cal, err := readCalendar(ctx, dsn)
	return cal, d, err
}

func runCalendarDue(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "calendar due")
	dsn := f.DB()
	from := f.String("from", "", "the start day (not counted)")
	days := f.Int("days", -1, "working days")
	if err := f.parseNone(args, calendarUsage, stdout); err != nil {
		return err
	}
	cal, d, err := countFrom(ctx, *dsn, *from, *days)
	if err != nil {
		return err
	}
	due := cal.AddWorkdays(d, *days)
	if cal.Provisional(d, due) {
		logger(ctx).Warn("provisional: the count crosses a year without calendar data (Monday to Friday counted)", "from", d.String(), "due", due.String())
	}
	_, err = fmt.Fprintln(stdout, due.String())
	return err
}

func runCalendarIsWorkday(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "calendar is-workday")
	dsn := f.DB()
	pos, err := f.parse(args, calendarUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one date D")
	}
	d, err := parseDate("D", pos[0])
	if err != nil {
		return err
	}
	cal, err := readCalendar(ctx, *dsn)
	if err != nil {
		return err
	}
	answer := "no"
	if cal.IsWorkday(d) {
		answer = "yes"
	}
	_, err = fmt.Fprintln(stdout, answer)
	return err
}

func runCalendarExplain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "calendar explain")
	dsn := f.DB()
	tracking := f.String("case", "", "a case's tracking number")
	from := f.String("from", "", "the start day (not counted)")
	days := f.Int("days", -1, "working days")
	lang := f.String("lang", "zh", "zh or en")
	if err := f.parseNone(args, calendarUsage, stdout); err != nil {
		return err
	}
	var e workflow.Explanation
	switch {
	case *tracking != "" && (*from != "" || *days >= 0):
		return usagef("give either --case or --from and --days")
	case *tracking != "":
		db, err := openExistingDB(ctx, *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		c, err := db.CaseByTracking(ctx, *tracking)
		if err != nil {
			return err
		}
		e = workflow.ExplainReply(c, db.Calendar())
	default:
		cal, d, err := countFrom(ctx, *dsn, *from, *days)
		if err != nil {
			return err
		}
		e = cal.ExplainDue(d, *days)
	}
	lines := e.Lines()
	if *lang == "en" {
		lines = e.LinesEN()
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(stdout, l); err != nil {
			return err
		}
	}
	return nil
}

func runCalendarSet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "calendar set")
	dsn := f.DB()
	work := f.Bool("work", false, "the day is a working day")
	off := f.Bool("off", false, "the day is a day off")
	note := f.String("note", "", "why (e.g. 2027年春节调休上班)")
	by := f.String("by", "admin", "who records the correction")
	pos, err := f.parse(args, calendarUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one date D")
	}
	d, err := parseDate("D", pos[0])
	if err != nil {
		return err
	}
	if *work == *off {
		return usagef("give exactly one of --work and --off")
	}
	if *note == "" {
		return usagef("--note is required")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	moved, err := db.SetCalendarDay(ctx, workflow.Override{Day: d, Work: *work, Note: *note}, *by)
	if err != nil {
		return err
	}
	for _, m := range moved {
		fmt.Fprintf(stdout, "RECOMPUTED %s %s -> %s\n", m.TrackingNo, dateOrDash(m.Before), dateOrDash(m.After))
	}
	_, err = fmt.Fprintf(stdout, "recomputed: %s\n", strconv.Itoa(len(moved)))
	return err
}

func dateOrDash(d cases.Date) string {
	if d.IsZero() {
		return "-"
	}
	return d.String()
}
