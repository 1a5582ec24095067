package store

import (
	"context"
	"database/sql"
	"strconv"
	"sync"
)

// The read cache (docs/performance.md): on SQLite, answers that every staff page asks again —
// the queue's tab counts, the signed-in user, the agencies, the clerks, the unread count — are
// kept while the database file has not changed, and read again after any commit. "Not changed"
// is SQLite's data_version (PRAGMA data_version), read on a connection of its own: it changes
// when any other connection, of this process or another (a CLI command, an import), commits. So a
// cached answer is never older than the last commit; there is no time-to-live. The version is
// read before the answer, so an answer read across a commit is at worst stored under the older
// version and read again at the next request. PostgreSQL has no such cheap version: there
// nothing is cached.

// readCacheMax bounds the entries kept for one version of the database.
const readCacheMax = 4096

type readCache struct {
	ver  *sql.DB   // one read-only connection asking PRAGMA data_version; nil: no cache
	stmt *sql.Stmt // PRAGMA data_version, prepared once

	mu      sync.Mutex
	version int64
	entries map[string]any
}

// dataVersion is the database's current data_version; ok is false without a cache (PostgreSQL, or
// the version cannot be read). Within a read scope (ReadScope) the version is read once.
func (db *DB) dataVersion(ctx context.Context) (int64, bool) {
	if db.rc == nil || db.rc.stmt == nil {
		return 0, false
	}
	m, _ := ctx.Value(readScopeKey{}).(*readScope)
	if m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.ok {
			return m.v, true
		}
	}
	var v int64
	if err := db.rc.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
		return 0, false
	}
	if m != nil {
		m.v, m.ok = v, true
	}
	return v, true
}

type readScopeKey struct{}

// readScope is the version of a read scope, once read.
type readScope struct {
	mu sync.Mutex
	v  int64
	ok bool
}

// ReadScope returns a context whose cached reads all use the version read by the first of them:
// a request that only reads (a page view) asks data_version once instead of a dozen times. Its
// answers are those of an instant after the request began, never older; a scope must not span a
// write whose effects its later reads should see.
func (db *DB) ReadScope(ctx context.Context) context.Context {
	if db.rc == nil {
		return ctx
	}
	return context.WithValue(ctx, readScopeKey{}, &readScope{})
}

// cached returns the answer of load for key, from the cache while the database has not changed
// since it was read. The value returned is shared: callers copy what they change (see clone).
func cached[T any](ctx context.Context, db *DB, key string, load func() (T, error)) (T, error) {
	v, ok := db.dataVersion(ctx)
	if !ok {
		return load()
	}
	rc := db.rc
	rc.mu.Lock()
	if v > rc.version || rc.entries == nil {
		rc.version, rc.entries = v, make(map[string]any)
	}
	if v == rc.version {
		if x, hit := rc.entries[key]; hit {
			rc.mu.Unlock()
			return x.(T), nil
		}
	}
	rc.mu.Unlock()
	x, err := load()
	if err != nil {
		return x, err
	}
	rc.mu.Lock()
	if v == rc.version && len(rc.entries) < readCacheMax {
		rc.entries[key] = x
	}
	rc.mu.Unlock()
	return x, nil
}

// cachedByID returns the answers of load for ids, those read since the last commit from the
// cache and the others from one call of load (with the ids missing), and the version of the
// database they belong to (0 without a cache). The values are shared: callers copy what they
// change.
func cachedByID[T any](ctx context.Context, db *DB, kind string, ids []int64, load func(ids []int64) (map[int64]T, error)) (map[int64]T, int64, error) {
	v, ok := db.dataVersion(ctx)
	if !ok {
		m, err := load(ids)
		return m, 0, err
	}
	rc := db.rc
	out := make(map[int64]T, len(ids))
	var missing []int64
	rc.mu.Lock()
	if v > rc.version || rc.entries == nil {
		rc.version, rc.entries = v, make(map[string]any)
	}
	for _, id := range ids {
		if x, hit := rc.entries[kind+"\x00"+strconv.FormatInt(id, 10)]; hit && v == rc.version {
			out[id] = x.(T)
		} else {
			missing = append(missing, id)
		}
	}
	rc.mu.Unlock()
	if len(missing) == 0 {
		return out, v, nil
	}
	got, err := load(missing)
	if err != nil {
		return nil, 0, err
	}
	rc.mu.Lock()
	for id, x := range got {
		out[id] = x
		if v == rc.version && len(rc.entries) < readCacheMax {
			rc.entries[kind+"\x00"+strconv.FormatInt(id, 10)] = x
		}
	}
	rc.mu.Unlock()
	return out, v, nil
}
