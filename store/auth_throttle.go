package store

import (
	"context"
	"time"

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
