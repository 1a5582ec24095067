// Package reportfacts derives what the reports count: handlings, not cases (docs/rules.md §8: a
// reopened case is a new handling received on the reopen's date). A handling's receipt, conclusion and outcome come from the
// event log, so that a report re-run later does not change:
//   - register / imported → receipt (the payload's received_on; an import may also carry its
//     conclusion: concluded_on and outcome);
//   - approve (the draft's outcome), correction_lapsed, fee_lapsed, withdraw into closed
//     (other.other) → conclusion on the event's date (docs/design.md: the conclusion date);
//   - reopen → a new handling received on the event's date;
//   - record_delivery after a conclusion → the handling's delivery date.
//
// A case that was never reopened has exactly one handling, whose facts are also the case row's
// received_on, concluded_on and outcome (written in the same transactions as those events and
// never changed afterwards but by a reopen); the annual report reads those columns directly for
// speed and derives only the reopened cases from their events.
//
// It is pure: the store selects the case rows and events and calls Derive, then the counters.
package reportfacts

import (
	"encoding/json"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// Handling is one handling of a case.
type Handling struct {
	CaseID    int64
	AgencyID  int64
	Tracking  string
	Col       string // column of table 三
	N         int    // 1, 2, … (reopens)
	Received  cases.Date
	Concluded cases.Date
	Outcome   string
	Deadline  cases.Date // the reply deadline when it concluded
	Delivered cases.Date
	Imported  bool
	PauseDays int // working days of the consultation and fee pauses begun in this handling
	// as of the day asked for (asOf): the case's state and reply deadline then
	StateAsOf cases.State
	DueAsOf   cases.Date
}

// OpenOn reports whether the handling was received and not concluded on day d.
func (h Handling) OpenOn(d cases.Date) bool {
	return !h.Received.After(d) && (h.Concluded.IsZero() || h.Concluded.After(d))
}

// Facts is what the derivation needs of a case row.
type Facts struct {
	ID          int64       `db:"id"`
	AgencyID    int64       `db:"agency_id"`
	TrackingNo  string      `db:"tracking_no"`
	Kind        string      `db:"applicant_kind"`
	OrgCategory string      `db:"org_category"`
	State       cases.State `db:"state"`
	ReceivedOn  cases.Date  `db:"received_on"`
	ConcludedOn cases.Date  `db:"concluded_on"`
	Outcome     string      `db:"outcome"`
	Handling    int         `db:"handling"`
	Imported    bool        `db:"imported"`
	Clock       string      `db:"clock"`
	ReplyDue    cases.Date  `db:"reply_due"`
}

// Derive reads the handlings of one case from its events (see the package comment).
func Derive(r *Facts, evs []cases.Event, loc *time.Location, cal *workflow.Calendar, asOf cases.Date) []Handling {
	var hs []Handling
	col := cases.ReportColumn(r.Kind, r.OrgCategory)
	start := func(d cases.Date, imported bool) *Handling {
		hs = append(hs, Handling{CaseID: r.ID, AgencyID: r.AgencyID, Tracking: r.TrackingNo, Col: col, N: len(hs) + 1, Received: d, Imported: imported})
		return &hs[len(hs)-1]
	}
	var cur *Handling
	conclude := func(d cases.Date, outcome string, due cases.Date) {
		if cur != nil && cur.Concluded.IsZero() {
			cur.Concluded, cur.Outcome, cur.Deadline = d, outcome, due
		}
	}
	state, due := cases.State(""), cases.Date{}
	for _, e := range evs {
		day := cases.DateOf(e.At, loc)
		if !asOf.IsZero() && !day.After(asOf) && e.Event != cases.EventImported {
			if e.ToState != "" {
				state = e.ToState
			}
			due = e.ReplyDueAfter
		}
		switch e.Event {
		case cases.EventRegister:
			if cur == nil {
				cur = start(workflow.PayloadDate(e.Payload, "received_on", day), false)
			}
		case cases.EventImported:
			var p struct {
				ReceivedOn  cases.Date `json:"received_on"`
				ConcludedOn cases.Date `json:"concluded_on"`
				Outcome     string     `json:"outcome"`
			}
			_ = json.Unmarshal(e.Payload, &p)
			if p.ReceivedOn.IsZero() {
				p.ReceivedOn = r.ReceivedOn
			}
			cur = start(p.ReceivedOn, true)
			if p.Outcome != "" {
				conclude(p.ConcludedOn, p.Outcome, cases.Date{})
			}
			// An imported case was open from its receipt, concluded from its conclusion date,
			// whenever the import ran.
			if !asOf.IsZero() && !p.ReceivedOn.After(asOf) {
				state, due = cases.StateRegistered, e.ReplyDueAfter
				if p.Outcome != "" && !p.ConcludedOn.After(asOf) {
					state = e.ToState
				}
			}
		case cases.EventReopen:
			cur = start(day, false)
		case cases.EventApprove:
			var p struct {
				Outcome string `json:"outcome"`
			}
			_ = json.Unmarshal(e.Payload, &p)
			conclude(day, p.Outcome, e.ReplyDueBefore)
		case cases.EventCorrectionLapsed:
			conclude(day, cases.OutcomeCorrectionLapsed, e.ReplyDueBefore)
		case cases.EventFeeLapsed:
			conclude(day, cases.OutcomeFeeLapsed, e.ReplyDueBefore)
		case cases.EventWithdraw:
			if e.ToState == cases.StateClosed {
				conclude(day, cases.OutcomeOther, e.ReplyDueBefore)
			}
		case cases.EventRecordDelivery:
			if cur != nil && !cur.Concluded.IsZero() {
				cur.Delivered = workflow.PayloadDate(e.Payload, "delivered_on", day)
			}
		}
	}
	if len(hs) == 0 && len(evs) == 0 && !r.ReceivedOn.IsZero() && r.State != cases.StateSubmitted && r.State != cases.StateDiscarded {
		// a case without history (bulk-loaded data): its row is its only handling
		h := start(r.ReceivedOn, r.Imported)
		h.Concluded, h.Outcome = r.ConcludedOn, r.Outcome
		state, due = r.State, r.ReplyDue
	}
	// pauses belong to the handling in which they began
	var clk cases.Clock
	if json.Unmarshal([]byte(r.Clock), &clk) == nil {
		for _, p := range clk.Pauses {
			for i := len(hs) - 1; i >= 0; i-- {
				if !p.Start.Before(hs[i].Received) {
					hs[i].PauseDays += cal.WorkdaysBetween(p.Start, p.End)
					break
				}
			}
		}
	}
	for i := range hs {
		hs[i].StateAsOf, hs[i].DueAsOf = state, due
	}
	return hs
}

// CountAnnual counts one handling in table 三 of the year [y0, y1].
func CountAnnual(rep *cases.AnnualReport, h Handling, y0, y1 cases.Date) {
	if h.Received.IsZero() || h.Received.After(y1) || (!h.Concluded.IsZero() && h.Concluded.Before(y0)) {
		return
	}
	if h.Received.Before(y0) {
		rep.Add(cases.RowCarriedIn, h.Col, 1)
	} else {
		rep.Add(cases.RowNew, h.Col, 1)
	}
	if !h.Concluded.IsZero() && !h.Concluded.After(y1) {
		if _, ok := rep.Table3[h.Outcome]; ok {
			rep.Add(h.Outcome, h.Col, 1)
			return
		}
		rep.Add(cases.OutcomeOther, h.Col, 1)
		return
	}
	rep.Add(cases.RowCarriedOut, h.Col, 1)
}

// CountMonthly counts one handling in the monthly figures of its agency for the month [from, to]:
// received and concluded in it, replies delivered on time or late, the working days taken
// (pauses excluded), and whether it was open and overdue on asOf, the month's last day or today.
func CountMonthly(f *cases.MonthlyFigures, h Handling, from, to, asOf cases.Date, cal *workflow.Calendar) {
	in := func(d cases.Date) bool { return !d.IsZero() && !d.Before(from) && !d.After(to) }
	if in(h.Received) {
		f.Received++
	}
	if in(h.Concluded) {
		f.Concluded++
		f.ByOutcome[h.Outcome]++
		if o, ok := cases.FindOutcome(h.Outcome); ok && o.Decision {
			f.Replied++
			if !h.Delivered.IsZero() {
				f.Delivered++
				if h.Deadline.IsZero() || !h.Delivered.After(h.Deadline) {
					f.OnTime++
				} else {
					f.Late++
				}
			}
		}
		f.AddDays(max(cal.WorkdaysBetween(h.Received, h.Concluded)-h.PauseDays, 0))
	}
	if h.OpenOn(asOf) && cases.ClockRunning(h.StateAsOf) && !h.DueAsOf.IsZero() && h.DueAsOf.Before(asOf) {
		f.OverdueOpen++
	}
}

// CountMonthlyEvent counts an extension (Art. 33) or a pause begun (a consultation or a fee
// notice) dated day in the monthly figures of the month [from, to].
func CountMonthlyEvent(f *cases.MonthlyFigures, event cases.EventName, day, from, to cases.Date) {
	if day.IsZero() || day.Before(from) || day.After(to) {
		return
	}
	if event == cases.EventExtend {
		f.Extended++
	} else {
		f.Paused++
	}
}
