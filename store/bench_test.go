package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	cases "foidesk/case"
)

// benchCases is the size of the realistic database: about a year of a district office's
// applications, each with a short history and its letters.
const benchCases = 1000

// BenchmarkTransition measures one transition through TransitionCase on SQLite (load with lock,
// guards, compare-and-set, hash-chained event, commit, reload of the case with its events and
// documents), round-robin over benchCases open cases so that no case's history grows unusually.
// Run with: go test ./store -run '^$' -bench Transition -benchmem
func BenchmarkTransition(b *testing.B) {
	ctx := context.Background()
	db, err := Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.Renderer = fakeRenderer{}
	now := at("2026-06-01")
	db.Now = func() time.Time { return now }
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	mk := func(name, roles string) cases.Actor {
		rs, _ := ParseRoles(roles)
		u, err := db.CreateUser(ctx, name, "correct horse battery", rs, 0, name)
		if err != nil {
			b.Fatal(err)
		}
		return u.Actor()
	}
	clerk, sup := mk("clerk1", "clerk"), mk("sup1", "supervisor")
	mk("clerk2", "clerk")
	fire := func(id int64, a cases.Actor, event string, p any) {
		if _, err := db.TransitionCase(ctx, id, cases.EventRequest{Event: cases.EventName(event), Payload: payload(p)}, a, db.Now()); err != nil {
			b.Fatalf("%s: %v", event, err)
		}
	}
	ids := make([]int64, 0, benchCases)
	start := cases.MustDate("2026-01-05")
	for i := range benchCases {
		day := start.AddDays(i % 140)
		now = at(day.String())
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, day
		app.Applicant.Name = fmt.Sprintf("申请人%d", i)
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			b.Fatal(err)
		}
		fire(c.ID, clerk, "accept", nil)
		fire(c.ID, clerk, "add_note", map[string]any{"text": "已电话联系申请人，确认所需信息范围。"})
		if i%3 == 0 {
			fire(c.ID, clerk, "consult", map[string]any{"parties": []map[string]any{{"kind": "agency", "name": "区财政局"}}})
			fire(c.ID, clerk, "consultation_done", map[string]any{"answers": []map[string]any{{"name": "区财政局", "answer": "agree"}}})
		}
		ids = append(ids, c.ID)
	}
	now = at("2026-06-01")

	b.Run("add_note", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			fire(ids[i%len(ids)], clerk, "add_note", map[string]any{"text": "补充检索了档案室的纸质档案。"})
			i++
		}
	})
	b.Run("reassign", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			fire(ids[i%len(ids)], sup, "reassign", map[string]any{"assignee": []string{"clerk2", "clerk1"}[(i/len(ids))%2]})
			i++
		}
	})
}
