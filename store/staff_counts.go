package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	cases "foidesk/case"
)

// MonthCount is the applicant's number of requests received in the case's receipt month, this
// one included (docs/rules.md §5) — what a per-request fee notice for the case would count; the
// case page shows it before the clerk confirms a fee.
func (db *DB) MonthCount(ctx context.Context, c *cases.Case) (int, error) {
	return monthCount(ctx, db.R, c)
}

// monthCount counts, for 国办函〔2020〕109号 per-request fees (docs/rules.md §5), the requests of
// the same applicant (same identity document type and number) to the same agency (each agency
// charges for what it receives) received in the case's receipt month, discarded submissions
// excluded, up to and including this one: the earlier days of the month, then those of the same
// day registered before it (a paper application is registered when it is entered, an online one
// at its register event; imported cases at their import).
func monthCount(ctx context.Context, q getter, c *cases.Case) (int, error) {
	if c.ReceivedOn.IsZero() {
		return 1, nil
	}
	first := cases.NewDate(c.ReceivedOn.Year(), c.ReceivedOn.Month(), 1)
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM cases WHERE agency_id = ? AND id_type = ? AND id_number = ?
		AND received_on >= ? AND received_on < ? AND state <> ?`),
		c.AgencyID, c.Applicant.IDType, c.Applicant.IDNumber, first, c.ReceivedOn, cases.StateDiscarded); err != nil {
		return 0, err
	}
	var day []struct {
		ID         int64        `db:"id"`
		Registered sql.NullTime `db:"registered"`
		Created    time.Time    `db:"created_at"`
	}
	if err := q.SelectContext(ctx, &day, q.Rebind(`SELECT k.id, e.at AS registered, k.created_at FROM cases k
		LEFT JOIN case_events e ON e.case_id = k.id AND e.event = 'register'
		WHERE k.agency_id = ? AND k.id_type = ? AND k.id_number = ? AND k.received_on = ? AND k.state <> ?`),
		c.AgencyID, c.Applicant.IDType, c.Applicant.IDNumber, c.ReceivedOn, cases.StateDiscarded); err != nil {
		return 0, err
	}
	at := func(i int) time.Time {
		if day[i].Registered.Valid {
			return day[i].Registered.Time
		}
		return day[i].Created
	}
	mine := -1
	for i := range day {
		if day[i].ID == c.ID {
			mine = i
		}
	}
	if mine < 0 { // not stored yet: the last of its day
		return n + len(day) + 1, nil
	}
	seen := map[int64]bool{}
	for i := range day {
		if seen[day[i].ID] {
			continue
		}
		seen[day[i].ID] = true
		if at(i).Before(at(mine)) || at(i).Equal(at(mine)) && day[i].ID <= c.ID {
			n++
		}
	}
	return n, nil
}

var _ cases.AccountService = (*DB)(nil)

// OpenCasesByAssignee counts the open cases of the agencies (none: every agency) by assignee, ""
// for the unassigned — the load column of the supervisor's overview (workflow.ClerkLoads).
func (db *DB) OpenCasesByAssignee(ctx context.Context, agencyIDs []int64) (map[string]int, error) {
	var q strings.Builder
	args := []any{}
	q.WriteString(`SELECT c.assignee, COUNT(*) AS n FROM cases c WHERE c.state IN (?` + strings.Repeat(", ?", len(cases.OpenStates)-1) + `)`)
	for _, s := range cases.OpenStates {
		args = append(args, s)
	}
	agencyIn(&q, &args, agencyIDs)
	q.WriteString(` GROUP BY c.assignee`)
	var rows []struct {
		Assignee string `db:"assignee"`
		N        int    `db:"n"`
	}
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(q.String()), args...); err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Assignee] += r.N
	}
	return out, nil
}
