package store

import (
	"context"
	"reflect"
	"testing"

	cases "foidesk/case"
)

// The counts of the queue (and the unread count) are cached until the next commit: a transition
// moves a case from one tab's count to another's at once, and so does a change committed by
// another connection to the same file (another process: a CLI command, an import), and a message
// read.
func TestCachedCountsFollowCommits(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		agency, _ := db.AgencyByCode(ctx, "")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-03")
		var ids []int64
		for range 3 {
			c, err := db.RegisterPaper(ctx, app, clerk)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		count := func(st cases.State) int {
			t.Helper()
			n, err := db.CountCases(ctx, cases.CaseFilter{AgencyIDs: []int64{agency.ID}, States: []cases.State{st}, CountMax: 999})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		want := func(reg, prog int) {
			t.Helper()
			for range 2 { // the second from the cache, if any
				if r, p := count(cases.StateRegistered), count(cases.StateInProgress); r != reg || p != prog {
					t.Fatalf("registered %d, in progress %d; want %d, %d", r, p, reg, prog)
				}
			}
		}
		want(3, 0)
		mustFire(t, db, ids[0], clerk, "accept", nil) // registered → in_progress
		want(2, 1)
		// Another connection to the same database changes a state behind this one's back.
		other, err := Open(db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.W.Exec(other.W.Rebind(`UPDATE cases SET state = ? WHERE id = ?`), cases.StateInProgress, ids[1]); err != nil {
			t.Fatal(err)
		}
		want(1, 2)
		// The unread count of the page header follows a message read.
		if _, err := db.W.Exec(db.W.Rebind(`INSERT INTO outbox (kind, channel, recipient, subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			"alert", cases.MessageInbox, "clerk1", "提醒", "正文", db.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.UnreadCount(ctx, "clerk1"); n != 1 {
			t.Fatalf("unread %d, want 1", n)
		}
		if n, _ := db.UnreadCount(ctx, "clerk1"); n != 1 {
			t.Fatalf("unread (again) %d, want 1", n)
		}
		if _, err := db.MarkRead(ctx, "clerk1"); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.UnreadCount(ctx, "clerk1"); n != 0 {
			t.Fatalf("unread after reading %d, want 0", n)
		}
		if db.Dialect == SQLite {
			if _, ok := db.dataVersion(ctx); !ok {
				t.Fatal("no read cache on SQLite")
			}
		}
	})
}

// An agency from the cache is a copy: changing its settings changes neither the cache nor what the
// next caller gets. The test fails when Settings gains a field referring to memory (a map, a
// slice, a pointer) that cloneAgency does not copy.
func TestCloneAgencyCopiesEverySetting(t *testing.T) {
	known := map[string]bool{"LetterPrefixes": true, "AlertThresholds": true, "Retention": true, "Phrases": true}
	st := reflect.TypeOf(cases.Settings{})
	for i := range st.NumField() {
		f := st.Field(i)
		switch f.Type.Kind() {
		case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Interface, reflect.Struct, reflect.Array, reflect.Chan, reflect.Func:
			if !known[f.Name] {
				t.Errorf("Settings.%s (%s) is not copied by cloneAgency", f.Name, f.Type)
			}
		}
	}
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		a, err := db.AgencyByCode(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		a.Settings.Phrases = map[string][]string{"rejected.petition": {"属于信访事项。"}}
		if err := db.UpdateAgency(ctx, a); err != nil {
			t.Fatal(err)
		}
		for _, get := range []func() cases.Agency{
			func() cases.Agency { x, _ := db.Agency(ctx, a.ID); return x },
			func() cases.Agency { xs, _ := db.Agencies(ctx); return xs[0] },
		} {
			x := get()
			x.Settings.LetterPrefixes["reply"] = "改"
			x.Settings.AlertThresholds[0] = 99
			if x.Settings.Retention == nil {
				x.Settings.Retention = map[string]string{}
			}
			x.Settings.Retention["granted"] = "改"
			x.Settings.Phrases["rejected.petition"][0] = "改"
			y := get()
			if y.Settings.LetterPrefixes["reply"] == "改" || y.Settings.AlertThresholds[0] == 99 || y.Settings.Retention["granted"] == "改" || y.Settings.Phrases["rejected.petition"][0] == "改" {
				t.Fatalf("a change to a copy reached the cache: %+v", y.Settings)
			}
		}
	})
}

// A list page's whole cases (GET /cases) come from the cache until the next commit: a transition
// shows at once (its event, the new version), and a change made to a case handed out reaches
// neither the cache nor the next reader.
func TestCachedCasesFollowCommits(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-03")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		page := func() *cases.Case {
			t.Helper()
			cs, _, err := db.FindCases(ctx, cases.CaseFilter{States: cases.OpenStates})
			if err != nil || len(cs) != 1 {
				t.Fatalf("page: %d cases, %v", len(cs), err)
			}
			if err := db.FillCases(ctx, cs); err != nil {
				t.Fatal(err)
			}
			return cs[0]
		}
		first := page()
		n, version := len(first.Events), first.Version
		first.Events = append(first.Events, cases.Event{Event: "forged"})
		first.Applicant.Name, first.Documents[0].Kind = "改", "改"
		if again := page(); len(again.Events) != n || again.Applicant.Name == "改" || again.Documents[0].Kind == "改" {
			t.Fatalf("a change to a case handed out reached the next reader: %d events, %q, %q", len(again.Events), again.Applicant.Name, again.Documents[0].Kind)
		}
		mustFire(t, db, c.ID, clerk, "add_note", map[string]string{"text": "已电话联系申请人。"})
		after := page()
		if len(after.Events) != n+1 || after.Events[n].Event != "add_note" || after.Version == version {
			t.Fatalf("after add_note: %d events (want %d), version %d (was %d)", len(after.Events), n+1, after.Version, version)
		}
		// Into a stream that was empty (in_progress): its first key is read again.
		mustFire(t, db, c.ID, clerk, "accept", nil)
		if moved := page(); moved.State != cases.StateInProgress {
			t.Fatalf("after accept: %s", moved.State)
		}
	})
}

// Within a read scope (a GET request) the cached reads use the version of the first: one question
// to the database; a new scope sees every commit made before it began.
func TestReadScopeReadsTheVersionOnce(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-03")
		if _, err := db.RegisterPaper(ctx, app, clerk); err != nil {
			t.Fatal(err)
		}
		f := cases.CaseFilter{States: []cases.State{cases.StateRegistered}}
		scope := db.ReadScope(ctx)
		if n, _ := db.CountCases(scope, f); n != 1 {
			t.Fatalf("count %d, want 1", n)
		}
		if _, err := db.RegisterPaper(ctx, app, clerk); err != nil {
			t.Fatal(err)
		}
		want := 1 // the scope's version
		if db.Dialect != SQLite {
			want = 2 // no cache
		}
		if n, _ := db.CountCases(scope, f); n != want {
			t.Fatalf("count in the scope %d, want %d", n, want)
		}
		if n, _ := db.CountCases(db.ReadScope(ctx), f); n != 2 {
			t.Fatalf("count in a new scope %d, want 2", n)
		}
	})
}
