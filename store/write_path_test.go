package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The write path of a transition (docs/performance.md "Transitions"): the case row is updated in
// the columns that changed only, and what is stored is still exactly the case the workflow made.

// watchColumns installs a trigger counting UPDATEs of cases that name any of the indexed columns
// below (a trigger "UPDATE OF" fires when a listed column is a target of the UPDATE, on both
// engines, whether or not its value changed) and returns a function reading the count.
func watchColumns(t *testing.T, db *DB) func() int {
	t.Helper()
	ctx := context.Background()
	cols := "applicant_name, description, id_number, phone_digits, tracking_no, received_on, assignee"
	stmts := []string{
		`CREATE TABLE watch_updates (n INTEGER NOT NULL)`,
		`CREATE TRIGGER watch_cases AFTER UPDATE OF ` + cols + ` ON cases BEGIN INSERT INTO watch_updates VALUES (1); END`,
	}
	if db.Dialect == Postgres {
		stmts = []string{
			`CREATE TABLE watch_updates (n INTEGER NOT NULL)`,
			`CREATE FUNCTION watch_cases() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO watch_updates VALUES (1); RETURN NEW; END $$`,
			`CREATE TRIGGER watch_cases AFTER UPDATE OF ` + cols + ` ON cases FOR EACH ROW EXECUTE FUNCTION watch_cases()`,
		}
	}
	for _, s := range stmts {
		if _, err := db.W.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return func() int {
		var n int
		if err := db.W.GetContext(ctx, &n, `SELECT COUNT(*) FROM watch_updates`); err != nil {
			t.Fatal(err)
		}
		return n
	}
}

func TestTransitionWritesOnlyChangedColumns(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		staff(t, db, "clerk2", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		fire := func(a cases.Actor, event string, p any) *cases.Case {
			t.Helper()
			out, err := db.TransitionCase(ctx, c.ID, cases.EventRequest{Event: cases.EventName(event), Payload: payload(p)}, a, db.Now())
			if err != nil {
				t.Fatalf("%s: %v", event, err)
			}
			stored, err := db.Case(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The stored row is the case the transition answered, column for column.
			if got, want := caseValues(stored), caseValues(out); !slices.EqualFunc(got, want, sameValue) {
				t.Fatalf("%s: stored %v\nanswered %v", event, got, want)
			}
			return out
		}
		fire(clerk, "accept", nil)
		updates := watchColumns(t, db)
		before := fire(clerk, "add_note", map[string]any{"text": "已电话联系申请人。"})
		if n := updates(); n != 0 {
			t.Fatalf("add_note named an indexed column it does not change (%d updates)", n)
		}
		after := fire(sup, "reassign", map[string]any{"assignee": "clerk2"})
		if n := updates(); n != 1 || after.Assignee != "clerk2" || after.Version != before.Version+1 {
			t.Fatalf("reassign: %d updates, assignee %q, version %d after %d", n, after.Assignee, after.Version, before.Version)
		}
		// A stale compare-and-set still loses.
		old, err := db.caseByID(ctx, db.R, c.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		n := *old
		n.Assignee, n.Version = "clerk1", old.Version+1
		old.Version--
		tx, err := db.W.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		r, err := updateCase(ctx, tx, old, &n)
		if err != nil {
			t.Fatal(err)
		}
		if k, _ := r.RowsAffected(); k != 0 {
			t.Fatalf("a stale version updated %d rows", k)
		}
	})
}

// TestUserByTokenIsTheUser: the token's one query gives the same account as UserByID, with the
// agencies the user may act for, and nothing for a revoked token or an inactive user.
func TestUserByTokenIsTheUser(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		s := cases.DefaultSettings()
		var extra []int64
		for _, code := range []string{"east", "west"} {
			a, err := db.CreateAgency(ctx, code, code+"区政府信息公开办公室", s)
			if err != nil {
				t.Fatal(err)
			}
			extra = append(extra, a.ID)
		}
		clerk := staff(t, db, "clerk1", "clerk")
		if _, err := db.UpdateUser(ctx, clerk.UserID, cases.UserPatch{Agencies: &extra}); err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateToken(ctx, clerk.UserID, "script")
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.UserByToken(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.UserByID(ctx, clerk.UserID)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got.Agencies)
		slices.Sort(want.Agencies)
		if got.ID != want.ID || got.Username != want.Username || got.RolesText != want.RolesText || !got.Active ||
			got.AgencyID != want.AgencyID || !slices.Equal(got.Agencies, extra) || !slices.Equal(want.Agencies, extra) {
			t.Fatalf("by token %+v, by id %+v", got, want)
		}
		if !got.Actor().MayActFor(extra[1]) {
			t.Fatal("the token's user may not act for an agency of the user")
		}
		other := staff(t, db, "clerk2", "clerk") // no extra agencies: an empty list
		tok2, err := db.CreateToken(ctx, other.UserID, "")
		if err != nil {
			t.Fatal(err)
		}
		if u, err := db.UserByToken(ctx, tok2); err != nil || len(u.Agencies) != 0 || u.Username != "clerk2" {
			t.Fatalf("clerk2: %+v %v", u, err)
		}
		off := false
		if _, err := db.UpdateUser(ctx, other.UserID, cases.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UserByToken(ctx, tok2); cases.ErrorCode(err) != cases.EUNAUTHORIZED {
			t.Fatalf("inactive user's token: %v", err)
		}
		if err := db.RevokeToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UserByToken(ctx, tok); cases.ErrorCode(err) != cases.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}
	})
}

// TestHistoryKeptIsChecked: the history answered with a case continues what was kept from the
// table, also after another instance on the same database appended events, and a kept history
// that does not end at the case row's head is read again whole (events.go).
func TestHistoryKeptIsChecked(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		same := func(what string, got []cases.Event) {
			t.Helper()
			want, err := db.Events(ctx, c.ID) // the table itself
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %d events, the table has %d", what, len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.Seq != w.Seq || g.Hash != w.Hash || g.PrevHash != w.PrevHash || g.Event != w.Event || string(g.Payload) != string(w.Payload) || !g.At.Equal(w.At) {
					t.Fatalf("%s: event %d is %+v, the table's %+v", what, i+1, g, w)
				}
			}
		}
		note := func(db *DB, text string) *cases.Case {
			t.Helper()
			out, err := db.TransitionCase(ctx, c.ID, cases.EventRequest{Event: cases.EventAddNote, Payload: payload(map[string]any{"text": text})}, clerk, db.Now())
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		for i := range 3 {
			out := note(db, fmt.Sprintf("备注%d", i))
			same("after a note", out.Events)
		}
		// Another instance appends two notes: this one's answer has them.
		other, err := Open(db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		other.Now, other.Renderer = db.Now, db.Renderer
		note(other, "另一实例的备注一")
		note(other, "另一实例的备注二")
		got, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		same("after another instance's notes", got.Events)
		if got.EventCount != len(got.Events) {
			t.Fatalf("event_count %d, %d events", got.EventCount, len(got.Events))
		}
		// A kept history that does not lead to the case's head is not used.
		bogus := slices.Clone(got.Events[:len(got.Events)-1])
		bogus = append(bogus, cases.Event{Seq: len(got.Events), Event: cases.EventAddNote, Hash: "forged", PrevHash: bogus[len(bogus)-1].Hash})
		db.hist.put(c.ID, bogus)
		got, err = db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		same("after a bad kept history", got.Events)
		// Nor one whose events do not link to the table's next one.
		short := slices.Clone(got.Events[:2])
		short[1].Hash = "forged"
		db.hist.put(c.ID, short)
		out := note(db, "最后的备注")
		same("after a kept history that does not link", out.Events)
		// The answer is the caller's: changing it changes nothing kept.
		out.Events[0].Actor = "mallory"
		got, err = db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		same("after the caller changed its copy", got.Events)
	})
}

// TestDocumentsListedWithoutBodies: on SQLite a case's documents are listed from the covering index
// of migration 0014, never from the table rows, whose columns after body are reached only through
// the PDF's overflow pages.
func TestDocumentsListedWithoutBodies(t *testing.T) {
	db := openEngine(t, SQLite, filepath.Join(t.TempDir(), "plan.db"), at("2026-03-02"))
	for q, args := range map[string][]any{
		`SELECT ` + documentColumns + ` FROM documents WHERE case_id = ? ORDER BY id`:                {1},
		`SELECT ` + documentColumns + ` FROM documents WHERE case_id IN (?, ?) ORDER BY id`:          {1, 2},
		`SELECT id, title FROM documents WHERE case_id = ? AND kind = ? AND for_release ORDER BY id`: {1, "upload"},
	} {
		var plan []struct {
			ID     int    `db:"id"`
			Parent int    `db:"parent"`
			NotU   int    `db:"notused"`
			Detail string `db:"detail"`
		}
		if err := db.R.Select(&plan, `EXPLAIN QUERY PLAN `+q, args...); err != nil {
			t.Fatal(err)
		}
		if len(plan) == 0 || !strings.Contains(plan[0].Detail, "COVERING INDEX documents_case_list") {
			t.Errorf("%s: plan %+v", q, plan)
		}
	}
}

// TestSQLiteDurabilitySettings: the writer runs in WAL mode with synchronous=NORMAL, as
// docs/operations.md "Durability of writes" says (a process crash loses no committed
// transaction; web's TestCrashDuringSubmissions kills serve to show it).
func TestSQLiteDurabilitySettings(t *testing.T) {
	db := openEngine(t, SQLite, filepath.Join(t.TempDir(), "sync.db"), at("2026-03-02"))
	var mode string
	var sync int
	if err := db.W.Get(&mode, `PRAGMA journal_mode`); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q %v", mode, err)
	}
	if err := db.W.Get(&sync, `PRAGMA synchronous`); err != nil || sync != 1 {
		t.Fatalf("synchronous %d %v, want 1 (NORMAL)", sync, err)
	}
}

// TestLetterNumberCheckUsesIndex: the check of a new letter number against the cases' reply
// letter numbers (nextLetterNo) reads the partial index of migration 0016 on SQLite, not every
// case of the agency; and a number already used by a case is still skipped, on both engines.
func TestLetterNumberCheckUsesIndex(t *testing.T) {
	db := openEngine(t, SQLite, filepath.Join(t.TempDir(), "plan.db"), at("2026-03-02"))
	var plan []struct {
		ID     int    `db:"id"`
		Parent int    `db:"parent"`
		NotU   int    `db:"notused"`
		Detail string `db:"detail"`
	}
	if err := db.R.Select(&plan, `EXPLAIN QUERY PLAN SELECT COUNT(*) FROM cases WHERE letter_no = ? AND letter_no <> '' AND agency_id = ?`, "x", 1); err != nil {
		t.Fatal(err)
	}
	if len(plan) == 0 || !strings.Contains(plan[0].Detail, "INDEX cases_letter_no") {
		t.Errorf("plan %+v", plan)
	}
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		a, err := db.Agency(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.W.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		first, err := nextLetterNo(ctx, tx, a, cases.DocReceipt, 2026)
		if err != nil {
			t.Fatal(err)
		}
		// A case already holds the number that comes next (an imported ledger, say): skipped.
		prefix := workflow.LetterPrefix(a, cases.DocReceipt)
		taken := workflow.FormatLetterNo(prefix, 2026, 3)
		if _, err := tx.Exec(tx.Rebind(`UPDATE cases SET letter_no = ? WHERE id = ?`), taken, c.ID); err != nil {
			t.Fatal(err)
		}
		next, err := nextLetterNo(ctx, tx, a, cases.DocReceipt, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if next == taken || next == first {
			t.Fatalf("numbers %s then %s; %s was taken", first, next, taken)
		}
	})
}
