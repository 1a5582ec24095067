package store

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	cases "foidesk/case"
	"foidesk/workflow"
)

// docs/rules.md §7: each letter class has its own yearly sequence; numbers are assigned inside the
// transition that issues the letter — no gap, no duplicate, even under concurrent approvals; and
// a number used by an imported case is never issued again.
func TestLetterNumbersConcurrentApprovals(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		sups := []cases.Actor{staff(t, db, "sup1", "supervisor"), staff(t, db, "sup2", "supervisor"), staff(t, db, "sup3", "supervisor")}
		agency, _ := db.AgencyByCode(ctx, "")
		// An imported reply number (the 3rd of 2026) must be skipped.
		imported := workflow.FormatLetterNo(workflow.LetterPrefix(agency, cases.DocReply), 2026, 3)
		const n = 12
		ids := make([]int64, n)
		for i := range ids {
			app := sampleApplication()
			app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-02")
			c, err := db.RegisterPaper(ctx, app, clerk)
			if err != nil {
				t.Fatal(err)
			}
			mustFire(t, db, c.ID, clerk, "accept", nil)
			mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。"})
			ids[i] = c.ID
		}
		// The last case carries the imported number (as an imported case does) and is not approved.
		if _, err := db.W.Exec(db.W.Rebind(`UPDATE cases SET letter_no = ? WHERE id = ?`), imported, ids[n-1]); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, n-1)
		start := make(chan struct{})
		for i := 0; i < n-1; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = db.TransitionCase(ctx, ids[i], cases.EventRequest{Event: "approve"}, sups[i%len(sups)], db.Now())
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("approval %d: %v", i, err)
			}
		}
		var numbers []string
		if err := db.R.Select(&numbers, db.R.Rebind(`SELECT number FROM documents WHERE kind = ? ORDER BY number`), cases.DocReply); err != nil {
			t.Fatal(err)
		}
		if len(numbers) != n-1 {
			t.Fatalf("%d reply letters, want %d", len(numbers), n-1)
		}
		var serials []int
		for _, no := range numbers {
			var s int
			if _, err := fmt.Sscanf(no[len(workflow.LetterPrefix(agency, cases.DocReply)):], "〔2026〕%d号", &s); err != nil {
				t.Fatalf("number %q: %v", no, err)
			}
			serials = append(serials, s)
		}
		sort.Ints(serials)
		// 1..n without 3 (taken by the import): no gap, no duplicate.
		want := []int{}
		for s := 1; len(want) < n-1; s++ {
			if s != 3 {
				want = append(want, s)
			}
		}
		if fmt.Sprint(serials) != fmt.Sprint(want) {
			t.Fatalf("serials %v, want %v", serials, want)
		}
		for i := 0; i < n-1; i++ {
			c, _ := db.Case(ctx, ids[i])
			if c.LetterNo == "" || c.LetterNo == imported {
				t.Fatalf("case %d letter_no %q", i, c.LetterNo)
			}
		}
	})
}
