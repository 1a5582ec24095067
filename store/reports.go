package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/reportfacts"
)

var _ cases.ReportService = (*DB)(nil)

// yearBounds returns 1 January and 31 December of year.
func yearBounds(year int) (cases.Date, cases.Date) {
	return cases.NewDate(year, time.January, 1), cases.NewDate(year, time.December, 31)
}

// scope returns the agencies of a report (all when ids is empty).
func (db *DB) scope(ctx context.Context, ids []int64) ([]cases.Agency, error) {
	all, err := db.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return all, nil
	}
	var out []cases.Agency
	for _, a := range all {
		for _, id := range ids {
			if a.ID == id {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// AnnualReport computes the annual report of year over the agencies (all when none) following
// the year rules of docs/rules.md §8 on handlings (see reports_facts.go): 一 = received in the year;
// 二 = received before it and not concluded before 1 January; 三 = concluded in the year, by the
// outcome it ended with; 四 = received by 31 December and not concluded by then. Table 四 counts
// the remedy records filed in the year with their result as decided on or before 31 December;
// the fees are those paid in the year.
func (db *DB) AnnualReport(ctx context.Context, agencyIDs []int64, year int) (cases.AnnualReport, error) {
	rep := cases.NewAnnualReport(year)
	if year < 1990 || year > 9998 {
		return rep, cases.Errorf(cases.EINVALID, "年份不正确。", "bad year %d", year)
	}
	var err error
	if rep.Scope, err = db.scope(ctx, agencyIDs); err != nil {
		return rep, err
	}
	y0, y1 := yearBounds(year)
	zones, _, err := db.agencyZones(ctx)
	if err != nil {
		return rep, err
	}

	// The handlings of the reopened cases are read on another reader connection while the rest is
	// read: their random reads overlap the others' with a cold cache (2 of the 4.7 s of a cold
	// annual report at a million cases), and their decoding uses the other core with a warm one.
	var w strings.Builder
	wargs := []any{y1}
	w.WriteString(`c.handling > 1 AND c.received_on <= ?`)
	agencyIn(&w, &wargs, agencyIDs)
	type loaded struct {
		hs  []reportfacts.Handling
		err error
	}
	reopened := make(chan loaded, 1)
	go func() {
		hs, err := db.loadHandlings(ctx, w.String(), wargs, zones, nil)
		reopened <- loaded{hs, err}
	}()

	// Cases never reopened: one handling each, read from the case row.
	var q strings.Builder
	args := []any{y0, y0, y1, y1, y1, y0, cases.StateSubmitted, cases.StateDiscarded}
	q.WriteString(`SELECT c.applicant_kind AS kind, c.org_category AS org, c.outcome AS outcome,
		SUM(CASE WHEN c.received_on >= ? THEN 1 ELSE 0 END) AS n_new,
		SUM(CASE WHEN c.received_on < ? THEN 1 ELSE 0 END) AS n_in,
		SUM(CASE WHEN c.concluded_on <= ? THEN 1 ELSE 0 END) AS n_done,
		SUM(CASE WHEN c.concluded_on IS NULL OR c.concluded_on > ? THEN 1 ELSE 0 END) AS n_out
		FROM cases c
		WHERE c.handling = 1 AND c.received_on <= ? AND (c.concluded_on IS NULL OR c.concluded_on >= ?) AND c.state NOT IN (?, ?)`)
	agencyIn(&q, &args, agencyIDs)
	q.WriteString(` GROUP BY c.applicant_kind, c.org_category, c.outcome`)
	var groups []struct {
		Kind    string `db:"kind"`
		Org     string `db:"org"`
		Outcome string `db:"outcome"`
		New     int    `db:"n_new"`
		In      int    `db:"n_in"`
		Done    int    `db:"n_done"`
		Out     int    `db:"n_out"`
	}
	if err := db.R.SelectContext(ctx, &groups, db.R.Rebind(q.String()), args...); err != nil {
		return rep, err
	}
	for _, g := range groups {
		col := cases.ReportColumn(g.Kind, g.Org)
		rep.Add(cases.RowNew, col, g.New)
		rep.Add(cases.RowCarriedIn, col, g.In)
		rep.Add(cases.RowCarriedOut, col, g.Out)
		if g.Done > 0 {
			if _, ok := rep.Table3[g.Outcome]; !ok {
				return rep, fmt.Errorf("annual report: %d cases concluded with unknown outcome %q", g.Done, g.Outcome)
			}
			rep.Add(g.Outcome, col, g.Done)
		}
	}

	// Reopened cases: every handling from the event log (read meanwhile, see above).
	r := <-reopened
	if r.err != nil {
		return rep, r.err
	}
	for _, h := range r.hs {
		reportfacts.CountAnnual(&rep, h, y0, y1)
	}

	if err := db.table4(ctx, &rep, agencyIDs, y0, y1); err != nil {
		return rep, err
	}
	if err := db.fees(ctx, &rep, agencyIDs, y0, y1, zones); err != nil {
		return rep, err
	}
	rep.Finish()
	return rep, nil
}

// table4 counts the remedy records filed in [y0, y1]. A later record of the same remedy (same
// case, kind and filing date) replaces the earlier one; a result decided after y1 counts as
// pending (尚未审结), so that the report does not change when re-run later.
func (db *DB) table4(ctx context.Context, rep *cases.AnnualReport, agencyIDs []int64, y0, y1 cases.Date) error {
	var q strings.Builder
	args := []any{y0, y1}
	q.WriteString(`SELECT r.id, r.case_id, r.kind, r.filed_on, r.result, r.decided_on FROM remedies r`)
	if len(agencyIDs) > 0 { // the case row only for its agency: a random read per remedy (2.4 s of a cold annual report at 1M)
		q.WriteString(` JOIN cases c ON c.id = r.case_id`)
	}
	q.WriteString(` WHERE r.filed_on >= ? AND r.filed_on <= ?`)
	agencyIn(&q, &args, agencyIDs)
	q.WriteString(` ORDER BY r.id`)
	var rs []cases.Remedy
	if err := db.R.SelectContext(ctx, &rs, db.R.Rebind(q.String()), args...); err != nil {
		return err
	}
	latest := map[string]cases.Remedy{}
	var order []string
	for _, r := range rs {
		k := fmt.Sprintf("%d|%s|%s", r.CaseID, r.Kind, r.FiledOn)
		if _, ok := latest[k]; !ok {
			order = append(order, k)
		}
		latest[k] = r
	}
	for _, k := range order {
		r := latest[k]
		if _, ok := rep.Table4[r.Kind]; !ok {
			continue
		}
		res := r.Result
		if res == "" || res == cases.RemedyPending || r.DecidedOn.IsZero() || r.DecidedOn.After(y1) || !cases.RemedyResults.Has(res) {
			res = cases.RemedyPending
		}
		rep.Table4[r.Kind][res]++
	}
	return nil
}

// fees sums the fees paid in [y0, y1] by basis, from the fee notices and payments in the event log.
func (db *DB) fees(ctx context.Context, rep *cases.AnnualReport, agencyIDs []int64, y0, y1 cases.Date, zones map[int64]*time.Location) error {
	var q strings.Builder
	var args []any
	q.WriteString(`SELECT e.case_id, e.seq, e.event, e.payload FROM case_events e`)
	if len(agencyIDs) > 0 { // the case row only for its agency: 60,000 row reads fewer at a million cases
		q.WriteString(` JOIN cases c ON c.id = e.case_id`)
	}
	// The condition of the partial index case_events_fees (migration 0015), literally.
	q.WriteString(` WHERE e.event IN ('` + string(cases.EventRequestFee) + `', '` + string(cases.EventFeePaid) + `')`)
	agencyIn(&q, &args, agencyIDs)
	q.WriteString(` ORDER BY e.case_id, e.seq`)
	var evs []struct {
		CaseID  int64           `db:"case_id"`
		Seq     int             `db:"seq"`
		Event   cases.EventName `db:"event"`
		Payload string          `db:"payload"`
	}
	if err := db.R.SelectContext(ctx, &evs, db.R.Rebind(q.String()), args...); err != nil {
		return err
	}
	var basis string
	var amount int
	var caseID int64
	for _, e := range evs {
		if e.CaseID != caseID {
			caseID, basis, amount = e.CaseID, "", 0
		}
		var p struct {
			Basis  string     `json:"basis"`
			Amount int        `json:"amount"`
			PaidOn cases.Date `json:"paid_on"`
		}
		_ = json.Unmarshal([]byte(e.Payload), &p)
		switch e.Event {
		case cases.EventRequestFee:
			basis, amount = p.Basis, p.Amount
		case cases.EventFeePaid:
			if p.PaidOn.Before(y0) || p.PaidOn.After(y1) || amount == 0 {
				continue
			}
			switch basis {
			case cases.FeePerPage:
				rep.Fees.PerPage += amount
			default:
				rep.Fees.PerRequest += amount
			}
			basis, amount = "", 0
		}
	}
	return nil
}

// MonthlyStats computes the monthly statistics (docs/rules.md §8) of year-month per agency and
// summed: handlings received and concluded (by outcome) in the month; of the replies concluded,
// those delivered on or before the reply deadline; the average working days from receipt to
// conclusion without the paused days; the pauses begun and extensions approved in the month; the
// handlings open at the end of the month (today for the current month) whose running deadline had
// passed. The notify job sends it to the superior office early each month.
func (db *DB) MonthlyStats(ctx context.Context, agencyIDs []int64, year, month int) (cases.MonthlyStats, error) {
	st := cases.MonthlyStats{Year: year, Month: month}
	if month < 1 || month > 12 || year < 1990 || year > 9998 {
		return st, cases.Errorf(cases.EINVALID, "年份或月份不正确。", "bad year or month %d-%d", year, month)
	}
	from := cases.NewDate(year, time.Month(month), 1)
	to := from.Time().AddDate(0, 1, -1)
	st.From, st.To = from, cases.NewDate(to.Year(), to.Month(), to.Day())
	agencies, err := db.scope(ctx, agencyIDs)
	if err != nil {
		return st, err
	}
	zones, _, err := db.agencyZones(ctx)
	if err != nil {
		return st, err
	}
	now := db.Now()
	asOf := map[int64]cases.Date{}
	figures := map[int64]*cases.MonthlyFigures{}
	for _, a := range agencies {
		d := st.To
		if t := Today(a, now); t.Before(d) {
			d = t
		}
		asOf[a.ID] = d
		if st.AsOf.IsZero() || d.After(st.AsOf) {
			st.AsOf = d
		}
		figures[a.ID] = &cases.MonthlyFigures{Agency: a.Code, AgencyName: a.Name, ByOutcome: cases.NewOutcomeCounts()}
	}
	ids := make([]int64, len(agencies))
	for i, a := range agencies {
		ids[i] = a.ID
	}

	var w strings.Builder
	args := []any{cases.StateSubmitted, cases.StateDiscarded, st.To, st.From}
	// Written so that the ids come from the covering index cases_report (EXPLAIN QUERY PLAN: a
	// MULTI-INDEX OR on it) rather than from cases_received and a million row reads; only a scope
	// asked for filters on the agency in SQL (the figures of other agencies are dropped below).
	w.WriteString(`c.state NOT IN (?, ?) AND c.received_on <= ? AND (c.handling > 1 OR (c.handling <= 1 AND (c.concluded_on IS NULL OR c.concluded_on >= ?)))`)
	agencyIn(&w, &args, agencyIDs)
	hs, err := db.loadHandlings(ctx, w.String(), args, zones, asOf)
	if err != nil {
		return st, err
	}
	cal := db.Calendar()
	for _, h := range hs {
		if f := figures[h.AgencyID]; f != nil {
			reportfacts.CountMonthly(f, h, st.From, st.To, asOf[h.AgencyID], cal)
		}
	}

	// pauses begun and extensions approved in the month, dated in each agency's time zone
	var q strings.Builder
	eargs := []any{string(cases.EventConsult), string(cases.EventRequestFee), string(cases.EventExtend), st.From.Time().Add(-24 * time.Hour), st.To.Time().Add(48 * time.Hour)}
	q.WriteString(`SELECT e.event, e.at, c.agency_id FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.event IN (?, ?, ?) AND e.at >= ? AND e.at < ?`)
	agencyIn(&q, &eargs, ids)
	var evs []struct {
		Event    cases.EventName `db:"event"`
		At       time.Time       `db:"at"`
		AgencyID int64           `db:"agency_id"`
	}
	if err := db.R.SelectContext(ctx, &evs, db.R.Rebind(q.String()), eargs...); err != nil {
		return st, err
	}
	for _, e := range evs {
		if f := figures[e.AgencyID]; f != nil {
			reportfacts.CountMonthlyEvent(f, e.Event, cases.DateOf(e.At, zones[e.AgencyID]), st.From, st.To)
		}
	}

	st.Total = cases.MonthlyFigures{ByOutcome: cases.NewOutcomeCounts()}
	for _, a := range agencies {
		f := figures[a.ID]
		st.Agencies = append(st.Agencies, *f)
		st.Total.Plus(*f)
	}
	return st, nil
}
