package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
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

// reportEventColumns are the columns of case_events that Derive reads (not the actor, the from
// state and the hashes).
const reportEventColumns = `e.case_id, e.seq, e.event, e.at, e.to_state, e.payload, e.reply_due_before, e.reply_due_after`

// loadHandlings derives the handlings of the cases selected by where (a condition on cases c
// with its args), with their state as of asOf (per agency; zero: not needed).
//
// The cases are chosen by ids (`c.id IN (SELECT c.id … WHERE where)`) and their rows and events
// read by primary key in id order: the earlier join of case_events with cases on where, and the
// case rows selected with ORDER BY c.id, made SQLite scan the whole event log and the whole
// cases table at a million cases (EXPLAIN QUERY PLAN: SCAN e, SCAN c; 7.7 s of the annual report,
// docs/performance.md), where the ids alone come from the covering index cases_report.
//
// The cases are read in two halves at once, those of even and of odd ids, each on its own reader
// connection: reading and decoding some 100,000 cases and 500,000 events for a month's statistics
// at a million cases then uses both cores (pprof: the SQLite reading half of it, the decoding the
// rest). The halves are merged back into id order.
func (db *DB) loadHandlings(ctx context.Context, where string, args []any, zones map[int64]*time.Location, asOf map[int64]cases.Date) ([]reportfacts.Handling, error) {
	var parts [2][]reportfacts.Handling
	var errs [2]error
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i], errs[i] = db.loadHandlingsOf(ctx, `(`+where+`) AND c.id % 2 = `+strconv.Itoa(i), args, zones, asOf)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	a, b := parts[0], parts[1]
	out := make([]reportfacts.Handling, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 { // the handlings of one case stay together, in their order
		if a[0].CaseID < b[0].CaseID {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...), nil
}

// loadHandlingsOf derives the handlings of the cases selected by where (see loadHandlings).
func (db *DB) loadHandlingsOf(ctx context.Context, where string, args []any, zones map[int64]*time.Location, asOf map[int64]cases.Date) ([]reportfacts.Handling, error) {
	ids := `SELECT c.id FROM cases c WHERE ` + where
	var rows []reportfacts.Facts
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(`SELECT `+factColumns+` FROM cases c WHERE c.id IN (`+ids+`) ORDER BY c.id`), args...); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	// The events are streamed, case by case, rather than collected first: at a million cases a
	// month's statistics read about half a million events (pprof: a third of the time went to
	// growing and collecting that slice).
	evq, err := db.R.QueryContext(ctx, db.R.Rebind(`SELECT `+reportEventColumns+` FROM case_events e WHERE e.case_id IN (`+ids+`) ORDER BY e.case_id, e.seq`), args...)
	if err != nil {
		return nil, err
	}
	defer evq.Close()
	cal := db.Calendar()
	var out []reportfacts.Handling
	var evs []cases.Event // the events of rows[i]
	i := 0
	derive := func() {
		r := &rows[i]
		loc := zones[r.AgencyID]
		if loc == nil {
			loc = time.UTC
		}
		out = append(out, reportfacts.Derive(r, evs, loc, cal, asOf[r.AgencyID])...)
		evs, i = evs[:0], i+1
	}
	for evq.Next() {
		var e cases.Event
		var payload []byte
		if err := evq.Scan(&e.CaseID, &e.Seq, &e.Event, &e.At, &e.ToState, &payload, &e.ReplyDueBefore, &e.ReplyDueAfter); err != nil {
			return nil, err
		}
		for i < len(rows) && rows[i].ID < e.CaseID {
			derive()
		}
		if i < len(rows) && rows[i].ID == e.CaseID {
			e.At, e.Payload = e.At.UTC(), payload
			evs = append(evs, e)
		}
	}
	if err := evq.Err(); err != nil {
		return nil, err
	}
	for i < len(rows) {
		derive()
	}
	return out, nil
}
