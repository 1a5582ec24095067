package store

import (
	"cmp"
	"context"
	"database/sql"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// What the deadline sweep (package notify) asks of the store. Every query is bounded by an index:
// cases_queue (agency_id, state, reply_due, id) for the clocks, cases_notice_by for the correction
// window, and the primary key of alert_keys for "already alerted", so that a rerun that has nothing
// new to send reads only the cases near a deadline, never every case.

const dueColumns = `c.id, c.agency_id, c.tracking_no, c.state, c.assignee, c.applicant_name, c.received_on, c.reply_due,
	c.correction_notice_by, c.correction_due, c.consultation_due, c.fee_due, c.created_at`

// notAlerted is the condition "no alert with this key was recorded for c".
const notAlerted = ` AND NOT EXISTS (SELECT 1 FROM alert_keys k WHERE k.case_id = c.id AND k.kind = ? AND k.threshold = ? AND k.day = ?)`

func inList(n int) string { return "(?" + strings.Repeat(", ?", n-1) + ")" }

// ReplyDueCases lists the cases of an agency whose reply clock runs (docs/rules.md §4) with
// from ≤ reply_due < to (a zero from: no lower bound) and no alert recorded under key, by
// deadline.
func (db *DB) ReplyDueCases(ctx context.Context, agencyID int64, from, to cases.Date, key cases.AlertKey) ([]cases.DueCase, error) {
	from_ := ` FROM cases c`
	if from.IsZero() && db.Dialect == SQLite {
		// Without a lower bound (overdue), the range on cases_due would run over every concluded
		// case; SQLite's planner cannot tell from bound parameters, so name the queue index.
		from_ += ` INDEXED BY cases_queue`
	}
	q := `SELECT ` + dueColumns + from_ + ` WHERE c.agency_id = ? AND c.state IN ` + inList(len(cases.RunningStates))
	args := []any{agencyID}
	for _, s := range cases.RunningStates {
		args = append(args, s)
	}
	if !from.IsZero() {
		q += ` AND c.reply_due >= ?`
		args = append(args, from)
	}
	q += ` AND c.reply_due < ?` + notAlerted + ` ORDER BY c.reply_due, c.id`
	args = append(args, to, key.Kind, key.Threshold, key.Day)
	var out []cases.DueCase
	err := db.R.SelectContext(ctx, &out, db.R.Rebind(q), args...)
	return out, err
}

// UnregisteredCases lists the online submissions of an agency still waiting for registration
// (Art. 31: not yet received) that were submitted before the instant before, with no alert
// recorded under key.
func (db *DB) UnregisteredCases(ctx context.Context, agencyID int64, before time.Time, key cases.AlertKey) ([]cases.DueCase, error) {
	var out []cases.DueCase
	err := db.R.SelectContext(ctx, &out, db.R.Rebind(`SELECT `+dueColumns+` FROM cases c WHERE c.agency_id = ? AND c.state = ? AND c.created_at < ?`+notAlerted+` ORDER BY c.created_at, c.id`),
		agencyID, cases.StateSubmitted, before.UTC(), key.Kind, key.Threshold, key.Day)
	return out, err
}

// CorrectionWindowCases lists the received cases of an agency in which a correction may still be
// requested (registered or in progress, no correction notice yet) whose 7-working-day window
// (Art. 30) ends on noticeBy, with no alert recorded under key.
func (db *DB) CorrectionWindowCases(ctx context.Context, agencyID int64, noticeBy cases.Date, key cases.AlertKey) ([]cases.DueCase, error) {
	var out []cases.DueCase
	err := db.R.SelectContext(ctx, &out, db.R.Rebind(`SELECT `+dueColumns+` FROM cases c WHERE c.agency_id = ? AND c.correction_notice_by = ?
		AND c.state IN (?, ?) AND c.correction_due IS NULL`+notAlerted+` ORDER BY c.id`),
		agencyID, noticeBy, cases.StateRegistered, cases.StateInProgress, key.Kind, key.Threshold, key.Day)
	return out, err
}

// LapseCases lists the cases of an agency whose side period ended before today: a consultation
// answer due (Art. 32, 34), a correction due (Art. 30) or a fee due (国办函〔2020〕109号).
func (db *DB) LapseCases(ctx context.Context, agencyID int64, today cases.Date) ([]cases.DueCase, error) {
	var out []cases.DueCase
	// One branch per state, each on the queue index (agency_id, state, …): an OR would scan.
	// (Sorted here: an ORDER BY would lead SQLite to scan the table in id order.)
	err := db.R.SelectContext(ctx, &out, db.R.Rebind(`SELECT `+dueColumns+` FROM cases c WHERE c.agency_id = ? AND c.state = ? AND c.consultation_due < ?
		UNION ALL SELECT `+dueColumns+` FROM cases c WHERE c.agency_id = ? AND c.state = ? AND c.correction_due < ?
		UNION ALL SELECT `+dueColumns+` FROM cases c WHERE c.agency_id = ? AND c.state = ? AND c.fee_due < ?`),
		agencyID, cases.StateConsulting, today, agencyID, cases.StateAwaitingCorrection, today, agencyID, cases.StateAwaitingFee, today)
	slices.SortFunc(out, func(a, b cases.DueCase) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// AgencyStaff lists the active staff of an agency: its own users and those who oversee it.
func (db *DB) AgencyStaff(ctx context.Context, agencyID int64) ([]cases.User, error) {
	var us []cases.User
	err := db.R.SelectContext(ctx, &us, db.R.Rebind(`SELECT id, agency_id, username, display_name, email, roles, active FROM users
		WHERE active AND (agency_id = ? OR id IN (SELECT user_id FROM user_agencies WHERE agency_id = ?)) ORDER BY username`), agencyID, agencyID)
	return us, err
}

// RecordAlerts records each alert's key and, for each key not recorded before, writes its
// messages to the outbox, all in one transaction. It reports which alerts were new: an alert
// whose key exists (a rerun, a concurrent sweep, another instance) writes nothing.
func (db *DB) RecordAlerts(ctx context.Context, alerts []cases.Alert) ([]bool, error) {
	fresh := make([]bool, len(alerts))
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		keyStmt, err := tx.PreparexContext(ctx, tx.Rebind(`INSERT INTO alert_keys (case_id, kind, threshold, day, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`))
		if err != nil {
			return err
		}
		defer keyStmt.Close()
		msgStmt, err := prepareMessage(ctx, tx)
		if err != nil {
			return err
		}
		defer msgStmt.Close()
		for i, a := range alerts {
			r, err := keyStmt.ExecContext(ctx, a.CaseID, a.Kind, a.Threshold, a.Day, now.UTC())
			if err != nil {
				return err
			}
			if n, _ := r.RowsAffected(); n != 1 {
				continue
			}
			fresh[i] = true
			for _, m := range a.Messages {
				if m.CaseID == 0 {
					m.CaseID = a.CaseID
				}
				if _, err := execMessage(ctx, msgStmt, m, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

// lockLease is how long a SQLite job lock is honoured without its holder releasing it (a crashed
// run's lock expires).
const lockLease = 30 * time.Minute

// JobLock takes the lock that makes a scheduled job run once across instances. On PostgreSQL it is
// pg_try_advisory_xact_lock inside a transaction held open (on its one connection) until release;
// on SQLite a lease row in job_runs. ok is false when another run holds the lock.
func (db *DB) JobLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	if db.Dialect == Postgres {
		h := fnv.New64a()
		h.Write([]byte("foidesk:" + name))
		key := int64(h.Sum64())
		tx, err := db.W.BeginTxx(ctx, nil)
		if err != nil {
			return nil, false, err
		}
		var got bool
		if err := tx.GetContext(ctx, &got, `SELECT pg_try_advisory_xact_lock($1)`, key); err != nil {
			tx.Rollback()
			return nil, false, err
		}
		if !got {
			tx.Rollback()
			return nil, false, nil
		}
		return func() { tx.Commit() }, true, nil
	}
	now := db.Now().UTC()
	r, err := db.W.ExecContext(ctx, `INSERT INTO job_runs (job, period, created_at) VALUES ('lock', ?, ?)
		ON CONFLICT (job, period) DO UPDATE SET created_at = excluded.created_at WHERE job_runs.created_at < ?`, name, now, now.Add(-lockLease))
	if err != nil {
		return nil, false, err
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return nil, false, nil
	}
	return func() {
		db.W.ExecContext(context.Background(), `DELETE FROM job_runs WHERE job = 'lock' AND period = ?`, name)
	}, true, nil
}

// claimJobRun records that a periodic job ran for a period and runs fn in the same transaction;
// when the period was already claimed it runs nothing and returns false.
func (db *DB) claimJobRun(ctx context.Context, job, period string, fn func(tx *sqlx.Tx, now time.Time) error) (bool, error) {
	claimed := false
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		r, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO job_runs (job, period, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`), job, period, now.UTC())
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return nil
		}
		claimed = true
		if fn == nil {
			return nil
		}
		return fn(tx, now)
	})
	return claimed, err
}

// JobRan reports whether a periodic job was claimed for a period.
func (db *DB) JobRan(ctx context.Context, job, period string) (bool, error) {
	var n int
	err := db.R.GetContext(ctx, &n, db.R.Rebind(`SELECT COUNT(*) FROM job_runs WHERE job = ? AND period = ?`), job, period)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return n > 0, err
}
