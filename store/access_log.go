package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// The access log of personal data (cases.AccessLogService): append-only (triggers refuse UPDATE
// and DELETE, migration 0009).

// LogAccess appends entries in one transaction.
func (db *DB) LogAccess(ctx context.Context, entries []cases.AccessEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		for _, e := range entries {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO access_log (at, user_id, username, case_id, agency_id, what, address) VALUES (?, ?, ?, ?, ?, ?, ?)`),
				e.At.UTC(), e.UserID, e.Username, e.CaseID, e.AgencyID, e.What, e.Address); err != nil {
				return err
			}
		}
		return nil
	})
}

const accessColumns = `id, at, user_id, username, case_id, agency_id, what, address`

// AccessLog lists the views of a case, newest first.
func (db *DB) AccessLog(ctx context.Context, caseID int64, limit int) ([]cases.AccessEntry, error) {
	out := []cases.AccessEntry{}
	err := db.R.SelectContext(ctx, &out, db.R.Rebind(`SELECT `+accessColumns+` FROM access_log WHERE case_id = ? ORDER BY at DESC, id DESC LIMIT ?`), caseID, limit)
	return out, err
}

// AccessLogRange lists the views of the agencies' cases (all agencies when agencyIDs is empty)
// in [from, to), oldest first.
func (db *DB) AccessLogRange(ctx context.Context, agencyIDs []int64, from, to time.Time) ([]cases.AccessEntry, error) {
	out := []cases.AccessEntry{}
	q := `SELECT ` + accessColumns + ` FROM access_log WHERE at >= ? AND at < ?`
	args := []any{from.UTC(), to.UTC()}
	if len(agencyIDs) > 0 {
		q += ` AND agency_id IN (?)`
		var err error
		q, args, err = sqlx.In(q, append(args, agencyIDs)...)
		if err != nil {
			return nil, err
		}
	}
	err := db.R.SelectContext(ctx, &out, db.R.Rebind(q+` ORDER BY at, id`), args...)
	return out, err
}
