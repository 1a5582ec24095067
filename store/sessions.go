package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionStore keeps the staff's login sessions (alexedwards/scs) in the sessions table, so that
// several foidesk instances on one PostgreSQL database share them. Only the SHA-256 of a session
// token is stored: a copy of the database does not yield live sessions. Expiry is REAL Unix seconds
// on SQLite and TIMESTAMPTZ on PostgreSQL. Now is the real clock (scs sets expiries with time.Now).
//
// With an idle timeout scs commits the session at the end of every request only to push its
// expiry forward: on SQLite a write (the database's one write lock) for every page read. The store
// skips a commit whose data is what this process last stored for the token and whose expiry moves
// by less than Refresh; the idle timeout then ends a session up to Refresh early, never late.
// (A skipped commit also never brings back a session deleted meanwhile, by a logout elsewhere.)
type SessionStore struct {
	db  *DB
	Now func() time.Time
	// Refresh: an unchanged session's expiry is stored again only when it moves by at least this
	// much (0: on every commit).
	Refresh time.Duration

	mu      sync.Mutex
	stored  map[string]storedSession // by the token's hash
	pruneAt int                      // prune the expired entries when stored grows past this
}

// storedSession is what this process last committed for a token.
type storedSession struct {
	data   []byte
	expiry time.Time
}

// sessionRefresh is the default SessionStore.Refresh.
const sessionRefresh = time.Minute

var _ scs.CtxStore = (*SessionStore)(nil)

// SessionStore returns the scs store of the database.
func (db *DB) SessionStore() *SessionStore {
	return &SessionStore{db: db, Now: time.Now, Refresh: sessionRefresh, stored: map[string]storedSession{}, pruneAt: 1024}
}

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

// CommitCtx stores (or replaces) a session with its expiry; an unchanged session whose expiry
// moves by less than Refresh is left as stored.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	h := HashSecret(token)
	if s.unchanged(h, b, expiry) {
		return nil
	}
	_, err := s.db.W.ExecContext(ctx, s.db.W.Rebind(`INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`), h, b, s.expiry(expiry))
	if err == nil {
		s.remember(h, b, expiry)
	}
	return err
}

// unchanged reports whether the commit of b with expiry may be skipped: this process stored the
// same data for the token, not yet expired, with an expiry less than Refresh earlier.
func (s *SessionStore) unchanged(h string, b []byte, expiry time.Time) bool {
	if s.Refresh <= 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.stored[h]
	return ok && bytes.Equal(st.data, b) && st.expiry.After(s.Now()) && !expiry.Before(st.expiry) && expiry.Sub(st.expiry) < s.Refresh
}

// remember records a commit (and, now and then, forgets the expired ones).
func (s *SessionStore) remember(h string, b []byte, expiry time.Time) {
	if s.Refresh <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored == nil {
		s.stored = map[string]storedSession{}
	}
	s.stored[h] = storedSession{data: bytes.Clone(b), expiry: expiry}
	if len(s.stored) > s.pruneAt {
		now := s.Now()
		for k, v := range s.stored {
			if !v.expiry.After(now) {
				delete(s.stored, k)
			}
		}
		s.pruneAt = max(1024, 2*len(s.stored))
	}
}

func (s *SessionStore) forget(h string) {
	s.mu.Lock()
	delete(s.stored, h)
	s.mu.Unlock()
}

// DeleteCtx removes a session; an unknown token is no error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	h := HashSecret(token)
	s.forget(h)
	_, err := s.db.W.ExecContext(ctx, s.db.W.Rebind(`DELETE FROM sessions WHERE token = ?`), h)
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
