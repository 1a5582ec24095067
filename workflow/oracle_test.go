package workflow_test

// A second, independent oracle for the reply clock (docs/rules.md §3, §4): random histories are
// played on the workflow (Apply, with the calendar recomputation the store runs after a calendar
// change) and, separately, on a deliberately naive simulator written here from the rules' text.
// The simulator shares no code with package workflow: it has its own 2026 calendar (the State
// Council's notice as docs/rules.md §3 lists it), walks the calendar one day at a time, and keeps
// its own account of the facts (restarts, pauses, extensions, handlings). After every event the
// stored deadlines must equal the simulator's.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// ---- the naive simulator -------------------------------------------------------------------

// oracleHolidays2026 and oracleWorkWeekends2026 are the 2026 notice (docs/rules.md §3).
var (
	oracleHolidays2026 = []string{"01-01", "01-02", "01-03", "02-15", "02-16", "02-17", "02-18", "02-19", "02-20", "02-21", "02-22", "02-23",
		"04-04", "04-05", "04-06", "05-01", "05-02", "05-03", "05-04", "05-05", "06-19", "06-20", "06-21", "09-25", "09-26", "09-27",
		"10-01", "10-02", "10-03", "10-04", "10-05", "10-06", "10-07"}
	oracleWorkWeekends2026 = []string{"01-04", "02-14", "02-28", "05-09", "09-20", "10-10"}
)

type day = time.Time

func mkday(y int, m time.Month, d int) day { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

type simCalendar struct {
	base     map[int]bool // 20260101 → work (holidays false, 调休 true)
	override map[int]bool
}

func key(d day) int { return d.Year()*10000 + int(d.Month())*100 + d.Day() }

func keyOf(mmdd string) int {
	var m, d int
	fmt.Sscanf(mmdd, "%d-%d", &m, &d)
	return 20260000 + m*100 + d
}

func newSimCalendar() *simCalendar {
	c := &simCalendar{base: map[int]bool{}, override: map[int]bool{}}
	for _, s := range oracleHolidays2026 {
		c.base[keyOf(s)] = false
	}
	for _, s := range oracleWorkWeekends2026 {
		c.base[keyOf(s)] = true
	}
	return c
}

func (c *simCalendar) work(d day) bool {
	k := key(d)
	if w, ok := c.override[k]; ok {
		return w
	}
	if w, ok := c.base[k]; ok {
		return w
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// after returns the n-th working day after d, walking one day at a time.
func (c *simCalendar) after(d day, n int) day {
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.work(d) {
			n--
		}
	}
	return d
}

// between counts the working days of (a, b], one day at a time.
func (c *simCalendar) between(a, b day) int {
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.work(d) {
			n++
		}
	}
	return n
}

type simPause struct {
	kind       string
	start, end day // end zero while it lasts
}

// sim is what the rules say a case's clock is made of.
type sim struct {
	cal   *simCalendar
	state string
	// the handling: received (or reopened) on handled; one correction, one fee notice per handling
	handled      day
	corrections  int
	correctionOn day
	feeOn        day
	// the reply period of the current restart: from start, 20 working days, the pauses of this
	// restart, and one extension granted since the restart
	start      day
	pauses     []simPause
	extDays    int
	extensions int
	consultOn  day
	// frozen is the deadline in force when the case was concluded: a calendar change moves only
	// open cases (docs/rules.md §3).
	frozen day
}

func (s *sim) replyDue() day {
	if !s.frozen.IsZero() {
		return s.frozen
	}
	due := s.cal.after(s.start, 20)
	extra := s.extDays
	for _, p := range s.pauses {
		if !p.end.IsZero() {
			extra += s.cal.between(p.start, p.end)
		}
	}
	return s.cal.after(due, extra)
}

func (s *sim) running() *simPause {
	for i := range s.pauses {
		if s.pauses[i].end.IsZero() {
			return &s.pauses[i]
		}
	}
	return nil
}

func (s *sim) correctionNoticeBy() day { return s.cal.after(s.handled, 7) }
func (s *sim) correctionDue() day      { return s.cal.after(s.correctionOn, 15) }
func (s *sim) consultationDue() day    { return s.cal.after(s.consultOn, 15) }
func (s *sim) feeDue() day             { return s.cal.after(s.feeOn, 20) }

// endPause ends the running pause on end, but a consultation never after its due date.
func (s *sim) endPause(end day) {
	p := s.running()
	if p.kind == "consultation" && end.After(s.consultationDue()) {
		end = s.consultationDue()
	}
	p.end = end
}

// restart: the corrected application is received on d (Art. 30) — a new period; earlier pauses
// and the extension no longer count, and one extension may be granted again.
func (s *sim) restart(d day) {
	s.start, s.pauses, s.extDays, s.extensions = d, nil, 0, 0
}

// ---- the histories -------------------------------------------------------------------------

var (
	oClerk  = cases.Actor{Kind: cases.ActorStaff, Name: "clerk1", Roles: []string{cases.RoleClerk}, AgencyID: 1}
	oSup    = cases.Actor{Kind: cases.ActorStaff, Name: "sup1", Roles: []string{cases.RoleSupervisor}, AgencyID: 1}
	oApplic = cases.Actor{Kind: cases.ActorApplicant, Name: "applicant"}
)

func toDate(d day) cases.Date { return cases.NewDate(d.Year(), d.Month(), d.Day()) }
func fromDate(d cases.Date) day {
	if d.IsZero() {
		return day{}
	}
	return mkday(d.Year(), d.Month(), d.Day())
}

// oracleHistories is the number of random histories drawn.
const oracleHistories = 10000

// docs/rules.md §3, §4 (Art. 30, 32, 33, 34, 42; 国办函〔2020〕109号): the stored reply deadline and the
// side deadlines equal a naive day-by-day simulation on 10,000 random histories with corrections,
// several pauses, extensions, reopening, calendar changes, late answers, silence and pauses
// before a correction.
func TestClockOracle(t *testing.T) {
	n := oracleHistories
	if testing.Short() {
		n = 1000
	}
	seen := map[string]int{}
	for h := 0; h < n; h++ {
		rng := rand.New(rand.NewPCG(uint64(h), 20260315))
		if err := playHistory(rng, seen); err != nil {
			t.Fatalf("history %d: %v", h, err)
		}
	}
	t.Logf("%d histories: %v", n, seen)
	for _, k := range []string{"request_correction", "submit_correction", "pause_before_correction", "extension_before_correction",
		"consult", "late_answer", "silence", "request_fee", "fee_paid", "extend", "reopen", "calendar", "second_pause", "correction_lapsed", "fee_lapsed"} {
		if seen[k] < n/100 {
			t.Errorf("only %d histories with %s", seen[k], k)
		}
	}
}

func playHistory(rng *rand.Rand, seen map[string]int) error {
	cal := newSimCalendar()
	overrides := map[string]workflow.Override{}
	wcal := workflow.NewCalendar(nil)
	today := mkday(2026, 1, 5).AddDate(0, 0, rng.IntN(115)) // 2026-01-05 … 2026-04-29
	s := &sim{cal: cal, state: cases.StateRegistered, handled: today, start: today}

	c := &cases.Case{ID: 1, AgencyID: 1, Handling: 1, State: cases.StateRegistered, Version: 1}
	workflow.StartClock(c, toDate(today), "clerk1")
	workflow.Recompute(c, wcal)
	var log []string
	had := map[string]bool{}
	fire := func(actor cases.Actor, event string, payload any) error {
		b, _ := json.Marshal(payload)
		env := workflow.Env{Now: today.Add(2 * time.Hour), Today: toDate(today), Cal: wcal, Settings: cases.DefaultSettings(), FeeMonthCount: 1, FileComplete: true}
		res, err := workflow.Apply(c, cases.EventRequest{Event: cases.EventName(event), Payload: b}, actor, env)
		log = append(log, fmt.Sprintf("%s %s %s", today.Format("2006-01-02"), event, b))
		if err != nil {
			return fmt.Errorf("%s refused: %v\n%s", event, err, strings.Join(log, "\n"))
		}
		c = res.Case
		had[event] = true
		return nil
	}
	check := func() error {
		want := map[string]day{"reply_due": s.replyDue()}
		got := map[string]day{"reply_due": fromDate(c.ReplyDue)}
		if s.state == cases.StateConsulting {
			want["consultation_due"], got["consultation_due"] = s.consultationDue(), fromDate(c.ConsultationDue)
		}
		if s.state == cases.StateAwaitingCorrection {
			want["correction_due"], got["correction_due"] = s.correctionDue(), fromDate(c.CorrectionDue)
		}
		if s.state == cases.StateAwaitingFee {
			want["fee_due"], got["fee_due"] = s.feeDue(), fromDate(c.FeeDue)
		}
		if cases.IsOpen(cases.State(s.state)) {
			want["correction_notice_by"], got["correction_notice_by"] = s.correctionNoticeBy(), fromDate(c.CorrectionNoticeBy)
		}
		for k := range want {
			if !want[k].Equal(got[k]) {
				return fmt.Errorf("%s: stored %s, simulated %s (state %s)\n%s", k, got[k].Format("2006-01-02"), want[k].Format("2006-01-02"), s.state, strings.Join(log, "\n"))
			}
		}
		if string(c.State) != s.state {
			return fmt.Errorf("state %s, simulated %s\n%s", c.State, s.state, strings.Join(log, "\n"))
		}
		return nil
	}

	for step := 0; step < 30; step++ {
		// The clock: mostly the same day or the next few, sometimes weeks (late answers, lapses).
		switch k := rng.IntN(20); {
		case k < 8:
		case k < 18:
			today = today.AddDate(0, 0, 1+rng.IntN(3))
		default:
			today = today.AddDate(0, 0, 8+rng.IntN(25))
		}
		if rng.IntN(12) == 0 { // the administrator corrects the calendar; the store recomputes open cases
			d := today.AddDate(0, 0, rng.IntN(60)-5)
			w := !cal.work(d)
			cal.override[key(d)] = w
			overrides[d.Format("2006-01-02")] = workflow.Override{Day: toDate(d), Work: w, Note: "调整"}
			list := make([]workflow.Override, 0, len(overrides))
			for _, o := range overrides {
				list = append(list, o)
			}
			wcal = workflow.NewCalendar(list)
			if cases.IsOpen(c.State) {
				workflow.Recompute(c, wcal)
			}
			had["calendar"] = true
			log = append(log, fmt.Sprintf("%s calendar %s work=%v", today.Format("2006-01-02"), d.Format("2006-01-02"), w))
		}
		var err error
		noPauseDue := s.replyDue() // no pause runs in registered or in_progress
		switch s.state {
		case cases.StateRegistered, cases.StateInProgress:
			canCorrect := s.corrections == 0 && !today.After(s.correctionNoticeBy())
			canExtend := s.extensions == 0 && !today.After(noPauseDue)
			switch k := rng.IntN(10); {
			case canCorrect && k < 3:
				if len(s.pauses) > 0 {
					seen["pause_before_correction"]++
				}
				if s.extensions > 0 {
					seen["extension_before_correction"]++
				}
				err = fire(oClerk, "request_correction", map[string]any{"items": []string{"请写明文件名称"}})
				s.corrections++
				s.correctionOn, s.state = today, cases.StateAwaitingCorrection
				had["request_correction"] = true
			case canExtend && k < 4:
				days := 1 + rng.IntN(20)
				err = fire(oSup, "extend", map[string]any{"days": days, "reason": "情况复杂"})
				s.extDays += days
				s.extensions++
			case s.state == cases.StateRegistered:
				err = fire(oClerk, "accept", nil)
				s.state = cases.StateInProgress
			case !today.After(noPauseDue) && k < 7:
				if len(s.pauses) > 0 {
					seen["second_pause"]++
				}
				parties := []map[string]any{{"kind": "third_party", "name": "甲公司"}}
				if rng.IntN(2) == 0 {
					parties = append(parties, map[string]any{"kind": "agency", "name": "区财政局"})
				}
				err = fire(oClerk, "consult", map[string]any{"parties": parties})
				s.consultOn, s.state = today, cases.StateConsulting
				s.pauses = append(s.pauses, simPause{kind: "consultation", start: today})
			case !today.After(noPauseDue) && s.feeOn.IsZero() && k < 8:
				err = fire(oClerk, "request_fee", map[string]any{"basis": "per_page", "pages": 40})
				s.feeOn, s.state = today, cases.StateAwaitingFee
				s.pauses = append(s.pauses, simPause{kind: "fee", start: today})
			case s.state == cases.StateInProgress && k >= 8:
				if err = fire(oClerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开"}); err == nil {
					err = fire(oSup, "approve", nil)
				}
				s.state, s.frozen = cases.StateReplied, s.replyDue()
			}
		case cases.StateConsulting:
			due := s.consultationDue()
			switch {
			case today.After(due) && rng.IntN(2) == 0: // the sweep records silence
				err = fire(cases.SystemActor, "consultation_done", nil)
				s.endPause(due)
				s.state = cases.StateInProgress
				had["silence"] = true
			case rng.IntN(3) > 0:
				if today.After(due) {
					had["late_answer"] = true
				}
				answers := []map[string]any{}
				for _, p := range c.Parties {
					answers = append(answers, map[string]any{"name": p.Name, "answer": []string{"agree", "object"}[rng.IntN(2)]})
				}
				err = fire(oClerk, "consultation_done", map[string]any{"answers": answers})
				s.endPause(today)
				s.state = cases.StateInProgress
			}
		case cases.StateAwaitingFee:
			switch {
			case today.After(s.feeDue()):
				err = fire(cases.SystemActor, "fee_lapsed", nil)
				s.endPause(s.feeDue())
				s.state, s.frozen = cases.StateClosed, s.replyDue()
			case rng.IntN(3) > 0:
				err = fire(oClerk, "fee_paid", map[string]any{"paid_on": today.Format("2006-01-02")})
				s.endPause(today)
				s.state = cases.StateInProgress
			}
		case cases.StateAwaitingCorrection:
			switch {
			case today.After(s.correctionDue()):
				err = fire(cases.SystemActor, "correction_lapsed", nil)
				s.state, s.frozen = cases.StateClosed, s.replyDue()
			case rng.IntN(3) > 0:
				err = fire(oApplic, "submit_correction", map[string]any{"text": "《关于某项目的批复》"})
				s.restart(today)
				s.state = cases.StateRegistered
			}
		case cases.StateReplied:
			if rng.IntN(2) == 0 {
				err = fire(oSup, "reopen", map[string]any{"reason": "复议决定责令重新答复"})
				// A reopen is a new handling received that day (docs/rules.md §4, §8).
				s.handled, s.corrections, s.correctionOn, s.feeOn = today, 0, day{}, day{}
				s.restart(today)
				s.state, s.frozen = cases.StateInProgress, day{}
			}
		}
		if err != nil {
			return err
		}
		// The simulator knows the 2026 notice only: a history whose dates reach 2027 ends here.
		if s.replyDue().Year() > 2026 || today.Year() > 2026 || s.state == cases.StateConsulting && s.consultationDue().Year() > 2026 ||
			s.state == cases.StateAwaitingFee && s.feeDue().Year() > 2026 || s.state == cases.StateAwaitingCorrection && s.correctionDue().Year() > 2026 {
			break
		}
		if err := check(); err != nil {
			return err
		}
		if s.state == cases.StateClosed {
			break
		}
	}
	for k := range had {
		seen[k]++
	}
	return nil
}
