package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/workflow"
)

// chainRecord is what an event's hash covers (docs/design.md "Storage").
type chainRecord struct {
	CaseID         int64           `json:"case_id"`
	Seq            int             `json:"seq"`
	Event          string          `json:"event"`
	Actor          string          `json:"actor"`
	At             string          `json:"at"`
	From           string          `json:"from"`
	To             string          `json:"to"`
	Payload        json.RawMessage `json:"payload"`
	ReplyDueBefore string          `json:"reply_due_before"`
	ReplyDueAfter  string          `json:"reply_due_after"`
}

// EventHash is SHA-256(previous hash ‖ canonical JSON of the event), hex.
func EventHash(prev string, e cases.Event) (string, error) {
	payload := e.Payload
	if len(payload) == 0 {
		payload = json.RawMessage("{}")
	}
	p, err := workflow.Canonical(payload)
	if err != nil {
		return "", fmt.Errorf("event payload: %w", err)
	}
	rec := chainRecord{CaseID: e.CaseID, Seq: e.Seq, Event: e.Event, Actor: e.Actor, At: e.At.UTC().Format(time.RFC3339Nano),
		From: e.FromState, To: e.ToState, Payload: p, ReplyDueBefore: e.ReplyDueBefore.String(), ReplyDueAfter: e.ReplyDueAfter.String()}
	b, err := workflow.Canonical(rec)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

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
	if e.Hash, err = EventHash(e.PrevHash, *e); err != nil {
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
	CaseID         int64      `db:"case_id"`
	Seq            int        `db:"seq"`
	Event          string     `db:"event"`
	Actor          string     `db:"actor"`
	At             time.Time  `db:"at"`
	FromState      string     `db:"from_state"`
	ToState        string     `db:"to_state"`
	Payload        string     `db:"payload"`
	ReplyDueBefore cases.Date `db:"reply_due_before"`
	ReplyDueAfter  cases.Date `db:"reply_due_after"`
	PrevHash       string     `db:"prev_hash"`
	Hash           string     `db:"hash"`
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

// VerifyChain checks one case's events against its stored head: each hash recomputed, each link
// to the previous hash, the sequence without gaps, the count and head hash of the case row.
func VerifyChain(c *cases.Case, evs []cases.Event) *cases.Broken {
	prev := ""
	for i, e := range evs {
		if e.Seq != i+1 {
			return &cases.Broken{TrackingNo: c.TrackingNo, Seq: i + 1, Reason: fmt.Sprintf("event %d missing", i+1)}
		}
		if e.PrevHash != prev {
			return &cases.Broken{TrackingNo: c.TrackingNo, Seq: e.Seq, Reason: "link to the previous event broken"}
		}
		h, err := EventHash(prev, e)
		if err != nil || h != e.Hash {
			return &cases.Broken{TrackingNo: c.TrackingNo, Seq: e.Seq, Reason: "hash mismatch: the event was altered"}
		}
		prev = h
	}
	if len(evs) < c.EventCount {
		return &cases.Broken{TrackingNo: c.TrackingNo, Seq: len(evs) + 1, Reason: fmt.Sprintf("event missing: the case records %d events, %d found", c.EventCount, len(evs))}
	}
	if len(evs) > c.EventCount {
		return &cases.Broken{TrackingNo: c.TrackingNo, Seq: c.EventCount + 1, Reason: fmt.Sprintf("unexpected event: the case records %d events, %d found", c.EventCount, len(evs))}
	}
	if prev != c.HeadHash {
		return &cases.Broken{TrackingNo: c.TrackingNo, Seq: len(evs), Reason: "head hash mismatch: the last event was altered"}
	}
	return nil
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
		if b := VerifyChain(c, evs); b != nil {
			broken = append(broken, *b)
		}
	}
	return len(ids), broken, nil
}
