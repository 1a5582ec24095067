package store

import (
	"context"
	"encoding/json"
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
