// Package store keeps foidesk's data in SQLite (the embedded default, mattn/go-sqlite3) or
// PostgreSQL (pgx), through sqlx. It owns every transaction: each state change loads the case with
// a write lock, applies the workflow, updates the case with a compare-and-set and appends its
// event to the hash-chained, append-only case_events table, all in one transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3" // driver "sqlite3"

	cases "foidesk/case"
	"foidesk/workflow"
)

//go:embed migrations
var migrations embed.FS

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is foidesk's database: a writer and a reader pool (the same pool on PostgreSQL).
type DB struct {
	W        *sqlx.DB // the writer: on SQLite one connection, transactions BEGIN IMMEDIATE
	R        *sqlx.DB // readers: on SQLite a read-only pool
	Dialect  string
	DSN      string
	Now      func() time.Time // the clock; fixed by tests
	Renderer cases.Renderer   // renders letters inside transitions; nil issues no letters

	pendMu    sync.Mutex
	pend      map[*sqlx.Tx][]pendingLetter // letters to render after each open transaction commits (pending.go)
	wake      chan struct{}                // set while the background renderer runs: commits hand letters to it (pending.go)
	rendering map[int64]chan struct{}      // pending letters being rendered by this process, closed when done (pending.go)
	bulkTerms bool                         // BulkLoad runs: BulkCases writes the search terms to bulk_terms (bulk.go)

	calMu sync.RWMutex
	cal   *workflow.Calendar
	calAt time.Time // when cal was loaded (see Calendar)

	rc *readCache // SQLite: answers kept while the database has not changed (readcache.go)

	hist histories // the histories of recently read cases, append-only (events.go)

	wq   sync.Mutex          // SQLite: write transactions take the one writer in turn (beginWrite)
	wend map[*sqlx.Tx]func() // the turn each open write transaction ends at its commit
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn: a postgres:// URL or a SQLite file path. It does not
// migrate; call Migrate.
func Open(dsn string) (*DB, error) {
	db := &DB{DSN: dsn, Now: time.Now}
	if IsPostgres(dsn) {
		pg, err := sqlx.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		pg.SetMaxOpenConns(20)
		if err := pg.Ping(); err != nil {
			pg.Close()
			return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		db.W, db.R, db.Dialect = pg, pg, Postgres
		return db, nil
	}
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	q := "_busy_timeout=10000&_foreign_keys=on&_journal_mode=WAL&_synchronous=NORMAL&_stmt_cache_size=64" // statements prepared once per connection
	w, err := sqlx.Open("sqlite3", "file:"+path+"?"+q+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	r, err := sqlx.Open("sqlite3", "file:"+path+"?mode=ro&"+q)
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	db.W, db.R, db.Dialect = w, r, SQLite
	// The read cache's version: a connection of its own (readcache.go).
	if ver, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000"); err == nil {
		ver.SetMaxOpenConns(1)
		ver.SetMaxIdleConns(1)
		ver.SetConnMaxLifetime(0)
		db.rc = &readCache{ver: ver}
		if db.rc.stmt, err = ver.Prepare(`PRAGMA data_version`); err != nil {
			db.rc.stmt = nil // no cache
		}
	}
	return db, nil
}

// OpenExisting opens a SQLite file only if it exists (for commands that must never create one);
// it returns (nil, nil) when there is no such file.
func OpenExisting(dsn string) (*DB, error) {
	if !IsPostgres(dsn) {
		if _, err := os.Stat(strings.TrimPrefix(dsn, "file:")); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	return Open(dsn)
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.W.Close()
	if db.rc != nil && db.rc.ver != nil {
		db.rc.ver.Close()
	}
	if db.R != db.W {
		if e := db.R.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Migrate applies every pending migration of the dialect, each in its own transaction, and
// refuses a database that is newer than this binary.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	files, err := fs.Glob(migrations, "migrations/"+db.Dialect+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	var current int
	if err := db.W.GetContext(ctx, &current, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`); err != nil {
		return err
	}
	latest := 0
	seen := map[int]string{}
	for _, f := range files {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: bad name", f)
		}
		if other, dup := seen[v]; dup { // two helpers took the same number: renumber the later one
			return fmt.Errorf("migrations %s and %s share the number %d", other, filepath.Base(f), v)
		}
		seen[v] = filepath.Base(f)
		latest = max(latest, v)
		if v <= current {
			continue
		}
		body, err := migrations.ReadFile(f)
		if err != nil {
			return err
		}
		tx, err := db.W.BeginTxx(ctx, nil)
		if err != nil {
			return err
		}
		if check := migrationChecks[strings.TrimSuffix(filepath.Base(f), ".sql")]; check != nil {
			if err := check(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", filepath.Base(f), err)
			}
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", filepath.Base(f), err)
		}
		if hook := migrationHooks[strings.TrimSuffix(filepath.Base(f), ".sql")]; hook != nil {
			if err := hook(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", filepath.Base(f), err)
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), v, filepath.Base(f), db.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	if current > latest {
		return fmt.Errorf("the database is at schema version %d, newer than this foidesk (%d): upgrade foidesk", current, latest)
	}
	return db.ensureDefaults(ctx)
}

// migrationChecks refuse, before a migration's SQL runs and in its transaction, a database the
// migration cannot take, with a message that says what to fix.
var migrationChecks = map[string]func(context.Context, *sqlx.Tx) error{
	"0011_tracking_prefix_unique": checkTrackingPrefixes, // agencies.go
}

// migrationHooks fill what a migration's SQL cannot compute, in its transaction, by file name.
var migrationHooks = map[string]func(context.Context, *sqlx.Tx) error{
	"0006_case_search": backfillSearch, // search.go
}

// ensureDefaults creates the default agency of a fresh database.
func (db *DB) ensureDefaults(ctx context.Context) error {
	var n int
	if err := db.W.GetContext(ctx, &n, `SELECT COUNT(*) FROM agencies`); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	s := cases.DefaultSettings()
	s.ReconsiderationBody = "本级人民政府"
	s.Court = "有管辖权的人民法院"
	_, err := db.CreateAgency(ctx, "default", "政府信息公开办公室", s)
	return err
}

// beginWrite begins a write transaction in turn. On SQLite one connection writes, and
// database/sql hands a freed connection to a random waiter: among sixteen registrations a note
// waited dozens of turns (its p99 three times its median; docs/performance.md). The writers of
// foidesk's transactions (tx, TransitionCase, TransitionCases) queue on a mutex first, which Go
// hands over in arrival order once its waiters wait (starvation mode, after 1 ms). The turn ends
// at the commit (commit, before any letters are rendered) or when end is called, whichever is
// first; call end (deferred) in any case.
func (db *DB) beginWrite(ctx context.Context) (tx *sqlx.Tx, end func(), err error) {
	if db.Dialect != SQLite {
		tx, err = db.W.BeginTxx(ctx, nil)
		return tx, func() {}, err
	}
	db.wq.Lock()
	if tx, err = db.W.BeginTxx(ctx, nil); err != nil {
		db.wq.Unlock()
		return nil, nil, err
	}
	end = sync.OnceFunc(func() {
		db.pendMu.Lock()
		delete(db.wend, tx)
		db.pendMu.Unlock()
		db.wq.Unlock()
	})
	db.pendMu.Lock()
	if db.wend == nil {
		db.wend = map[*sqlx.Tx]func(){}
	}
	db.wend[tx] = end
	db.pendMu.Unlock()
	return tx, end, nil
}

// endWrite ends the turn of tx (committed or rolled back), if it has one.
func (db *DB) endWrite(tx *sqlx.Tx) {
	db.pendMu.Lock()
	end := db.wend[tx]
	db.pendMu.Unlock()
	if end != nil {
		end()
	}
}

// tx runs fn in a write transaction with now fixed once.
func (db *DB) tx(ctx context.Context, fn func(tx *sqlx.Tx, now time.Time) error) error {
	tx, end, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer end()
	defer tx.Rollback()
	if err := fn(tx, db.Now()); err != nil {
		db.takePending(tx)
		return err
	}
	return db.commit(ctx, tx) // then renders the letters it issued, outside the lock (pending.go)
}

// forUpdate is the row-lock suffix of a SELECT that precedes a write (SQLite's BEGIN IMMEDIATE
// already holds the write lock).
func (db *DB) forUpdate() string {
	if db.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ignoreNoRows turns sql.ErrNoRows into nil.
func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// notFound turns sql.ErrNoRows into ENOTFOUND.
func notFound(err error, zh, en string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return cases.E(cases.ENOTFOUND, zh, en)
	}
	return err
}

// Backup writes a consistent online copy of a SQLite database (documents are stored inside it).
func (db *DB) Backup(ctx context.Context, out string) error {
	if db.Dialect != SQLite {
		return fmt.Errorf("backup of PostgreSQL: use pg_dump")
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists", out)
	}
	_, err := db.W.ExecContext(ctx, `VACUUM INTO ?`, out)
	return err
}

var (
	_ cases.CaseService   = (*DB)(nil)
	_ cases.AgencyService = (*DB)(nil)
	_ cases.UserService   = (*DB)(nil)
)

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.W.PingContext(ctx) }

// isUniqueViolation reports whether err is the violation of a UNIQUE index: PostgreSQL names the
// index (pgIndex), SQLite the columns ("table.column", sqliteCols).
func isUniqueViolation(err error, pgIndex, sqliteCols string) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505" && pe.ConstraintName == pgIndex
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique && strings.Contains(se.Error(), sqliteCols)
	}
	return false
}
