package store

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/workflow"
)

// appendEvent gives e the next seq of c, chains it to c's head and inserts it; it updates c's
// EventCount and HeadHash (the caller writes the case row in the same transaction).
func appendEvent(ctx context.Context, tx *sqlx.Tx, c *cases.Case, e *cases.Event) error {
	e.CaseID = c.ID
	e.Seq = c.EventCount + 1
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if len(e.Payload) == 0 {
		e.Payload = json.RawMessage("{}")
	}
	p, err := workflow.Canonical(e.Payload)
	if err != nil {
		return err
	}
	e.Payload = p
	e.PrevHash = c.HeadHash
	if e.Hash, err = workflow.EventHash(e.PrevHash, *e); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO case_events (case_id, seq, event, actor, at, from_state, to_state, payload, reply_due_before, reply_due_after, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		e.CaseID, e.Seq, e.Event, e.Actor, e.At, e.FromState, e.ToState, string(e.Payload), e.ReplyDueBefore, e.ReplyDueAfter, e.PrevHash, e.Hash)
	if err != nil {
		return err
	}
	c.EventCount, c.HeadHash = e.Seq, e.Hash
	return nil
}

type eventRow struct {
	CaseID         int64           `db:"case_id"`
	Seq            int             `db:"seq"`
	Event          cases.EventName `db:"event"`
	Actor          string          `db:"actor"`
	At             time.Time       `db:"at"`
	FromState      cases.State     `db:"from_state"`
	ToState        cases.State     `db:"to_state"`
	Payload        string          `db:"payload"`
	ReplyDueBefore cases.Date      `db:"reply_due_before"`
	ReplyDueAfter  cases.Date      `db:"reply_due_after"`
	PrevHash       string          `db:"prev_hash"`
	Hash           string          `db:"hash"`
}

func (r eventRow) event() cases.Event {
	return cases.Event{CaseID: r.CaseID, Seq: r.Seq, Event: r.Event, Actor: r.Actor, At: r.At.UTC(), FromState: r.FromState, ToState: r.ToState,
		Payload: json.RawMessage(r.Payload), ReplyDueBefore: r.ReplyDueBefore, ReplyDueAfter: r.ReplyDueAfter, PrevHash: r.PrevHash, Hash: r.Hash}
}

const eventColumns = `case_id, seq, event, actor, at, from_state, to_state, payload, reply_due_before, reply_due_after, prev_hash, hash`

// Events returns the history of a case in order.
func (db *DB) Events(ctx context.Context, caseID int64) ([]cases.Event, error) {
	return events(ctx, db.R, caseID)
}

func events(ctx context.Context, q getter, caseID int64) ([]cases.Event, error) {
	var rows []eventRow
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+eventColumns+` FROM case_events WHERE case_id = ? ORDER BY seq`), caseID); err != nil {
		return nil, err
	}
	out := make([]cases.Event, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, nil
}

// Histories are append-only (the triggers of case_events refuse UPDATE and DELETE), so a history
// once read stays true: answering a case with its history (after every transition, on every case
// page) asks only for the events after the last one kept. pprof of add_note over HTTP: reading
// the whole history of the answered case again was a third of serve's CPU. What is kept is
// checked, never trusted: the events read must continue the kept ones (the next seq, linked by
// prev_hash) and the history must end at the case row's event_count and head_hash; anything else
// reads the whole history again, as before. Audit verify always reads the table itself.

// historiesMax bounds the cases whose histories are kept (a few MB at ten events a case).
const historiesMax = 4096

type histories struct {
	mu sync.Mutex
	m  map[int64][]cases.Event // never changed in place: replaced by a longer slice
}

func (h *histories) get(id int64) []cases.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.m[id]
}

func (h *histories) put(id int64, evs []cases.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[int64][]cases.Event{}
	}
	if _, ok := h.m[id]; !ok && len(h.m) >= historiesMax {
		for k := range h.m { // full: forget one (map order is random enough)
			delete(h.m, k)
			break
		}
	}
	h.m[id] = evs
}

// history returns c's events in order, read through q: those kept for c and the ones after them,
// or all of them. c is the case row as read (its EventCount and HeadHash say where its history
// ends). The slice is the caller's.
func (db *DB) history(ctx context.Context, q getter, c *cases.Case) ([]cases.Event, error) {
	kept := db.hist.get(c.ID)
	n := len(kept)
	ends := func(evs []cases.Event) bool {
		return len(evs) == c.EventCount && len(evs) > 0 && evs[len(evs)-1].Hash == c.HeadHash
	}
	if n > 0 && ends(kept) {
		return slices.Clone(kept), nil
	}
	var evs []cases.Event
	if n > 0 && n < c.EventCount {
		tail, err := eventsAfter(ctx, q, c.ID, n)
		if err != nil {
			return nil, err
		}
		prev := kept[n-1]
		linked := len(tail) > 0
		for _, e := range tail {
			if e.Seq != prev.Seq+1 || e.PrevHash != prev.Hash {
				linked = false
				break
			}
			prev = e
		}
		if linked {
			evs = slices.Concat(kept, tail)
		}
	}
	if evs == nil {
		var err error
		if evs, err = events(ctx, q, c.ID); err != nil {
			return nil, err
		}
	}
	if ends(evs) {
		db.hist.put(c.ID, evs)
		return slices.Clone(evs), nil
	}
	return evs, nil
}

// eventsAfter returns the events of a case after seq, in order.
func eventsAfter(ctx context.Context, q getter, caseID int64, seq int) ([]cases.Event, error) {
	var rows []eventRow
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+eventColumns+` FROM case_events WHERE case_id = ? AND seq > ? ORDER BY seq`), caseID, seq); err != nil {
		return nil, err
	}
	out := make([]cases.Event, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, nil
}

// AuditVerify verifies every case's chain (Art. 45 records); it returns the number verified and
// the broken ones in tracking-number order.
func (db *DB) AuditVerify(ctx context.Context) (int, []cases.Broken, error) {
	var ids []int64
	if err := db.R.SelectContext(ctx, &ids, `SELECT id FROM cases ORDER BY tracking_no`); err != nil {
		return 0, nil, err
	}
	var broken []cases.Broken
	for _, id := range ids {
		c, err := db.caseByID(ctx, db.R, id, false)
		if err != nil {
			return 0, nil, err
		}
		evs, err := events(ctx, db.R, id)
		if err != nil {
			return 0, nil, err
		}
		if b := workflow.VerifyChain(c, evs); b != nil {
			broken = append(broken, *b)
		}
	}
	return len(ids), broken, nil
}
