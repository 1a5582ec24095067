package store

import (
	"context"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/reportfacts"
)

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
func (db *DB) loadHandlings(ctx context.Context, where string, args []any, zones map[int64]*time.Location, asOf map[int64]cases.Date) ([]reportfacts.Handling, error) {
	var rows []reportfacts.Facts
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
	var out []reportfacts.Handling
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
		out = append(out, reportfacts.Derive(r, evs, loc, cal, asOf[r.AgencyID])...)
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
