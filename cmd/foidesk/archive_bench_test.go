package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"foidesk/workflow"
)

// TestArchiveExportAtScale measures "archive export" and "archive verify" of N archived cases
// (FOIDESK_ARCHIVE_BENCH=N, e.g. 10000; skipped otherwise: it writes about 420 kB a case). One case
// is driven through the workflow with its real letters (a consultation, a fee, the reply,
// delivery, archive); the others are copies written in bulk, each with its own tracking number,
// a hash chain recomputed for its own id, and its own 件号 — as the demo writes bulk cases.
func TestArchiveExportAtScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("FOIDESK_ARCHIVE_BENCH"))
	if n <= 0 {
		t.Skip("set FOIDESK_ARCHIVE_BENCH=N (e.g. 10000) to measure the export of N archived cases")
	}
	dir := os.Getenv("FOIDESK_ARCHIVE_BENCH_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	dbPath := filepath.Join(dir, "bench.db")
	os.Remove(dbPath)
	full, _, db := archivedCases(t, dbPath)
	ctx := context.Background()
	var cols []string
	rows, err := db.W.QueryContext(ctx, `SELECT name FROM pragma_table_info('cases') WHERE name <> 'id'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	rows.Close()
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = c
		if c == "tracking_no" {
			sel[i] = "?"
		}
	}
	evs, err := db.Events(ctx, full.ID)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	tx := db.W.MustBegin()
	for i := 2; i <= n+1; i++ {
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO cases (`+strings.Join(cols, ", ")+`) SELECT `+strings.Join(sel, ", ")+` FROM cases WHERE id = ? RETURNING id`,
			fmt.Sprintf("GK2026%06d", 100000+i), full.ID); err != nil {
			t.Fatal(err)
		}
		prev := ""
		for _, e := range evs {
			e.CaseID, e.PrevHash = id, prev
			if e.Hash, err = workflow.EventHash(prev, e); err != nil {
				t.Fatal(err)
			}
			prev = e.Hash
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_id, seq, event, actor, at, from_state, to_state, payload, reply_due_before, reply_due_after, prev_hash, hash)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, e.Seq, e.Event, e.Actor, e.At, e.FromState, e.ToState, string(e.Payload), e.ReplyDueBefore, e.ReplyDueAfter, e.PrevHash, e.Hash); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET head_hash = ? WHERE id = ?`, prev, id); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (case_id, event_seq, kind, number, title, filename, content_type, sha256, size, to_applicant, warnings, body, created_at)
			SELECT ?, event_seq, kind, number, title, filename, content_type, sha256, size, to_applicant, warnings, body, created_at FROM documents WHERE case_id = ?`, id, full.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	t.Logf("bulk-wrote %d archived cases in %s", n, time.Since(start).Round(time.Millisecond))
	db.Close()

	out := filepath.Join(dir, "transfer")
	os.RemoveAll(out)
	start = time.Now()
	code, stdout, stderr := run(t, "", "--db", dbPath, "archive", "export", "--year", "2026", "--out", out)
	export := time.Since(start)
	if want := fmt.Sprintf("exported: %d\n", n+2); code != 0 || stdout != want {
		t.Fatalf("export: exit %d %q (want %q) %s", code, stdout, want, stderr)
	}
	start = time.Now()
	code, stdout, _ = run(t, "", "archive", "verify", out)
	verify := time.Since(start)
	if want := fmt.Sprintf("verified: %d, broken: 0\n", n+2); code != 0 || stdout != want {
		t.Fatalf("verify: exit %d %q", code, stdout)
	}
	var size int64
	filepath.Walk(out, func(_ string, fi os.FileInfo, _ error) error {
		if fi != nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	t.Logf("archive export of %d cases: %s (%.1f ms a case, %d MB); archive verify: %s", n+2, export.Round(time.Millisecond),
		float64(export.Milliseconds())/float64(n+2), size>>20, verify.Round(time.Millisecond))
}
