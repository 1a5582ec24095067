package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// Events recorded by LogAuth.
const (
	AuthLogin       = "login"
	AuthLoginFailed = "login_failed"
	AuthLogout      = "logout"
	AuthThrottled   = "login_throttled"
)

// LoginFailures counts the failed logins of username since its last successful login and of
// address, both from the instant since on (web/auth.go throttles on them).
func (db *DB) LoginFailures(ctx context.Context, username, address string, since time.Time) (cases.LoginFailures, error) {
	var out cases.LoginFailures
	since = since.UTC()
	var last []time.Time
	if err := db.R.SelectContext(ctx, &last, db.R.Rebind(`SELECT at FROM auth_log WHERE username = ? AND event = ? AND at >= ? ORDER BY at DESC LIMIT 1`), username, AuthLogin, since); err != nil {
		return out, err
	}
	from := since
	if len(last) == 1 && last[0].After(from) {
		from = last[0]
	}
	var err error
	if out.ByUser, out.FirstUser, err = db.failures(ctx, `username = ?`, username, from); err != nil {
		return out, err
	}
	out.ByAddress, out.FirstAddress, err = db.failures(ctx, `address = ?`, address, since)
	return out, err
}

func (db *DB) failures(ctx context.Context, cond string, v any, from time.Time) (int, time.Time, error) {
	var n int
	if err := db.R.GetContext(ctx, &n, db.R.Rebind(`SELECT COUNT(*) FROM auth_log WHERE `+cond+` AND event = ? AND at >= ?`), v, AuthLoginFailed, from); err != nil || n == 0 {
		return n, time.Time{}, err
	}
	var first []time.Time
	if err := db.R.SelectContext(ctx, &first, db.R.Rebind(`SELECT at FROM auth_log WHERE `+cond+` AND event = ? AND at >= ? ORDER BY at LIMIT 1`), v, AuthLoginFailed, from); err != nil {
		return n, time.Time{}, err
	}
	if len(first) == 0 {
		return n, time.Time{}, nil
	}
	return n, first[0], nil
}

// AuthUnlock is the auth_log event of an administrator lifting an account's lock.
const AuthUnlock = "unlock"

// BeginLogin counts, in one write transaction, the failures that throttle a login of username
// from address under p and records this attempt as a failure (LoginSucceeded turns it into a
// login): parallel guesses are serialised by the transaction, so each sees the ones before it
// and no more than p.PairLimit passwords of one pair are ever checked in a window. A refused
// attempt is recorded as login_throttled and not counted as a failure.
func (db *DB) BeginLogin(ctx context.Context, username, address string, p cases.LoginPolicy) (cases.LoginAttempt, error) {
	var out cases.LoginAttempt
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		now = now.UTC()
		if db.Dialect == Postgres { // one account's attempts in turn (SQLite's BEGIN IMMEDIATE already is)
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('login:' || $1))`, username); err != nil {
				return err
			}
		}
		since := now.Add(-p.Window)
		// Failures of the account count from its last login or unlock.
		var from int64
		if err := tx.GetContext(ctx, &from, tx.Rebind(`SELECT COALESCE(MAX(id), 0) FROM auth_log WHERE username = ? AND event IN (?, ?)`), username, AuthLogin, AuthUnlock); err != nil {
			return err
		}
		count := func(cond string, args ...any) (int, time.Time, error) {
			var rows []time.Time
			q := `SELECT at FROM auth_log WHERE ` + cond + ` AND event = ? ORDER BY at`
			err := tx.SelectContext(ctx, &rows, tx.Rebind(q), append(args, AuthLoginFailed)...)
			if err != nil || len(rows) == 0 {
				return 0, time.Time{}, err
			}
			return len(rows), rows[0], nil
		}
		nAcct, _, err := count(`username = ? AND id > ?`, username, from)
		if err != nil {
			return err
		}
		var nPair, nAddr int
		var firstPair, firstAddr time.Time
		if nAcct < p.AccountLimit {
			if nPair, firstPair, err = count(`username = ? AND address = ? AND id > ? AND at > ?`, username, address, from, since); err != nil {
				return err
			}
			if nAddr, firstAddr, err = count(`address = ? AND at > ?`, address, since); err != nil {
				return err
			}
		}
		event := AuthLoginFailed
		switch {
		case nAcct >= p.AccountLimit:
			out.Locked, out.RetryAfter = true, p.Window
		case nPair >= p.PairLimit:
			out.Throttled = true
			out.RetryAfter = firstPair.Add(p.Window).Sub(now)
		case nAddr >= p.AddressLimit:
			out.Throttled = true
			out.RetryAfter = firstAddr.Add(p.Window).Sub(now)
		}
		if out.Locked || out.Throttled {
			event = AuthThrottled
		}
		return tx.GetContext(ctx, &out.ID, tx.Rebind(`INSERT INTO auth_log (at, username, address, event, detail) VALUES (?, ?, ?, ?, '') RETURNING id`), now, username, address, event)
	})
	if out.Locked || out.Throttled {
		out.ID = 0
	}
	return out, err
}

// LoginSucceeded turns the failure BeginLogin recorded as attempt id into a login.
func (db *DB) LoginSucceeded(ctx context.Context, id int64) error {
	_, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE auth_log SET event = ? WHERE id = ? AND event = ?`), AuthLogin, id, AuthLoginFailed)
	return err
}

// UnlockUser lifts the per-account lock of username: its failures before now stop counting.
func (db *DB) UnlockUser(ctx context.Context, username, by string) error {
	if _, err := db.UserByName(ctx, username); err != nil {
		return err
	}
	return db.LogAuth(ctx, username, "", AuthUnlock, "by "+by)
}

// AccountLocked reports whether username has p.AccountLimit failures since its last login or
// unlock.
func (db *DB) AccountLocked(ctx context.Context, username string, p cases.LoginPolicy) (bool, error) {
	var n int
	err := db.R.GetContext(ctx, &n, db.R.Rebind(`SELECT COUNT(*) FROM auth_log WHERE username = ? AND event = ? AND id > (SELECT COALESCE(MAX(id), 0) FROM auth_log WHERE username = ? AND event IN (?, ?))`), username, AuthLoginFailed, username, AuthLogin, AuthUnlock)
	return n >= p.AccountLimit, err
}
