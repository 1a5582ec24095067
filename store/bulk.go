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
// a million inserts into each. Nothing else should use the database meanwhile.
func (db *DB) BulkLoad(ctx context.Context, fill func() error) (err error) {
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
		tm := newBulkInsert(tx, "case_terms", []string{"term", "case_id"}, 2000)
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
					h, err := workflow.EventHash(prev, *e)
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
