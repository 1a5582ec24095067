package reportfacts

import (
	"encoding/json"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

var (
	loc = time.FixedZone("CST", 8*3600)
	cal = workflow.NewCalendar(nil)
	d   = cases.MustDate
)

func e(event, day, to string, payload map[string]any, dueBefore, dueAfter string) cases.Event {
	b, _ := json.Marshal(payload)
	t := d(day)
	ev := cases.Event{Event: cases.EventName(event), At: time.Date(t.Year(), t.Month(), t.Day(), 23, 30, 0, 0, loc), ToState: cases.State(to), Payload: b}
	if dueBefore != "" {
		ev.ReplyDueBefore = d(dueBefore)
	}
	if dueAfter != "" {
		ev.ReplyDueAfter = d(dueAfter)
	}
	return ev
}

// docs/rules.md §8: the reports count handlings, from the event log; a reopen is a new handling
// received on its date; the conclusion is the approval (its outcome), a lapse, or a withdrawal.
func TestDeriveHandlings(t *testing.T) {
	person := Facts{ID: 1, AgencyID: 2, TrackingNo: "GK2025000001", Kind: cases.KindPerson, State: cases.StateReplied}
	for _, c := range []struct {
		name string
		row  Facts
		evs  []cases.Event
		asOf string
		want []Handling
	}{
		{"registered, replied, delivered", person, []cases.Event{
			e("register", "2025-03-04", "registered", map[string]any{"received_on": "2025-03-03"}, "", "2025-03-31"),
			e("accept", "2025-03-04", "in_progress", nil, "2025-03-31", "2025-03-31"),
			e("approve", "2025-03-20", "replied", map[string]any{"outcome": "disclose"}, "2025-03-31", "2025-03-31"),
			e("record_delivery", "2025-03-21", "replied", map[string]any{"delivered_on": "2025-03-24"}, "2025-03-31", "2025-03-31"),
		}, "", []Handling{{CaseID: 1, AgencyID: 2, Tracking: "GK2025000001", Col: cases.ColPerson, N: 1, Received: d("2025-03-03"),
			Concluded: d("2025-03-20"), Outcome: "disclose", Deadline: d("2025-03-31"), Delivered: d("2025-03-24")}}},
		{"reopened: a second handling received on the reopen's date", person, []cases.Event{
			e("register", "2024-12-02", "registered", map[string]any{"received_on": "2024-12-02"}, "", "2024-12-30"),
			e("correction_lapsed", "2024-12-31", "closed", nil, "2024-12-30", "2024-12-30"),
			e("reopen", "2025-09-01", "in_progress", nil, "", "2025-09-29"),
			e("withdraw", "2025-09-10", "closed", nil, "2025-09-29", "2025-09-29"),
		}, "", []Handling{
			{CaseID: 1, AgencyID: 2, Tracking: "GK2025000001", Col: cases.ColPerson, N: 1, Received: d("2024-12-02"), Concluded: d("2024-12-31"), Outcome: cases.OutcomeCorrectionLapsed, Deadline: d("2024-12-30")},
			{CaseID: 1, AgencyID: 2, Tracking: "GK2025000001", Col: cases.ColPerson, N: 2, Received: d("2025-09-01"), Concluded: d("2025-09-10"), Outcome: cases.OutcomeOther, Deadline: d("2025-09-29")},
		}},
		{"imported concluded, as of a day between receipt and conclusion", Facts{ID: 3, Kind: cases.KindOrganization, OrgCategory: "business", State: cases.StateReplied, Imported: true}, []cases.Event{
			e("imported", "2026-01-05", "replied", map[string]any{"received_on": "2025-11-03", "outcome": "partial", "concluded_on": "2025-12-01"}, "", "2025-12-01"),
		}, "2025-11-20", []Handling{{CaseID: 3, Col: "business", N: 1, Received: d("2025-11-03"), Concluded: d("2025-12-01"), Outcome: "partial", Imported: true,
			StateAsOf: cases.StateRegistered, DueAsOf: d("2025-12-01")}}},
		{"a fee lapse concludes; a withdrawal that does not close does not", person, []cases.Event{
			e("register", "2025-05-06", "registered", map[string]any{"received_on": "2025-05-06"}, "", "2025-06-04"),
			e("withdraw", "2025-05-07", "registered", nil, "2025-06-04", "2025-06-04"),
			e("fee_lapsed", "2025-06-20", "closed", nil, "2025-06-04", "2025-06-04"),
		}, "2025-05-31", []Handling{{CaseID: 1, AgencyID: 2, Tracking: "GK2025000001", Col: cases.ColPerson, N: 1, Received: d("2025-05-06"), Concluded: d("2025-06-20"),
			Outcome: cases.OutcomeFeeLapsed, Deadline: d("2025-06-04"), StateAsOf: "registered", DueAsOf: d("2025-06-04")}}},
		{"bulk-loaded row without history", Facts{ID: 4, Kind: cases.KindPerson, State: cases.StateClosed, ReceivedOn: d("2025-02-03"), ConcludedOn: d("2025-02-10"), Outcome: "other.other", ReplyDue: d("2025-03-03")},
			nil, "2025-12-31", []Handling{{CaseID: 4, Col: cases.ColPerson, N: 1, Received: d("2025-02-03"), Concluded: d("2025-02-10"), Outcome: "other.other", StateAsOf: cases.StateClosed, DueAsOf: d("2025-03-03")}}},
		{"a submission never registered is no handling", Facts{ID: 5, Kind: cases.KindPerson, State: cases.StateSubmitted, ReceivedOn: d("2025-02-03")}, nil, "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var asOf cases.Date
			if c.asOf != "" {
				asOf = d(c.asOf)
			}
			got := Derive(&c.row, c.evs, loc, cal, asOf)
			if len(got) != len(c.want) {
				t.Fatalf("%d handlings %+v, want %d", len(got), got, len(c.want))
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("handling %d\n got %+v\nwant %+v", i+1, got[i], c.want[i])
				}
			}
		})
	}
}

// Pauses (consultation, fee) count against the handling in which they began.
func TestDerivePausesBelongToTheirHandling(t *testing.T) {
	clk, _ := json.Marshal(cases.Clock{Pauses: []cases.Pause{{Start: d("2025-03-10"), End: d("2025-03-17")}, {Start: d("2025-09-08"), End: d("2025-09-10")}}})
	row := Facts{ID: 1, Kind: cases.KindPerson, State: cases.StateReplied, Clock: string(clk)}
	hs := Derive(&row, []cases.Event{
		e("register", "2025-03-03", "registered", map[string]any{"received_on": "2025-03-03"}, "", ""),
		e("approve", "2025-04-01", "replied", map[string]any{"outcome": "disclose"}, "", ""),
		e("reopen", "2025-09-01", "in_progress", nil, "", ""),
	}, loc, cal, cases.Date{})
	if len(hs) != 2 || hs[0].PauseDays != cal.WorkdaysBetween(d("2025-03-10"), d("2025-03-17")) || hs[1].PauseDays != cal.WorkdaysBetween(d("2025-09-08"), d("2025-09-10")) {
		t.Errorf("pauses: %+v", hs)
	}
}

// Table 三 of the annual report: a handling received before the year is carried in, one still open
// at its end is carried out, an outcome outside the table counts as other.
func TestCountAnnual(t *testing.T) {
	y0, y1 := d("2025-01-01"), d("2025-12-31")
	for _, c := range []struct {
		name string
		h    Handling
		want map[string]int // row → count in the person column
	}{
		{"new and concluded", Handling{Col: cases.ColPerson, Received: d("2025-03-03"), Concluded: d("2025-03-20"), Outcome: "disclose"}, map[string]int{cases.RowNew: 1, "disclose": 1}},
		{"carried in, concluded", Handling{Col: cases.ColPerson, Received: d("2024-12-20"), Concluded: d("2025-01-10"), Outcome: "partial"}, map[string]int{cases.RowCarriedIn: 1, "partial": 1}},
		{"new, carried out", Handling{Col: cases.ColPerson, Received: d("2025-12-20"), Concluded: d("2026-01-10"), Outcome: "disclose"}, map[string]int{cases.RowNew: 1, cases.RowCarriedOut: 1}},
		{"open", Handling{Col: cases.ColPerson, Received: d("2025-12-20")}, map[string]int{cases.RowNew: 1, cases.RowCarriedOut: 1}},
		{"unknown outcome counts as other", Handling{Col: cases.ColPerson, Received: d("2025-05-05"), Concluded: d("2025-05-06"), Outcome: "nonsense"}, map[string]int{cases.RowNew: 1, cases.OutcomeOther: 1}},
		{"concluded before the year", Handling{Col: cases.ColPerson, Received: d("2024-05-05"), Concluded: d("2024-12-31"), Outcome: "disclose"}, map[string]int{}},
		{"received after the year", Handling{Col: cases.ColPerson, Received: d("2026-01-02")}, map[string]int{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := cases.NewAnnualReport(2025)
			CountAnnual(&rep, c.h, y0, y1)
			for row, cols := range rep.Table3 {
				if cols[cases.ColPerson] != c.want[row] {
					t.Errorf("row %s: %d, want %d", row, cols[cases.ColPerson], c.want[row])
				}
			}
		})
	}
}

// The monthly figures: received, concluded, delivered on time or late, working days without the
// pauses, open and overdue at the end of the month; pauses and extensions by their date.
func TestCountMonthly(t *testing.T) {
	from, to := d("2025-03-01"), d("2025-03-31")
	f := cases.MonthlyFigures{ByOutcome: cases.NewOutcomeCounts()}
	CountMonthly(&f, Handling{Received: d("2025-03-03"), Concluded: d("2025-03-20"), Outcome: "disclose", Deadline: d("2025-03-31"), Delivered: d("2025-03-24"), PauseDays: 2}, from, to, to, cal)
	CountMonthly(&f, Handling{Received: d("2025-02-03"), Concluded: d("2025-03-12"), Outcome: "disclose", Deadline: d("2025-03-03"), Delivered: d("2025-03-14")}, from, to, to, cal)
	CountMonthly(&f, Handling{Received: d("2025-02-10"), StateAsOf: cases.StateInProgress, DueAsOf: d("2025-03-10")}, from, to, to, cal)
	CountMonthly(&f, Handling{Received: d("2025-03-10"), StateAsOf: cases.StateConsulting, DueAsOf: d("2025-03-11")}, from, to, to, cal) // paused: not overdue
	CountMonthly(&f, Handling{Received: d("2025-03-05"), Concluded: d("2025-03-06"), Outcome: cases.OutcomeCorrectionLapsed}, from, to, to, cal)
	CountMonthlyEvent(&f, "extend", d("2025-03-31"), from, to)
	CountMonthlyEvent(&f, "consult", d("2025-03-01"), from, to)
	CountMonthlyEvent(&f, "request_fee", d("2025-04-01"), from, to)
	want := cases.MonthlyFigures{Received: 3, Concluded: 3, Replied: 2, Delivered: 2, OnTime: 1, Late: 1, OverdueOpen: 1, Paused: 1, Extended: 1, WorkdaysCounted: 3}
	if f.Received != want.Received || f.Concluded != want.Concluded || f.Replied != want.Replied || f.Delivered != want.Delivered || f.OnTime != want.OnTime ||
		f.Late != want.Late || f.OverdueOpen != want.OverdueOpen || f.Paused != want.Paused || f.Extended != want.Extended || f.WorkdaysCounted != want.WorkdaysCounted {
		t.Errorf("figures %+v, want %+v", f, want)
	}
	if f.ByOutcome["disclose"] != 2 || f.ByOutcome[cases.OutcomeCorrectionLapsed] != 1 {
		t.Errorf("by outcome %v", f.ByOutcome)
	}
	days := (cal.WorkdaysBetween(d("2025-03-03"), d("2025-03-20")) - 2) + cal.WorkdaysBetween(d("2025-02-03"), d("2025-03-12")) + cal.WorkdaysBetween(d("2025-03-05"), d("2025-03-06"))
	if want := float64(int(float64(days)/3*10+0.5)) / 10; f.AvgWorkdays != want {
		t.Errorf("average %.1f, want %.1f", f.AvgWorkdays, want)
	}
}
