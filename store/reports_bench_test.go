//go:build bench

package store

// Benchmarks on a million cases (not part of the test command; run with
//
//	go test -tags bench -run '^$' -bench . -benchtime 3x ./store
//
// FOIDESK_BENCH_DB names a SQLite file to keep the data between runs; FOIDESK_TEST_PG adds
// PostgreSQL).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/forms"
)

const reportBenchCases = 1_000_000

var benchOnce sync.Map

// benchDB opens a database holding reportBenchCases cases over 2024–2026, bulk-inserted: 3 in 4
// concluded, every outcome and applicant column, some remedies, a thousand reopened cases with
// their histories.
func benchDB(b *testing.B, engine, dsn string) *DB {
	b.Helper()
	ctx := context.Background()
	keep := engine == SQLite && os.Getenv("FOIDESK_BENCH_DB") != ""
	if keep {
		dsn = os.Getenv("FOIDESK_BENCH_DB")
	}
	db, err := Open(dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return at("2027-01-15") }
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var n int
	db.R.Get(&n, `SELECT COUNT(*) FROM cases`)
	if n >= reportBenchCases {
		return db
	}
	start := time.Now()
	agency, _ := db.AgencyByCode(ctx, "")
	cols := []string{"agency_id", "tracking_no", "state", "version", "applicant_kind", "applicant_name", "id_type", "id_number", "org_category", "description", "channel",
		"received_on", "reply_due", "outcome", "concluded_on", "delivered_on", "letter_no", "handling", "event_count", "head_hash", "created_at", "updated_at"}
	const per = 500
	stmt := "INSERT INTO cases (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")+"), ", per), ", ")
	orgs := []string{"", "business", "research", "public_interest", "legal_service", "other"}
	first := cases.MustDate("2024-01-01")
	now := db.Now().UTC()
	tx, err := db.W.Beginx()
	if err != nil {
		b.Fatal(err)
	}
	q := tx.Rebind(stmt)
	args := make([]any, 0, per*len(cols))
	for i := 0; i < reportBenchCases; i++ {
		received := first.AddDays(i % 1080)
		kind, org := cases.KindPerson, orgs[i%6]
		if org != "" {
			kind = cases.KindOrganization
		}
		state, outcome, concluded, delivered, letter := cases.StateRegistered, "", any(nil), any(nil), ""
		due := received.AddDays(28)
		if i%4 != 0 {
			o := cases.Outcomes[i%len(cases.Outcomes)]
			outcome, state = o.Code, cases.StateClosed
			c := received.AddDays(5 + i%40)
			concluded = c
			if o.Decision {
				state, letter = cases.StateReplied, fmt.Sprintf("政公开答〔%d〕%d号", c.Year(), i)
				delivered = c.AddDays(1)
			}
		}
		args = append(args, agency.ID, fmt.Sprintf("BK%08d", i), state, 1, kind, "申请人", "passport", fmt.Sprintf("E%08d", i%50000), org, "申请公开某项目的资金使用情况。", cases.ChannelOnline,
			received, due, outcome, concluded, delivered, letter, 1, 0, fmt.Sprintf("%064x", i), now, now)
		if len(args) == cap(args) {
			if _, err := tx.Exec(q, args...); err != nil {
				b.Fatal(err)
			}
			args = args[:0]
		}
	}
	if _, err := tx.Exec(tx.Rebind(`INSERT INTO remedies (case_id, kind, filed_on, result, decided_on, created_at)
		SELECT id, 'reconsideration', concluded_on, 'upheld', concluded_on, ? FROM cases WHERE concluded_on IS NOT NULL AND id % 97 = 0`), now); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// a thousand reopened cases with their histories (the event-derived path)
	for i := 0; i < 1000; i++ {
		day := first.AddDays(365 + i%300).String()
		reDay := first.AddDays(365 + i%300 + 60).String()
		id := forge(b, db, fmt.Sprintf("RK%06d", i), []forged{
			{event: "register", day: day, to: "registered", payload: map[string]any{"received_on": day}, dueAfter: reDay},
			{event: "accept", day: day, from: "registered", to: "in_progress"},
			{event: "draft_reply", day: day, from: "in_progress", to: "pending_approval"},
			{event: "approve", day: day, from: "pending_approval", to: "replied", payload: map[string]any{"outcome": "disclose"}},
			{event: "reopen", day: reDay, from: "replied", to: "in_progress"},
		})
		db.W.Exec(db.W.Rebind(`UPDATE cases SET handling = 2, reopened_on = ? WHERE id = ?`), reDay, id)
	}
	b.Logf("%s: %d cases bulk-inserted in %s", engine, reportBenchCases, time.Since(start).Round(time.Second))
	db.W.Exec(`ANALYZE`)
	return db
}

func benchEngines(b *testing.B) map[string]string {
	out := map[string]string{SQLite: filepath.Join(b.TempDir(), "bench.db")}
	if pg := os.Getenv("FOIDESK_TEST_PG"); pg != "" {
		out[Postgres] = pg
	}
	return out
}

func BenchmarkAnnualReport1M(b *testing.B) {
	for engine, dsn := range benchEngines(b) {
		b.Run(engine, func(b *testing.B) {
			if engine == Postgres {
				dsn = benchPGDatabase(b, dsn)
			}
			db := benchDB(b, engine, dsn)
			ctx := context.Background()
			b.ResetTimer()
			var rep cases.AnnualReport
			for b.Loop() {
				var err error
				if rep, err = db.AnnualReport(ctx, nil, 2025); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if !rep.Balanced() {
				b.Errorf("2025 does not balance: %+v", rep.Check)
			}
			b.Logf("2025: new %d, carried in %d, concluded %d, carried out %d", rep.Table3[cases.RowNew][cases.ColTotal], rep.Table3[cases.RowCarriedIn][cases.ColTotal],
				rep.Table3[cases.RowTotal][cases.ColTotal], rep.Table3[cases.RowCarriedOut][cases.ColTotal])
		})
	}
}

func BenchmarkLedgerPDF10k(b *testing.B) {
	font, err := forms.LoadFont(forms.DefaultFontPath)
	if err != nil {
		b.Skip(err)
	}
	bold, _ := forms.LoadFont(forms.DefaultBoldFontPath)
	for engine, dsn := range benchEngines(b) {
		b.Run(engine, func(b *testing.B) {
			if engine == Postgres {
				dsn = benchPGDatabase(b, dsn)
			}
			db := benchDB(b, engine, dsn)
			ctx := context.Background()
			// 10 days of receipts: about 9,260 cases; 11 days: about 10,190.
			f := cases.LedgerFilter{From: cases.MustDate("2025-03-01"), To: cases.MustDate("2025-03-11")}
			b.ResetTimer()
			var rows, size int
			for b.Loop() {
				l, err := db.Ledger(ctx, f, cases.SystemActor)
				if err != nil {
					b.Fatal(err)
				}
				pdf, err := forms.LedgerPDF(font, bold, l)
				if err != nil {
					b.Fatal(err)
				}
				rows, size = len(l.Rows), len(pdf)
			}
			b.StopTimer()
			b.Logf("%d rows, PDF %d KB", rows, size/1024)
		})
	}
}

// benchPGDatabase creates (once per process) a database for the benchmark on the server.
func benchPGDatabase(b *testing.B, dsn string) string {
	name := "foidesk_bench"
	if _, loaded := benchOnce.LoadOrStore(name, true); !loaded {
		admin, err := Open(dsn)
		if err != nil {
			b.Fatal(err)
		}
		admin.W.Exec("CREATE DATABASE " + name)
		admin.Close()
	}
	return replaceDBName(dsn, name)
}
