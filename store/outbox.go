package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// The outbox (docs/design.md "The state machine" step 5, docs/design.md habit 6): notices are written in the
// transaction of the event that causes them and delivered only after it commits. An inbox message
// is delivered by that commit (sent_at is set when it is written); an e-mail waits for the
// delivery job (package notify), which claims it, sends it and marks it sent, or records the
// failure and the next try.

const messageInsert = `INSERT INTO outbox (dedup_key, kind, channel, recipient, case_id, document_id, subject, body, created_at, attempts, next_try_at, sent_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`

const messageColumns = `o.id, COALESCE(o.dedup_key, '') AS dedup_key, o.kind, o.channel, o.recipient, COALESCE(o.case_id, 0) AS case_id,
	COALESCE(c.tracking_no, '') AS tracking_no, COALESCE(o.document_id, 0) AS document_id, o.subject, o.body, o.created_at, o.attempts,
	o.next_try_at, o.sent_at, o.read_at, o.last_error`

const messageFrom = ` FROM outbox o LEFT JOIN cases c ON c.id = o.case_id`

func messageArgs(m cases.Message, now time.Time) []any {
	now = now.UTC()
	var key, caseID, docID, next, sent any
	if m.DedupKey != "" {
		key = m.DedupKey
	}
	if m.CaseID != 0 {
		caseID = m.CaseID
	}
	if m.DocumentID != 0 {
		docID = m.DocumentID
	}
	if m.Channel == cases.MessageInbox {
		sent = now
	} else {
		next = now
	}
	return []any{key, m.Kind, m.Channel, m.Recipient, caseID, docID, m.Subject, m.Body, now, next, sent}
}

func prepareMessage(ctx context.Context, tx *sqlx.Tx) (*sqlx.Stmt, error) {
	return tx.PreparexContext(ctx, tx.Rebind(messageInsert))
}

func execMessage(ctx context.Context, st *sqlx.Stmt, m cases.Message, now time.Time) (bool, error) {
	r, err := st.ExecContext(ctx, messageArgs(m, now)...)
	if err != nil {
		return false, err
	}
	n, _ := r.RowsAffected()
	return n == 1, nil
}

// insertMessage writes one message inside tx; a message whose dedup key exists is skipped.
func insertMessage(ctx context.Context, tx *sqlx.Tx, m cases.Message, now time.Time) (bool, error) {
	r, err := tx.ExecContext(ctx, tx.Rebind(messageInsert), messageArgs(m, now)...)
	if err != nil {
		return false, err
	}
	n, _ := r.RowsAffected()
	return n == 1, nil
}

// EnqueueMessages writes messages to the outbox in one transaction (skipping dedup keys already
// used) and returns how many were written.
func (db *DB) EnqueueMessages(ctx context.Context, msgs []cases.Message) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		for _, m := range msgs {
			ok, err := insertMessage(ctx, tx, m, now)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}

// ClaimMessages claims up to limit messages of a channel that are due for a try (next_try_at has
// come) and not sent: each is leased until now+lease, so that another instance does not send it
// meanwhile (PostgreSQL: FOR UPDATE SKIP LOCKED). A message whose lease runs out unmarked (the
// sender died) is tried again.
func (db *DB) ClaimMessages(ctx context.Context, channel string, limit int, lease time.Duration) ([]cases.Message, error) {
	var out []cases.Message
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		// An e-mail waits for the letter it attaches while that letter is still being rendered
		// (pending.go): it never goes out with an empty attachment, and the wait costs no attempt.
		q := `SELECT id FROM outbox WHERE channel = ? AND sent_at IS NULL AND next_try_at IS NOT NULL AND next_try_at <= ?
			AND NOT EXISTS (SELECT 1 FROM pending_letters p WHERE p.document_id = outbox.document_id) ORDER BY next_try_at, id LIMIT ?`
		if db.Dialect == Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, tx.Rebind(q), channel, now.UTC(), limit); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		args := []any{now.Add(lease).UTC()}
		for _, id := range ids {
			args = append(args, id)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET next_try_at = ? WHERE id IN `+inList(len(ids))), args...); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &out, tx.Rebind(`SELECT `+messageColumns+messageFrom+` WHERE o.id IN `+inList(len(ids))+` ORDER BY o.id`), args[1:]...)
	})
	return out, err
}

// MarkSent records that a message was delivered; the text of a message carrying a new access code
// is blanked.
func (db *DB) MarkSent(ctx context.Context, id int64) error {
	_, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE outbox SET sent_at = ?, attempts = attempts + 1, next_try_at = NULL, last_error = '' WHERE id = ? AND sent_at IS NULL`),
		db.Now().UTC(), id)
	if err != nil {
		return err
	}
	// A new access code is kept only until it is sent (no stored record holds it afterwards).
	_, err = db.W.ExecContext(ctx, db.W.Rebind(`UPDATE outbox SET subject = '', body = '' WHERE id = ? AND kind IN (?, ?)`),
		id, cases.SMSMessageKind(cases.SMSAccessCode), "applicant."+cases.SMSAccessCode)
	return err
}

// MarkFailed records a failed try: one more attempt, the error, and the next try (nil: given up).
func (db *DB) MarkFailed(ctx context.Context, id int64, reason string, next *time.Time) error {
	var n any
	if next != nil {
		n = next.UTC()
	}
	_, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ? WHERE id = ? AND sent_at IS NULL`),
		reason, n, id)
	return err
}

// Message returns one outbox message (ENOTFOUND).
func (db *DB) Message(ctx context.Context, id int64) (cases.Message, error) {
	var m cases.Message
	err := db.R.GetContext(ctx, &m, db.R.Rebind(`SELECT `+messageColumns+messageFrom+` WHERE o.id = ?`), id)
	return m, notFound(err, "消息不存在。", "no such message")
}

// CaseMessages lists the outbox messages about a case, oldest first.
func (db *DB) CaseMessages(ctx context.Context, caseID int64) ([]cases.Message, error) {
	var out []cases.Message
	err := db.R.SelectContext(ctx, &out, db.R.Rebind(`SELECT `+messageColumns+messageFrom+` WHERE o.case_id = ? ORDER BY o.id`), caseID)
	return out, err
}

// Inbox lists a staff user's in-app messages, newest first, with keyset pagination: next is the
// Before of the following page, 0 on the last.
func (db *DB) Inbox(ctx context.Context, username string, f cases.InboxFilter) ([]cases.Message, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := `SELECT ` + messageColumns + messageFrom + ` WHERE o.channel = ? AND o.recipient = ?`
	args := []any{cases.MessageInbox, username}
	if f.Unread {
		q += ` AND o.read_at IS NULL`
	}
	if f.Before > 0 {
		q += ` AND o.id < ?`
		args = append(args, f.Before)
	}
	q += ` ORDER BY o.id DESC LIMIT ?`
	args = append(args, f.Limit+1)
	var out []cases.Message
	if err := db.R.SelectContext(ctx, &out, db.R.Rebind(q), args...); err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// UnreadCount is the number of unread inbox messages of a user (the count in the page header).
func (db *DB) UnreadCount(ctx context.Context, username string) (int, error) {
	return cached(ctx, db, "unread\x00"+username, func() (int, error) { // every staff page shows it (readcache.go)
		var n int
		err := db.R.GetContext(ctx, &n, db.R.Rebind(`SELECT COUNT(*) FROM outbox WHERE channel = ? AND recipient = ? AND read_at IS NULL`), cases.MessageInbox, username)
		return n, err
	})
}

// MarkRead marks inbox messages of a user read: those listed, or all when ids is empty. It
// returns how many changed; other users' messages are never touched.
func (db *DB) MarkRead(ctx context.Context, username string, ids ...int64) (int, error) {
	q := `UPDATE outbox SET read_at = ? WHERE channel = ? AND recipient = ? AND read_at IS NULL`
	args := []any{db.Now().UTC(), cases.MessageInbox, username}
	if len(ids) > 0 {
		q += ` AND id IN ` + inList(len(ids))
		for _, id := range ids {
			args = append(args, id)
		}
	}
	r, err := db.W.ExecContext(ctx, db.W.Rebind(q), args...)
	if err != nil {
		return 0, err
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}

// FailedMessages lists the e-mails not sent after at least one try, newest first: those still to
// be retried (next_try_at set) and those given up (next_try_at empty).
func (db *DB) FailedMessages(ctx context.Context, limit int) ([]cases.Message, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var out []cases.Message
	err := db.R.SelectContext(ctx, &out, db.R.Rebind(`SELECT `+messageColumns+messageFrom+` WHERE o.sent_at IS NULL AND o.attempts > 0 ORDER BY o.id DESC LIMIT ?`), limit)
	return out, err
}

// RetryMessage schedules an unsent message for an immediate try (an administrator's retry of a
// message given up); ENOTFOUND when there is no unsent message with that id.
func (db *DB) RetryMessage(ctx context.Context, id int64) error {
	r, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE outbox SET next_try_at = ? WHERE id = ? AND sent_at IS NULL AND channel <> ?`), db.Now().UTC(), id, cases.MessageInbox)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return cases.Errorf(cases.ENOTFOUND, "没有待发送的该消息。", "no unsent message %d", id)
	}
	return nil
}

// OutboxDocument returns a stored document by id with its body: the attachment of a message (a
// case's letter or a report stored without a case); ENOTFOUND when none.
func (db *DB) OutboxDocument(ctx context.Context, id int64) (cases.Document, error) {
	var d cases.Document
	q := db.R.Rebind(`SELECT ` + documentColumns + `, body FROM documents WHERE id = ?`)
	err := db.R.GetContext(ctx, &d, q, id)
	if err == sql.ErrNoRows {
		return d, cases.Errorf(cases.ENOTFOUND, "文件不存在。", "no such document")
	}
	if err == nil && d.SHA256 == "" && d.CaseID != 0 { // a letter maybe still pending (pending.go): rendered first
		var pending int
		if err := db.R.GetContext(ctx, &pending, db.R.Rebind(`SELECT COUNT(*) FROM pending_letters WHERE document_id = ?`), id); err != nil || pending == 0 {
			return d, err
		}
		if db.Renderer == nil {
			return d, cases.Errorf(cases.EINTERNAL, "文书尚未生成。", "letter %d is not rendered yet", id)
		}
		if _, err := db.renderPending(ctx, id); err != nil {
			return d, err
		}
		err = db.R.GetContext(ctx, &d, q, id)
	}
	return d, err
}

// PublishReport stores a report document without a case (e.g. the monthly statistics) and its
// messages (each gets the document as attachment) in one transaction, once per (job, period):
// when the period was already published it writes nothing and returns false.
func (db *DB) PublishReport(ctx context.Context, job, period string, doc cases.Document, msgs []cases.Message) (bool, int64, error) {
	var docID int64
	ok, err := db.claimJobRun(ctx, job, period, func(tx *sqlx.Tx, now time.Time) error {
		doc.CaseID = 0
		id, err := insertDocument(ctx, tx, doc, now)
		if err != nil {
			return err
		}
		docID = id
		for _, m := range msgs {
			m.DocumentID = id
			if _, err := insertMessage(ctx, tx, m, now); err != nil {
				return err
			}
		}
		return nil
	})
	return ok, docID, err
}
