package workflow

import (
	"slices"
	"strings"
	"testing"

	cases "foidesk/case"
)

// received returns a case received on day with its reply clock started that day.
func receivedCase(day string) *cases.Case {
	return &cases.Case{ReceivedOn: ymd(day), Clock: cases.Clock{Start: ymd(day), Days: cases.ReplyDays}}
}

// recomputed runs Recompute and checks that ExplainReply agrees with it.
func recomputed(t *testing.T, c *cases.Case, cal *Calendar) *cases.Case {
	t.Helper()
	Recompute(c, cal)
	if e := ExplainReply(c, cal); e.Due != c.ReplyDue {
		t.Errorf("ExplainReply due %s != ReplyDue %s\n%s", e.Due, c.ReplyDue, strings.Join(e.Lines(), "\n"))
	}
	return c
}

// Art. 33: reply within 20 working days of receipt; Art. 30: correction notice within 7.
func TestRecomputeArt33Reply(t *testing.T) {
	cal := NewCalendar(nil)
	for _, tc := range []struct {
		name, received, due, noticeBy string
	}{
		{"docs/rules.md §3 example", "2026-02-10", "2026-03-16", "2026-02-26"},
		{"across Spring Festival 2026", "2026-02-12", "2026-03-18", "2026-02-28"},
		{"across Mid-Autumn and National Day 2026", "2026-09-18", "2026-10-22", "2026-09-29"},
		{"across National Day 2025 (10/1–10/8, 9/28 and 10/11 worked)", "2025-09-26", "2025-10-30", "2025-10-13"},
		{"received on a holiday", "2026-10-03", "2026-11-03", "2026-10-15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := recomputed(t, receivedCase(tc.received), cal)
			if c.ReplyDue != ymd(tc.due) {
				t.Errorf("ReplyDue = %s, want %s", c.ReplyDue, tc.due)
			}
			if c.CorrectionNoticeBy != ymd(tc.noticeBy) {
				t.Errorf("CorrectionNoticeBy = %s, want %s", c.CorrectionNoticeBy, tc.noticeBy)
			}
			if c.ClockStart != ymd(tc.received) || c.Provisional || c.PausedDays != 0 || c.ExtendedDays != 0 {
				t.Errorf("case = start %s provisional %v paused %d extended %d", c.ClockStart, c.Provisional, c.PausedDays, c.ExtendedDays)
			}
			if !c.CorrectionDue.IsZero() || !c.ConsultationDue.IsZero() || !c.FeeDue.IsZero() {
				t.Errorf("side deadlines set without letters: %s %s %s", c.CorrectionDue, c.ConsultationDue, c.FeeDue)
			}
		})
	}
	// Clock.Days 0 means the statutory 20.
	c := recomputed(t, &cases.Case{ReceivedOn: ymd("2026-02-10"), Clock: cases.Clock{Start: ymd("2026-02-10")}}, cal)
	if c.ReplyDue != ymd("2026-03-16") {
		t.Errorf("Days 0: ReplyDue = %s", c.ReplyDue)
	}
}

// Art. 31: a submission no clerk has registered is not received; no clock runs.
func TestRecomputeNotReceived(t *testing.T) {
	c := recomputed(t, &cases.Case{}, NewCalendar(nil))
	if !c.ReplyDue.IsZero() || !c.CorrectionNoticeBy.IsZero() || !c.ClockStart.IsZero() || c.Provisional {
		t.Errorf("unreceived case has deadlines: %+v", c)
	}
	if e := ExplainReply(c, NewCalendar(nil)); len(e.Steps) != 1 || e.Steps[0].Kind != "not_started" {
		t.Errorf("ExplainReply = %+v", e)
	}
}

// Art. 32, 33: consultation time is not counted — a pause adds exactly the working days of
// (start, end]; while it lasts the deadline stays as it was.
func TestRecomputeArt33ConsultationPause(t *testing.T) {
	cal := NewCalendar(nil)
	c := receivedCase("2026-03-02")
	c.Clock.ConsultOn = ymd("2026-03-10")
	c.Clock.Pauses = []cases.Pause{{Kind: "consultation", Start: ymd("2026-03-10")}}
	recomputed(t, c, cal)
	if c.ReplyDue != ymd("2026-03-30") || c.PausedDays != 0 || c.Clock.Pauses[0].Days != 0 {
		t.Errorf("ongoing pause: ReplyDue %s PausedDays %d Days %d, want 2026-03-30 0 0", c.ReplyDue, c.PausedDays, c.Clock.Pauses[0].Days)
	}
	if c.ConsultationDue != ymd("2026-03-31") { // Art. 32: 15 working days from the letter
		t.Errorf("ConsultationDue = %s, want 2026-03-31", c.ConsultationDue)
	}

	// Ends on 2026-04-08: (3/10, 4/8] holds 3/11–3/13, 3/16–4/3 minus weekends, 4/7, 4/8 —
	// Qingming 4/4–4/6 not counted.
	c.Clock.Pauses[0].End = ymd("2026-04-08")
	recomputed(t, c, cal)
	want := cal.WorkdaysBetween(ymd("2026-03-10"), ymd("2026-04-08"))
	if want != 20 {
		t.Fatalf("WorkdaysBetween = %d, want 20", want)
	}
	if c.Clock.Pauses[0].Days != 20 || c.PausedDays != 20 {
		t.Errorf("pause Days %d, PausedDays %d, want 20", c.Clock.Pauses[0].Days, c.PausedDays)
	}
	if c.ReplyDue != cal.AddWorkdays(ymd("2026-03-30"), 20) || c.ReplyDue != ymd("2026-04-28") {
		t.Errorf("ReplyDue = %s, want 2026-04-28", c.ReplyDue)
	}

	// Fee (policy): the days from the notice to payment are not counted either; 109号: pay within 20.
	c.Clock.FeeOn = ymd("2026-04-20")
	c.Clock.Pauses = append(c.Clock.Pauses, cases.Pause{Kind: "fee", Start: ymd("2026-04-20"), End: ymd("2026-04-23")})
	recomputed(t, c, cal)
	if c.PausedDays != 23 || c.ReplyDue != ymd("2026-05-06") {
		t.Errorf("with fee pause: PausedDays %d ReplyDue %s, want 23 2026-05-06", c.PausedDays, c.ReplyDue)
	}
	if c.FeeDue != ymd("2026-05-20") {
		t.Errorf("FeeDue = %s, want 2026-05-20", c.FeeDue)
	}
}

// Art. 30: after a correction the 20 days restart from the corrected application; pauses of the
// earlier epoch no longer count.
func TestRecomputeArt30RestartDropsPauses(t *testing.T) {
	cal := NewCalendar(nil)
	c := receivedCase("2026-03-02")
	c.Clock.Pauses = []cases.Pause{{Kind: "consultation", Start: ymd("2026-03-03"), End: ymd("2026-03-10"), Epoch: 0}}
	c.Clock.CorrectionOn, c.Clock.CorrectionPeriod = ymd("2026-03-04"), 15
	recomputed(t, c, cal)
	if c.PausedDays != 5 || c.CorrectionDue != ymd("2026-03-25") {
		t.Fatalf("before restart: PausedDays %d CorrectionDue %s", c.PausedDays, c.CorrectionDue)
	}

	c.Clock.Epoch = 1
	c.Clock.Start, c.Clock.CorrectedOn = ymd("2026-03-20"), ymd("2026-03-20")
	recomputed(t, c, cal)
	if c.PausedDays != 0 {
		t.Errorf("PausedDays = %d after restart, want 0", c.PausedDays)
	}
	if c.Clock.Pauses[0].Days != 5 {
		t.Errorf("the old pause keeps its Days: %d", c.Clock.Pauses[0].Days)
	}
	if want := ymd("2026-04-20"); c.ReplyDue != want || c.ClockStart != ymd("2026-03-20") {
		t.Errorf("ReplyDue = %s (start %s), want %s", c.ReplyDue, c.ClockStart, want)
	}
	if c.CorrectionNoticeBy != ymd("2026-03-11") { // still counted from the first receipt
		t.Errorf("CorrectionNoticeBy = %s", c.CorrectionNoticeBy)
	}
	lines := ExplainReply(c, cal).Lines()
	if lines[0] != "起算日 2026-03-20（收到补正后申请之日，第三十条；当日不计入）" {
		t.Errorf("start line = %q", lines[0])
	}
	if !slices.Contains(lines, "期限重新起算前的 1 段中止期间不再计入（第三十条）") {
		t.Errorf("no dropped-pause line:\n%s", strings.Join(lines, "\n"))
	}
}

// Art. 33: an extension of at most 20 working days moves the deadline by its working days.
func TestRecomputeArt33Extension(t *testing.T) {
	cal := NewCalendar(nil)
	c := receivedCase("2026-02-10")
	c.Clock.ExtDays, c.Clock.Extensions = 20, 1
	recomputed(t, c, cal)
	if c.ExtendedDays != 20 || c.ReplyDue != ymd("2026-04-14") {
		t.Errorf("ExtendedDays %d ReplyDue %s, want 20 2026-04-14", c.ExtendedDays, c.ReplyDue)
	}
	e := ExplainReply(c, cal)
	want := []string{
		"起算日 2026-02-10（收到申请之日，第三十一条；当日不计入）",
		"答复期限 20 个工作日（第三十三条）",
		"2026-02-14 调休上班日，计入",
		"2026-02-15 至 2026-02-23 春节假期，不计入",
		"2026-02-28 调休上班日，计入",
		"20 个工作日届满于 2026-03-16",
		"经批准延长答复期限 20 个工作日（第三十三条）",
		"2026-04-04 至 2026-04-06 清明节假期，不计入",
		"其间周六、周日共 11 天，不计入",
		"届满日 2026-04-14（第40个工作日）",
	}
	if got := e.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Art. 35: a longer period fixed by the agency replaces the 20 days; later pauses and an
// extension still move it.
func TestRecomputeArt35Base(t *testing.T) {
	cal := NewCalendar(nil)
	c := receivedCase("2026-02-10")
	c.Clock.Epoch, c.Clock.Base = 1, ymd("2026-06-30")
	c.Clock.Pauses = []cases.Pause{{Kind: "consultation", Start: ymd("2026-02-20"), End: ymd("2026-03-02"), Epoch: 0}}
	recomputed(t, c, cal)
	if c.ReplyDue != ymd("2026-06-30") || c.PausedDays != 0 {
		t.Errorf("ReplyDue %s PausedDays %d, want 2026-06-30 0", c.ReplyDue, c.PausedDays)
	}
	lines := ExplainReply(c, cal).Lines()
	if want := "依《条例》第三十五条另行确定答复期限至 2026-06-30"; !slices.Contains(lines, want) || lines[len(lines)-1] != "届满日 2026-06-30" {
		t.Errorf("explanation:\n%s", strings.Join(lines, "\n"))
	}

	c.Clock.Pauses = append(c.Clock.Pauses, cases.Pause{Kind: "fee", Start: ymd("2026-06-10"), End: ymd("2026-06-17"), Epoch: 1})
	recomputed(t, c, cal)
	if c.PausedDays != 5 || c.ReplyDue != ymd("2026-07-07") {
		t.Errorf("with a pause: PausedDays %d ReplyDue %s, want 5 2026-07-07", c.PausedDays, c.ReplyDue)
	}

	// A reopen with a due date: the start line names the reopen.
	r := &cases.Case{ReceivedOn: ymd("2026-01-05"), ReopenedOn: ymd("2026-05-06"),
		Clock: cases.Clock{Start: ymd("2026-05-06"), Days: 20, Base: ymd("2026-05-29"), Epoch: 2}}
	recomputed(t, r, cal)
	if r.ReplyDue != ymd("2026-05-29") {
		t.Errorf("reopen ReplyDue = %s", r.ReplyDue)
	}
	if l := ExplainReply(r, cal).Lines(); l[0] != "起算日 2026-05-06（重新办理之日；当日不计入）" || l[1] != "重新办理，确定答复期限至 2026-05-29" {
		t.Errorf("reopen explanation:\n%s", strings.Join(l, "\n"))
	}
}

// docs/rules.md §3: an administrator turning a weekday off moves the deadline; the year is known,
// so nothing is provisional.
func TestRecomputeOverrideMovesDeadline(t *testing.T) {
	cal := NewCalendar([]Override{{Day: ymd("2026-03-04"), Work: false, Note: "暴雨停工"}})
	c := recomputed(t, receivedCase("2026-02-10"), cal)
	if c.ReplyDue != ymd("2026-03-17") || c.Provisional {
		t.Errorf("ReplyDue %s provisional %v, want 2026-03-17 false", c.ReplyDue, c.Provisional)
	}
	if l := ExplainReply(c, cal).Lines(); !slices.Contains(l, "2026-03-04 经调整为休息日（暴雨停工），不计入") {
		t.Errorf("explanation lacks the override:\n%s", strings.Join(l, "\n"))
	}
}

// docs/design.md "Deadlines": a deadline crossing a year without data is provisional until the year is set.
func TestRecomputeProvisional(t *testing.T) {
	c := recomputed(t, receivedCase("2027-12-20"), NewCalendar(nil))
	if !c.Provisional || c.ReplyDue != ymd("2028-01-17") {
		t.Errorf("2027→2028: ReplyDue %s provisional %v, want 2028-01-17 true", c.ReplyDue, c.Provisional)
	}
	e := ExplainReply(c, NewCalendar(nil))
	if !e.Provisional || !slices.ContainsFunc(e.Steps, func(s Step) bool { return s.Kind == "provisional" }) {
		t.Errorf("explanation not provisional: %+v", e)
	}

	// Overrides in 2028 make 2028 known (the November publication entered by an administrator).
	cal := NewCalendar([]Override{
		{Day: ymd("2028-01-01"), Note: "元旦"},
		{Day: ymd("2028-01-03"), Note: "元旦"},
	})
	c = recomputed(t, receivedCase("2027-12-20"), cal)
	if c.Provisional || c.ReplyDue != ymd("2028-01-18") {
		t.Errorf("2028 set: ReplyDue %s provisional %v, want 2028-01-18 false", c.ReplyDue, c.Provisional)
	}

	// A side period alone crossing into 2028 is provisional too.
	c = receivedCase("2027-11-01")
	c.Clock.FeeOn = ymd("2027-12-20")
	recomputed(t, c, NewCalendar(nil))
	if !c.Provisional {
		t.Errorf("fee due %s across 2028 not provisional", c.FeeDue)
	}
	// Within a known year nothing is provisional.
	c = receivedCase("2027-11-01")
	recomputed(t, c, NewCalendar(nil))
	if c.Provisional {
		t.Errorf("ReplyDue %s provisional", c.ReplyDue)
	}
}

// docs/rules.md §3: when the calendar changes every stored deadline is recomputed; Recompute is
// idempotent and depends on nothing but the clock and the calendar.
func TestRecomputeIdempotent(t *testing.T) {
	cal := NewCalendar(nil)
	c := receivedCase("2026-02-10")
	c.Clock.Pauses = []cases.Pause{{Kind: "consultation", Start: ymd("2026-02-20"), End: ymd("2026-03-02")}}
	c.Clock.ExtDays = 5
	recomputed(t, c, cal)
	first := *c
	recomputed(t, c, cal)
	if c.ReplyDue != first.ReplyDue || c.PausedDays != first.PausedDays {
		t.Errorf("second Recompute changed the case: %s/%d vs %s/%d", c.ReplyDue, c.PausedDays, first.ReplyDue, first.PausedDays)
	}
	// ExplainReply changes nothing.
	c.Clock.Pauses[0].Days = -1
	_ = ExplainReply(c, cal)
	if c.Clock.Pauses[0].Days != -1 {
		t.Error("ExplainReply changed the case")
	}
}
