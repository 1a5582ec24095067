package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	cases "foidesk/case"
)

// `foidesk notify run-once --at` prints exactly docs/api.md's lines: ALERT per alert and
// recipient, LAPSE per lapse, then the counts of this run; a rerun prints zeros.
func TestNotifyRunOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify.db")
	db := openTestDB(t, path, "2026-09-09")
	ctx := context.Background()
	li := testUser(t, db, "li", "clerk")
	testUser(t, db, "wang", "supervisor")
	a, err := db.RegisterPaper(ctx, testApplication("2026-09-09"), li) // due 2026-10-13
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionCase(ctx, a.ID, cases.EventRequest{Event: "accept"}, li, db.Now()); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	db.Now = func() time.Time { return time.Date(2026, 9, 14, 10, 0, 0, 0, loc) }
	b, err := db.RegisterPaper(ctx, testApplication("2026-09-14"), li)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2026, 9, 15, 10, 0, 0, 0, loc) }
	items, _ := json.Marshal(map[string]any{"items": []string{"请写明所需信息的名称或者文号。"}})
	if _, err := db.TransitionCase(ctx, b.ID, cases.EventRequest{Event: "request_correction", Payload: items}, li, db.Now()); err != nil { // due 2026-10-12
		t.Fatal(err)
	}

	code, out, errOut := run(t, "", "notify", "run-once", "--db", path, "--at", "2026-09-30T08:30:00+08:00")
	if want := "ALERT due_in_5 " + a.TrackingNo + " li\nalerts: 1, lapses: 0\n"; code != 0 || out != want {
		t.Fatalf("run-once on 09-30: exit %d\n%s\nwant\n%s\nstderr: %s", code, out, want, errOut)
	}
	code, out, _ = run(t, "", "notify", "run-once", "--db", path, "--at", "2026-10-13T08:30:00+08:00")
	if want := "ALERT due_today " + a.TrackingNo + " li\nLAPSE correction_lapsed " + b.TrackingNo + "\nalerts: 1, lapses: 1\n"; code != 0 || out != want {
		t.Fatalf("run-once on 10-13: exit %d\n%s\nwant\n%s", code, out, want)
	}
	code, out, _ = run(t, "", "notify", "run-once", "--db", path, "--at", "2026-10-13T08:30:00+08:00")
	if code != 0 || out != "alerts: 0, lapses: 0\n" {
		t.Fatalf("rerun: exit %d %q", code, out)
	}
	got, err := db.Case(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != cases.StateClosed || got.Outcome != cases.OutcomeCorrectionLapsed || got.ConcludedOn.String() != "2026-10-13" {
		t.Errorf("lapsed case: %s %s %s", got.State, got.Outcome, got.ConcludedOn)
	}
	if code, _, _ := run(t, "", "notify", "run-once", "--db", path, "--at", "2026-10-13"); code != 2 {
		t.Errorf("a date without time: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "", "notify", "run-once", "--db", filepath.Join(t.TempDir(), "none.db")); code != 1 {
		t.Errorf("no database: exit %d, want 1", code)
	}
	if code, out, _ := run(t, "", "notify", "failures", "--db", path); code != 0 || out != "" {
		t.Errorf("failures: exit %d %q", code, out)
	}
}
