package workflow

import (
	"fmt"
	"slices"

	cases "foidesk/case"
)

// Recompute derives every deadline of c from the facts of c.Clock, c.ReceivedOn and cal
// (docs/rules.md §4 "How foidesk counts"); it is the only place deadlines are computed, and is run
// after every event and after every calendar change. It sets:
//   - each Pause's Days: the working days of (Start, End], 0 while the pause lasts;
//   - PausedDays: the days of the ended pauses of the current epoch (Art. 30: after a
//     correction the clock restarts and earlier pauses no longer count);
//   - ExtendedDays and ClockStart from the clock;
//   - ReplyDue (Art. 33): the end of the period — Clock.Base when set (an Art. 35 period or a
//     reopen's due date), else Clock.Days (20) working days from Clock.Start — moved by
//     PausedDays (Art. 33: consultation time is not counted; policy: nor the fee period) and the
//     extension; zero while Clock.Start is zero (not yet received);
//   - CorrectionNoticeBy (Art. 30): 7 working days from receipt;
//   - CorrectionDue (Art. 30), ConsultationDue (Art. 32, 34) and FeeDue (国办函〔2020〕109号):
//     the period counted from the date of the letter that starts it, zero when there is none;
//   - Provisional: a range counted for any of these touches a year whose calendar is not Known.
//
// A pause that has not ended adds nothing: the stored ReplyDue stays as before the pause until
// its End is set, when the working days of (Start, End] are added.
func Recompute(c *cases.Case, cal *Calendar) {
	clk := &c.Clock
	for i := range clk.Pauses {
		p := &clk.Pauses[i]
		p.Days = cal.WorkdaysBetween(p.Start, p.End)
	}
	r := countReply(clk, cal)
	c.PausedDays = r.paused
	c.ExtendedDays = clk.ExtDays
	c.ClockStart = clk.Start
	c.ReplyDue = r.due
	prov := r.provisional

	side := func(from cases.Date, n int) cases.Date {
		if from.IsZero() {
			return cases.Date{}
		}
		due := cal.AddWorkdays(from, n)
		prov = prov || cal.Provisional(from, due)
		return due
	}
	// Art. 30: the correction notice goes out within 7 working days of receipt; a reopened case
	// is a new handling received on the reopen's date (docs/rules.md §4, §8).
	received := c.ReceivedOn
	if c.ReopenedOn.After(received) {
		received = c.ReopenedOn
	}
	c.CorrectionNoticeBy = side(received, cases.CorrectionNoticeWindow)
	// Art. 30: the applicant corrects within the period the notice gives (policy: 15).
	c.CorrectionDue = side(clk.CorrectionOn, clk.CorrectionPeriod)
	// Art. 32, 34: the consulted party answers within 15 working days of the letter.
	c.ConsultationDue = side(clk.ConsultOn, cases.ConsultationDays)
	// 国办函〔2020〕109号: the fee is paid within 20 working days of the notice.
	c.FeeDue = side(clk.FeeOn, cases.FeeDays)
	c.Provisional = prov
}

// replyCount is how the reply deadline of a clock is counted.
type replyCount struct {
	days        int        // the period in working days (when base is counted)
	base        cases.Date // end of the period before pauses and extension
	explicit    bool       // base is Clock.Base, not counted from Clock.Start
	paused      int        // working days of the ended pauses of the current epoch
	due         cases.Date // the reply deadline
	provisional bool
}

// countReply counts the reply deadline of clk without changing it.
func countReply(clk *cases.Clock, cal *Calendar) replyCount {
	var r replyCount
	for _, p := range clk.Pauses {
		if p.Epoch != clk.Epoch || p.End.IsZero() {
			continue
		}
		r.paused += cal.WorkdaysBetween(p.Start, p.End)
		r.provisional = r.provisional || cal.Provisional(p.Start, p.End)
	}
	if clk.Start.IsZero() {
		return r
	}
	r.days = clk.Days
	if r.days == 0 {
		r.days = cases.ReplyDays // Art. 33: 20 working days
	}
	if clk.Base.IsZero() {
		r.base = cal.AddWorkdays(clk.Start, r.days)
		r.provisional = r.provisional || cal.Provisional(clk.Start, r.base)
	} else {
		// Art. 35 (or a reopen's due date): the end of the period is a date fixed by the agency.
		r.base, r.explicit = clk.Base, true
	}
	r.due = cal.AddWorkdays(r.base, r.paused+clk.ExtDays)
	r.provisional = r.provisional || cal.Provisional(r.base, r.due)
	return r
}

// ExplainReply explains the reply deadline of c (docs/rules.md §3: every deadline shown to a person
// can be explained): the start (receipt, corrected receipt or reopen), the 20 working days or the
// date fixed under Art. 35, the holidays and 调休 days met, each pause of the current epoch with
// its days, the pauses dropped by a restart, the extension, and the due date, which equals
// c.ReplyDue after Recompute. Provisional covers the reply deadline only (not the side periods).
// c is not changed.
func ExplainReply(c *cases.Case, cal *Calendar) Explanation {
	clk := &c.Clock
	if clk.Start.IsZero() {
		return Explanation{Steps: []Step{{Kind: "not_started",
			Text:   "尚未收到申请，答复期限尚未起算（第三十一条）",
			TextEN: "Not received yet: the reply period has not started (Art. 31)"}}}
	}
	r := countReply(clk, cal)
	e := Explanation{Start: clk.Start, Days: cal.WorkdaysBetween(clk.Start, r.due), Due: r.due, Provisional: r.provisional}
	add := func(s ...Step) { e.Steps = append(e.Steps, s...) }

	add(startStep(c))
	weekends := 0
	unknown := map[int]bool{}
	span := func(from, to cases.Date) {
		steps, w := cal.daySteps(from, to)
		add(steps...)
		weekends += w
		for _, y := range cal.unknownYears(from, to) {
			unknown[y] = true
		}
	}
	moved := r.paused+clk.ExtDays > 0

	if r.explicit {
		zh, en := "依《条例》第三十五条另行确定答复期限", "Reply period fixed by the agency (Art. 35)"
		if c.ReopenedOn.Equal(clk.Start) {
			zh, en = "重新办理，确定答复期限", "Reopened: reply period fixed"
		}
		add(Step{Kind: "base", Date: r.base,
			Text:   fmt.Sprintf("%s至 %s", zh, r.base),
			TextEN: fmt.Sprintf("%s: until %s", en, r.base)})
	} else {
		add(Step{Kind: "period", Date: clk.Start, Days: r.days,
			Text:   fmt.Sprintf("答复期限 %d 个工作日（第三十三条）", r.days),
			TextEN: fmt.Sprintf("Reply period: %d working days (Art. 33)", r.days)})
		span(clk.Start, r.base)
		if moved {
			add(Step{Kind: "period_end", Date: r.base, Days: r.days,
				Text:   fmt.Sprintf("%d 个工作日届满于 %s", r.days, r.base),
				TextEN: fmt.Sprintf("The %d working days end on %s", r.days, r.base)})
		}
	}

	if n := droppedPauses(clk); n > 0 {
		s := Step{Kind: "pauses_dropped", Days: n,
			Text:   fmt.Sprintf("期限重新起算前的 %d 段中止期间不再计入", n),
			TextEN: fmt.Sprintf("%d pause(s) before the clock restarted no longer count", n)}
		if clk.Start.Equal(clk.CorrectedOn) {
			s.Text += "（第三十条）"
			s.TextEN += " (Art. 30)"
		}
		add(s)
	}
	for _, p := range clk.Pauses {
		if p.Epoch == clk.Epoch {
			add(pauseStep(p, cal))
		}
	}
	if clk.ExtDays > 0 {
		add(Step{Kind: "extension", Days: clk.ExtDays,
			Text:   fmt.Sprintf("经批准延长答复期限 %d 个工作日（第三十三条）", clk.ExtDays),
			TextEN: fmt.Sprintf("Extended by %d working days with approval (Art. 33)", clk.ExtDays)})
	}
	if moved {
		span(r.base, r.due)
	}

	years := make([]int, 0, len(unknown))
	for y := range unknown {
		years = append(years, y)
	}
	slices.Sort(years)
	e.Steps = appendTail(e.Steps, weekends, years)
	if r.explicit && !moved {
		add(Step{Kind: "due", Date: r.due,
			Text:   fmt.Sprintf("届满日 %s", r.due),
			TextEN: fmt.Sprintf("Due %s", r.due)})
	} else {
		add(dueStep(r.due, e.Days))
	}
	return e
}

// startStep names the day the reply period counts from.
func startStep(c *cases.Case) Step {
	start := c.Clock.Start
	zh, en := "", ""
	switch {
	case start.Equal(c.Clock.CorrectedOn):
		zh, en = "收到补正后申请之日，第三十条", "the corrected application was received, Art. 30"
	case start.Equal(c.ReopenedOn):
		zh, en = "重新办理之日", "the case was reopened"
	case start.Equal(c.ReceivedOn):
		zh, en = "收到申请之日，第三十一条", "the application was received, Art. 31"
	}
	s := Step{Kind: "start", Date: start,
		Text:   fmt.Sprintf("起算日 %s（当日不计入）", start),
		TextEN: fmt.Sprintf("Start %s (the day itself is not counted)", start)}
	if zh != "" {
		s.Text = fmt.Sprintf("起算日 %s（%s；当日不计入）", start, zh)
		s.TextEN = fmt.Sprintf("Start %s (%s; the day itself is not counted)", start, en)
	}
	return s
}

// droppedPauses counts the pauses of earlier epochs.
func droppedPauses(clk *cases.Clock) int {
	n := 0
	for _, p := range clk.Pauses {
		if p.Epoch != clk.Epoch {
			n++
		}
	}
	return n
}

// pauseStep explains one pause of the current epoch.
func pauseStep(p cases.Pause, cal *Calendar) Step {
	zh, en, basis, basisEN := "中止", "Pause", "", ""
	switch p.Kind {
	case "consultation":
		zh, en = "征求意见", "Consultation"
		basis, basisEN = "第三十三条：征求意见所需时间不计算在答复期限内", "Art. 33: consultation time is not counted"
	case "fee":
		zh, en = "缴纳信息处理费", "Fee notice to payment"
		basis, basisEN = "通知之日至缴费之日不计入答复期限", "the days from the notice to payment are not counted"
	}
	if p.End.IsZero() {
		return Step{Kind: "pause_ongoing", Date: p.Start,
			Text:   fmt.Sprintf("%s自 %s 起，尚未结束，结束后按其间工作日顺延", zh, p.Start),
			TextEN: fmt.Sprintf("%s since %s, not ended: the deadline moves by its working days when it ends", en, p.Start)}
	}
	days := cal.WorkdaysBetween(p.Start, p.End)
	s := Step{Kind: "pause", Date: p.Start, Days: days,
		Text:   fmt.Sprintf("%s %s 至 %s，顺延 %d 个工作日", zh, p.Start, p.End, days),
		TextEN: fmt.Sprintf("%s %s to %s: %d working days added", en, p.Start, p.End, days)}
	if basis != "" {
		s.Text += "（" + basis + "）"
		s.TextEN += " (" + basisEN + ")"
	}
	return s
}
