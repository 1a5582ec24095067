package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionStore keeps the staff's login sessions (alexedwards/scs) in the sessions table, so that
// several foidesk instances on one PostgreSQL database share them. Only the SHA-256 of a session
// token is stored: a copy of the database does not yield live sessions. Expiry is REAL Unix seconds
// on SQLite and TIMESTAMPTZ on PostgreSQL. Now is the real clock (scs sets expiries with time.Now).
type SessionStore struct {
	db  *DB
	Now func() time.Time
}

var _ scs.CtxStore = (*SessionStore)(nil)

// SessionStore returns the scs store of the database.
func (db *DB) SessionStore() *SessionStore { return &SessionStore{db: db, Now: time.Now} }

func (s *SessionStore) expiry(t time.Time) any {
	if s.db.Dialect == SQLite {
		return float64(t.UnixNano()) / 1e9
	}
	return t.UTC()
}

// FindCtx returns the data of an unexpired session; found is false for an unknown, expired or
// malformed token.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.R.GetContext(ctx, &b, s.db.R.Rebind(`SELECT data FROM sessions WHERE token = ? AND expiry > ?`), HashSecret(token), s.expiry(s.Now()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx stores (or replaces) a session with its expiry.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.W.ExecContext(ctx, s.db.W.Rebind(`INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`), HashSecret(token), b, s.expiry(expiry))
	return err
}

// DeleteCtx removes a session; an unknown token is no error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.W.ExecContext(ctx, s.db.W.Rebind(`DELETE FROM sessions WHERE token = ?`), HashSecret(token))
	return err
}

func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s *SessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpired removes every expired session and returns how many.
func (s *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	r, err := s.db.W.ExecContext(ctx, s.db.W.Rebind(`DELETE FROM sessions WHERE expiry <= ?`), s.expiry(s.Now()))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// Count returns the number of unexpired sessions.
func (s *SessionStore) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.R.GetContext(ctx, &n, s.db.R.Rebind(`SELECT COUNT(*) FROM sessions WHERE expiry > ?`), s.expiry(s.Now()))
	return n, err
}

// StartCleanup deletes expired sessions every interval until stop is called.
func (s *SessionStore) StartCleanup(interval time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_, _ = s.DeleteExpired(context.Background())
			}
		}
	}()
	return func() { close(done) }
}
