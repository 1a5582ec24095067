package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The reports count handlings, not cases (docs/rules.md §8: a reopened case is a new handling
// received on the reopen's date). A handling's receipt, conclusion and outcome come from the
// event log, so that a report re-run later does not change:
//   - register / imported → receipt (the payload's received_on; an import may also carry its
//     conclusion: concluded_on and outcome);
//   - approve (the draft's outcome), correction_lapsed, fee_lapsed, withdraw into closed
//     (other.other) → conclusion on the event's date (docs/design.md: the conclusion date);
//   - reopen → a new handling received on the event's date;
//   - record_delivery after a conclusion → the handling's delivery date.
// A case that was never reopened has exactly one handling, whose facts are also the case row's
// received_on, concluded_on and outcome (written in the same transactions as those events and
// never changed afterwards but by a reopen); the annual report reads those columns directly for
// speed and derives only the reopened cases from their events.

// handling is one handling of a case.
type handling struct {
	caseID    int64
	agencyID  int64
	tracking  string
	col       string // column of table 三
	n         int    // 1, 2, … (reopens)
	received  cases.Date
	concluded cases.Date
	outcome   string
	deadline  cases.Date // the reply deadline when it concluded
	delivered cases.Date
	imported  bool
	pauseDays int // working days of the consultation and fee pauses begun in this handling
	// as of the day asked for (asOf): the case's state and reply deadline then
	stateAsOf string
	dueAsOf   cases.Date
}

// open reports whether the handling was received and not concluded on day d.
func (h handling) openOn(d cases.Date) bool {
	return !h.received.After(d) && (h.concluded.IsZero() || h.concluded.After(d))
}

// factRow is what the derivation needs of a case row.
type factRow struct {
	ID          int64      `db:"id"`
	AgencyID    int64      `db:"agency_id"`
	TrackingNo  string     `db:"tracking_no"`
	Kind        string     `db:"applicant_kind"`
	OrgCategory string     `db:"org_category"`
	State       string     `db:"state"`
	ReceivedOn  cases.Date `db:"received_on"`
	ConcludedOn cases.Date `db:"concluded_on"`
	Outcome     string     `db:"outcome"`
	Handling    int        `db:"handling"`
	Imported    bool       `db:"imported"`
	Clock       string     `db:"clock"`
	ReplyDue    cases.Date `db:"reply_due"`
}

const factColumns = `c.id, c.agency_id, c.tracking_no, c.applicant_kind, c.org_category, c.state, c.received_on, c.concluded_on, c.outcome, c.handling, c.imported, c.clock, c.reply_due`

// agencyZones maps every agency to its time zone.
func (db *DB) agencyZones(ctx context.Context) (map[int64]*time.Location, map[int64]cases.Agency, error) {
	as, err := db.Agencies(ctx)
	if err != nil {
		return nil, nil, err
	}
	zones, byID := map[int64]*time.Location{}, map[int64]cases.Agency{}
	for _, a := range as {
		zones[a.ID], byID[a.ID] = a.Settings.Location(), a
	}
	return zones, byID, nil
}

// agencyIn appends "AND c.agency_id IN (…)" for a non-empty list.
func agencyIn(q *strings.Builder, args *[]any, ids []int64) {
	if len(ids) == 0 {
		return
	}
	q.WriteString(" AND c.agency_id IN (?" + strings.Repeat(", ?", len(ids)-1) + ")")
	for _, id := range ids {
		*args = append(*args, id)
	}
}

// loadHandlings derives the handlings of the cases selected by where (a condition on cases c
// with its args), with their state as of asOf (per agency; zero: not needed).
func (db *DB) loadHandlings(ctx context.Context, where string, args []any, zones map[int64]*time.Location, asOf map[int64]cases.Date) ([]handling, error) {
	var rows []factRow
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(`SELECT `+factColumns+` FROM cases c WHERE `+where+` ORDER BY c.id`), args...); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	var evRows []eventRow
	if err := db.R.SelectContext(ctx, &evRows, db.R.Rebind(`SELECT `+prefixed("e.", eventColumns)+` FROM case_events e JOIN cases c ON c.id = e.case_id WHERE `+where+` ORDER BY e.case_id, e.seq`), args...); err != nil {
		return nil, err
	}
	cal := db.Calendar()
	var out []handling
	j := 0
	for i := range rows {
		r := &rows[i]
		var evs []cases.Event
		for ; j < len(evRows) && evRows[j].CaseID < r.ID; j++ {
		}
		for ; j < len(evRows) && evRows[j].CaseID == r.ID; j++ {
			evs = append(evs, evRows[j].event())
		}
		loc := zones[r.AgencyID]
		if loc == nil {
			loc = time.UTC
		}
		out = append(out, deriveHandlings(r, evs, loc, cal, asOf[r.AgencyID])...)
	}
	return out, nil
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// deriveHandlings reads the handlings of one case from its events (see the top of this file).
func deriveHandlings(r *factRow, evs []cases.Event, loc *time.Location, cal *workflow.Calendar, asOf cases.Date) []handling {
	var hs []handling
	col := cases.ReportColumn(r.Kind, r.OrgCategory)
	start := func(d cases.Date, imported bool) *handling {
		hs = append(hs, handling{caseID: r.ID, agencyID: r.AgencyID, tracking: r.TrackingNo, col: col, n: len(hs) + 1, received: d, imported: imported})
		return &hs[len(hs)-1]
	}
	var cur *handling
	conclude := func(d cases.Date, outcome string, due cases.Date) {
		if cur != nil && cur.concluded.IsZero() {
			cur.concluded, cur.outcome, cur.deadline = d, outcome, due
		}
	}
	state, due := "", cases.Date{}
	for _, e := range evs {
		day := cases.DateOf(e.At, loc)
		if !asOf.IsZero() && !day.After(asOf) && e.Event != "imported" {
			if e.ToState != "" {
				state = e.ToState
			}
			due = e.ReplyDueAfter
		}
		switch e.Event {
		case "register":
			if cur == nil {
				cur = start(payloadDate(e.Payload, "received_on", day), false)
			}
		case "imported":
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
		case "reopen":
			cur = start(day, false)
		case "approve":
			var p struct {
				Outcome string `json:"outcome"`
			}
			_ = json.Unmarshal(e.Payload, &p)
			conclude(day, p.Outcome, e.ReplyDueBefore)
		case "correction_lapsed":
			conclude(day, cases.OutcomeCorrectionLapsed, e.ReplyDueBefore)
		case "fee_lapsed":
			conclude(day, cases.OutcomeFeeLapsed, e.ReplyDueBefore)
		case "withdraw":
			if e.ToState == cases.StateClosed {
				conclude(day, cases.OutcomeOther, e.ReplyDueBefore)
			}
		case "record_delivery":
			if cur != nil && !cur.concluded.IsZero() {
				cur.delivered = payloadDate(e.Payload, "delivered_on", day)
			}
		}
	}
	if len(hs) == 0 && len(evs) == 0 && !r.ReceivedOn.IsZero() && r.State != cases.StateSubmitted && r.State != cases.StateDiscarded {
		// a case without history (bulk-loaded data): its row is its only handling
		h := start(r.ReceivedOn, r.Imported)
		h.concluded, h.outcome = r.ConcludedOn, r.Outcome
		state, due = r.State, r.ReplyDue
	}
	// pauses belong to the handling in which they began
	var clk cases.Clock
	if json.Unmarshal([]byte(r.Clock), &clk) == nil {
		for _, p := range clk.Pauses {
			for i := len(hs) - 1; i >= 0; i-- {
				if !p.Start.Before(hs[i].received) {
					hs[i].pauseDays += cal.WorkdaysBetween(p.Start, p.End)
					break
				}
			}
		}
	}
	for i := range hs {
		hs[i].stateAsOf, hs[i].dueAsOf = state, due
	}
	return hs
}

// payloadDate reads a date field of an event payload, or def.
func payloadDate(payload json.RawMessage, field string, def cases.Date) cases.Date {
	var p map[string]any
	if json.Unmarshal(payload, &p) != nil {
		return def
	}
	if s, ok := p[field].(string); ok {
		if d, err := cases.ParseDate(s); err == nil {
			return d
		}
	}
	return def
}
