package store

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/workflow"
)

// BulkCase is a case written as it is, with its history: demo data at scale (`foidesk demo
// --cases 1000000`, docs/performance.md), where driving a million cases through the workflow one
// transaction at a time would take hours. The caller gives the case row (tracking and letter
// numbers reserved with ReserveNumbers, dates and deadlines consistent with the events) and the
// events in order; the store assigns the ids, chains the events with the hash every transition
// uses (workflow.EventHash) so that `audit verify` checks them like any other, and indexes the
// text for search. Bulk cases carry no documents.
type BulkCase struct {
	Case     *cases.Case
	Events   []cases.Event
	Remedies []cases.Remedy
}

// ReserveNumbers takes count numbers of a sequence (class "tracking", "letter:reply", …) for an
// agency's year and returns the first; the next number the store issues follows the last.
func (db *DB) ReserveNumbers(ctx context.Context, agencyID int64, class string, year, count int) (int, error) {
	var first int
	err := db.tx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		var last int
		err := tx.GetContext(ctx, &last, tx.Rebind(`SELECT COALESCE(MAX(last), 0) FROM sequences WHERE agency_id = ? AND class = ? AND year = ?`), agencyID, class, year)
		if err != nil {
			return err
		}
		first = last + 1
		return reserveSeq(ctx, tx, agencyID, class, year, last+count)
	})
	return first, err
}

// BulkLoad runs fill (which calls BulkCases) with the secondary indexes of cases and case_events
// set aside and builds them again afterwards: one sorted build per index is many times cheaper than
// a million inserts into each. The search terms (case_terms, whose key is its only index) are
// gathered in a plain table and inserted in their key's order at the end, not one by one at random
// places of a B-tree that outgrows the page cache. On SQLite the load runs without the WAL and
// without syncing (journal_mode MEMORY, synchronous OFF): every page is written once, and a failed
// transaction still rolls back, but a crash or power cut during the load can leave the file
// unusable — a demo database is then made again (docs/operations.md). Nothing else may use the
// database meanwhile (on SQLite a reader cannot even open it until the WAL is back).
func (db *DB) BulkLoad(ctx context.Context, fill func() error) (err error) {
	if db.Dialect == SQLite {
		restore, perr := db.bulkPragmas(ctx)
		if perr != nil {
			return perr
		}
		defer func() {
			if e := restore(); e != nil && err == nil {
				err = e
			}
		}()
	}
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE bulk_terms (term BIGINT NOT NULL, case_id BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	db.bulkTerms = true
	defer func() { // after the indexes' rebuild (deferred below, run first)
		db.bulkTerms = false
		for _, q := range []string{`INSERT INTO case_terms (term, case_id) SELECT term, case_id FROM bulk_terms ORDER BY term, case_id`, `DROP TABLE bulk_terms`} {
			if _, e := db.W.ExecContext(context.WithoutCancel(ctx), q); e != nil && err == nil {
				err = fmt.Errorf("bulk load, search terms: %w", e)
			}
		}
	}()
	type index struct{ Name, SQL string }
	var idx []index
	q := `SELECT name, sql AS sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('cases', 'case_events') AND sql IS NOT NULL ORDER BY name`
	if db.Dialect == Postgres {
		q = `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('cases', 'case_events')
			AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`
	}
	if err := db.W.SelectContext(ctx, &idx, q); err != nil {
		return err
	}
	for _, i := range idx {
		if _, err := db.W.ExecContext(ctx, `DROP INDEX `+i.Name); err != nil {
			return err
		}
	}
	defer func() {
		for _, i := range idx { // even after a failure: the schema stays whole
			if _, e := db.W.ExecContext(context.WithoutCancel(ctx), i.SQL); e != nil && err == nil {
				err = fmt.Errorf("rebuild index %s: %w", i.Name, e)
			}
		}
	}()
	return fill()
}

// bulkPragmas switches the SQLite writer to journal_mode MEMORY and synchronous OFF for a bulk
// load (see BulkLoad) and returns what switches it back to the WAL. Leaving the WAL needs the only
// connection to the file: the idle connections of the readers and of the read cache's version
// (readcache.go) are closed meanwhile.
func (db *DB) bulkPragmas(ctx context.Context) (restore func() error, err error) {
	idle := func(readers, version int) {
		db.R.SetMaxIdleConns(readers)
		if db.rc != nil && db.rc.ver != nil {
			db.rc.ver.SetMaxIdleConns(version)
		}
	}
	idle(0, 0)
	var mode string
	// Another connection still open (another process) keeps the WAL ("database is locked"): the
	// load then goes through it, only slower.
	_ = db.W.GetContext(ctx, &mode, `PRAGMA journal_mode = MEMORY`)
	// Sorting helpers for the index builds and the ordered insert of the terms at the end.
	for _, q := range []string{`PRAGMA synchronous = OFF`, fmt.Sprintf(`PRAGMA threads = %d`, runtime.GOMAXPROCS(0))} {
		if _, err := db.W.ExecContext(ctx, q); err != nil {
			idle(readerIdle, 1)
			return nil, err
		}
	}
	return func() error {
		defer idle(readerIdle, 1)
		ctx := context.WithoutCancel(ctx)
		if err := db.W.GetContext(ctx, &mode, `PRAGMA journal_mode = WAL`); err != nil {
			return fmt.Errorf("bulk load: back to the WAL: %w", err)
		}
		_, err := db.W.ExecContext(ctx, `PRAGMA synchronous = NORMAL; PRAGMA threads = 0`)
		return err
	}, nil
}

// readerIdle is database/sql's default number of idle connections, restored after a bulk load.
const readerIdle = 2

// BulkCases writes a batch of cases with their events, remedies and search terms in one
// transaction (see BulkCase). The cases get their ids, event counts and head hashes.
func (db *DB) BulkCases(ctx context.Context, batch []BulkCase) error {
	if len(batch) == 0 {
		return nil
	}
	if db.Dialect == SQLite { // the writer's page cache holds the indexes' hot pages (256 MB)
		if _, err := db.W.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			return err
		}
	}
	return db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var last int64
		if err := tx.GetContext(ctx, &last, `SELECT COALESCE(MAX(id), 0) FROM cases`); err != nil {
			return err
		}
		for i := range batch {
			batch[i].Case.ID = last + int64(i) + 1
		}
		if err := chainBulk(batch); err != nil {
			return err
		}
		cols := append([]string{"id"}, caseColumns[1:]...)
		w := newBulkInsert(tx, "cases", cols, 200)
		for _, b := range batch {
			if err := w.add(ctx, append([]any{b.Case.ID}, caseValues(b.Case)...)...); err != nil {
				return err
			}
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		ev := newBulkInsert(tx, "case_events", strings.Split(strings.ReplaceAll(eventColumns, " ", ""), ","), 400)
		for _, b := range batch {
			for _, e := range b.Events {
				if err := ev.add(ctx, e.CaseID, e.Seq, e.Event, e.Actor, e.At, e.FromState, e.ToState, string(e.Payload), e.ReplyDueBefore, e.ReplyDueAfter, e.PrevHash, e.Hash); err != nil {
					return err
				}
			}
		}
		if err := ev.flush(ctx); err != nil {
			return err
		}
		rm := newBulkInsert(tx, "remedies", []string{"case_id", "kind", "filed_on", "result", "decided_on", "created_at"}, 200)
		for _, b := range batch {
			for _, r := range b.Remedies {
				if err := rm.add(ctx, b.Case.ID, r.Kind, r.FiledOn, r.Result, r.DecidedOn, now.UTC()); err != nil {
					return err
				}
			}
		}
		if err := rm.flush(ctx); err != nil {
			return err
		}
		terms := "case_terms"
		if db.bulkTerms { // moved into case_terms in order at the end of BulkLoad
			terms = "bulk_terms"
		}
		tm := newBulkInsert(tx, terms, []string{"term", "case_id"}, 2000)
		for _, b := range batch {
			for _, t := range textTerms(b.Case) {
				if err := tm.add(ctx, t, b.Case.ID); err != nil {
					return err
				}
			}
		}
		if err := tm.flush(ctx); err != nil {
			return err
		}
		if db.Dialect == Postgres { // explicit ids: move the identity past them
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))`); err != nil {
				return err
			}
		}
		return nil
	})
}

// chainBulk numbers and hash-chains the events of each case (in parallel: hashing is most of the
// CPU of a bulk write).
func chainBulk(batch []BulkCase) error {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var hasher workflow.ChainHasher // copies share their templates' payloads
			for i := w; i < len(batch); i += workers {
				c := batch[i].Case
				prev := ""
				for j := range batch[i].Events {
					e := &batch[i].Events[j]
					e.CaseID, e.Seq = c.ID, j+1
					e.At = e.At.UTC().Truncate(time.Microsecond)
					if len(e.Payload) == 0 {
						e.Payload = json.RawMessage("{}")
					}
					e.PrevHash = prev
					h, err := hasher.EventHash(prev, *e)
					if err != nil {
						errs[w] = fmt.Errorf("case %s event %d: %w", c.TrackingNo, e.Seq, err)
						return
					}
					e.Hash, prev = h, h
				}
				c.EventCount, c.HeadHash = len(batch[i].Events), prev
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// bulkInsert writes rows with multi-row INSERT statements of up to per rows.
type bulkInsert struct {
	tx    *sqlx.Tx
	table string
	cols  []string
	per   int
	args  []any
	stmt  *sqlx.Stmt
}

func newBulkInsert(tx *sqlx.Tx, table string, cols []string, per int) *bulkInsert {
	return &bulkInsert{tx: tx, table: table, cols: cols, per: per, args: make([]any, 0, per*len(cols))}
}

func (b *bulkInsert) query(rows int) string {
	row := "(?" + strings.Repeat(", ?", len(b.cols)-1) + ")"
	return b.tx.Rebind("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES " + row + strings.Repeat(", "+row, rows-1))
}

func (b *bulkInsert) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) < b.per*len(b.cols) {
		return nil
	}
	if b.stmt == nil {
		var err error
		if b.stmt, err = b.tx.PreparexContext(ctx, b.query(b.per)); err != nil {
			return err
		}
	}
	_, err := b.stmt.ExecContext(ctx, b.args...)
	b.args = b.args[:0]
	return err
}

func (b *bulkInsert) flush(ctx context.Context) error {
	if b.stmt != nil {
		defer b.stmt.Close()
	}
	if len(b.args) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, b.query(len(b.args)/len(b.cols)), b.args...)
	b.args = b.args[:0]
	return err
}
