package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// bulkSample is n copies of a registered-and-replied case with a five-event history.
func bulkSample(db *DB, n, from int) []BulkCase {
	ag, _ := db.AgencyByCode(context.Background(), "")
	out := make([]BulkCase, n)
	for i := range out {
		c := newCase(ag, sampleApplication())
		c.Channel, c.State, c.Version = cases.ChannelInPerson, cases.StateReplied, 5
		c.TrackingNo = fmt.Sprintf("BK%08d", from+i)
		c.Applicant.Name = fmt.Sprintf("申请人%d", i%100)
		c.ReceivedOn, c.ReplyDue, c.Outcome, c.ConcludedOn = cases.MustDate("2026-03-02"), cases.MustDate("2026-03-23"), "disclose", cases.MustDate("2026-03-20")
		c.LetterNo = fmt.Sprintf("政公开答〔2026〕%d号", from+i)
		c.CreatedAt, c.UpdatedAt = at("2026-03-02"), at("2026-03-20")
		var evs []cases.Event
		for j, e := range []string{"register", "accept", "add_note", "draft_reply", "approve"} {
			evs = append(evs, cases.Event{Event: cases.EventName(e), Actor: "clerk1", At: at("2026-03-02").Add(time.Duration(j) * time.Hour),
				Payload: workflowCanonical(map[string]any{"n": j, "text": "已电话联系申请人"})})
		}
		out[i] = BulkCase{Case: c, Events: evs}
	}
	return out
}

func workflowCanonical(v any) []byte { b, _ := workflow.Canonical(v); return b }

// TestBulkCasesVerify: bulk-written cases are listed, searchable and their chains verify.
func TestBulkCasesVerify(t *testing.T) {
	forEachEngine(t, at("2026-04-01"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		first, err := db.ReserveNumbers(ctx, 1, "tracking", 2026, 50)
		if err != nil || first != 1 {
			t.Fatal(first, err)
		}
		if err := db.BulkCases(ctx, bulkSample(db, 50, 0)); err != nil {
			t.Fatal(err)
		}
		n, broken, err := db.AuditVerify(ctx)
		if err != nil || n != 50 || len(broken) != 0 {
			t.Fatalf("verified %d, broken %v, %v", n, broken, err)
		}
		if list, _, err := db.FindCases(ctx, cases.CaseFilter{Q: "申请人7"}); err != nil || len(list) != 1 {
			t.Errorf("search: %d, %v", len(list), err)
		}
		// the store's own numbering continues after the reserved numbers and the explicit ids
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-04-01")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil || c.ID != 51 || c.TrackingNo[len(c.TrackingNo)-3:] != "051" {
			t.Errorf("next case: %+v, %v", c, err)
		}
	})
}

// TestBulkLoad: a load in batches inside BulkLoad leaves the same database as BulkCases alone —
// the indexes rebuilt, every search term in case_terms (gathered in bulk_terms meanwhile, which is
// gone), the chains verifying — and SQLite back in WAL mode, where the next write works.
func TestBulkLoad(t *testing.T) {
	forEachEngine(t, at("2026-04-01"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		if _, err := db.ReserveNumbers(ctx, 1, "tracking", 2026, 60); err != nil {
			t.Fatal(err)
		}
		countIndexes := func() int {
			var n int
			q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('cases', 'case_events') AND sql IS NOT NULL`
			if db.Dialect == Postgres {
				q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('cases', 'case_events')`
			}
			if err := db.R.GetContext(ctx, &n, q); err != nil {
				t.Fatal(err)
			}
			return n
		}
		indexes := countIndexes()
		first, second := bulkSample(db, 30, 0), bulkSample(db, 30, 30) // made before: the load has the file to itself
		var during int
		err := db.BulkLoad(ctx, func() error {
			if err := db.BulkCases(ctx, first); err != nil {
				return err
			}
			if err := db.W.GetContext(ctx, &during, `SELECT COUNT(*) FROM bulk_terms`); err != nil {
				return err
			}
			return db.BulkCases(ctx, second)
		})
		if err != nil {
			t.Fatal(err)
		}
		if during == 0 {
			t.Error("the terms of the first batch were not gathered in bulk_terms")
		}
		if got := countIndexes(); got != indexes {
			t.Errorf("%d indexes after the load, %d before", got, indexes)
		}
		var terms, want int
		db.R.GetContext(ctx, &terms, `SELECT COUNT(*) FROM case_terms`)
		for _, b := range append(bulkSample(db, 30, 0), bulkSample(db, 30, 30)...) {
			want += len(textTerms(b.Case))
		}
		if terms != want || want == 0 {
			t.Errorf("case_terms holds %d rows, want %d", terms, want)
		}
		if _, err := db.R.ExecContext(ctx, `SELECT 1 FROM bulk_terms`); err == nil {
			t.Error("bulk_terms is still there")
		}
		if n, broken, err := db.AuditVerify(ctx); err != nil || n != 60 || len(broken) != 0 {
			t.Fatalf("verified %d, broken %v, %v", n, broken, err)
		}
		if list, _, err := db.FindCases(ctx, cases.CaseFilter{Q: "申请人7"}); err != nil || len(list) != 2 {
			t.Errorf("search after the load: %d cases, %v", len(list), err)
		}
		if db.Dialect == SQLite {
			var mode string
			if err := db.W.GetContext(ctx, &mode, `PRAGMA journal_mode`); err != nil || mode != "wal" {
				t.Errorf("journal mode after the load: %q, %v", mode, err)
			}
		}
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-04-01")
		if c, err := db.RegisterPaper(ctx, app, clerk); err != nil || c.ID != 61 {
			t.Errorf("next case: %+v, %v", c, err)
		}
	})
}

func BenchmarkBulkCases(b *testing.B) {
	db, err := Open(filepath.Join(b.TempDir(), "bulk.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	from := 0
	for b.Loop() {
		batch := bulkSample(db, 20000, from)
		from += 20000
		if err := db.BulkCases(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
}
