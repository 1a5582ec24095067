package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/store"
)

// countingMailer records every e-mail sent, by its stable Message-ID.
type countingMailer struct {
	mu   sync.Mutex
	sent map[string]int
}

func (m *countingMailer) Send(_ context.Context, mail Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent[mail.MessageID]++
	return nil
}

// TestTwoInstancesUnderLoad: two instances of foidesk on one database (two pools, two services —
// the deployment of docs/operations.md "PostgreSQL and several instances") take registrations, transitions,
// approvals, the sweep and delivery at the same time. No transition is lost or made twice, no
// alert, lapse, e-mail or letter number is duplicated, and every case's history verifies.
func TestTwoInstancesUnderLoad(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-07", 9, 0))
			// Open cases: some overdue when the sweep runs, one lapsing, the rest to be handled.
			var work []*cases.Case
			for i := range 12 {
				work = append(work, e.paper("2026-09-07", fmt.Sprintf("a%d@example.cn", i)))
			}
			lapsing := e.paper("2026-09-14", "lapse@example.cn")
			e.fire("2026-09-15", lapsing.ID, e.li, "request_correction", map[string]any{"items": []string{"请补充身份证明。"}})

			other, err := store.Open(e.db.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			other.Now, other.Renderer = e.clk.Now, fakeRenderer{}
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			mailer := &countingMailer{sent: map[string]int{}}
			dbs := []*store.DB{e.db, other}
			services := []*Service{{Store: e.db, Now: e.clk.Now, Log: quiet, Mailer: mailer}, {Store: other, Now: e.clk.Now, Log: quiet, Mailer: mailer}}

			instant := at("2026-10-13", 8, 30)
			e.clk.Set(instant)
			ctx := e.ctx
			fire := func(db *store.DB, id int64, actor cases.Actor, event string, payload any) error {
				b, _ := json.Marshal(payload)
				_, err := db.TransitionCase(ctx, id, cases.EventRequest{Event: cases.EventName(event), Payload: b}, actor, db.Now())
				return err
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			var errs []error
			var reports []Report
			report := func(err error) {
				if err != nil && cases.ErrorCode(err) != cases.ECONFLICT {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
			run := func(f func()) {
				wg.Add(1)
				go func() { defer wg.Done(); f() }()
			}
			for i := range 2 {
				db, svc := dbs[i], services[i]
				// registrations on both
				run(func() {
					for k := range 8 {
						app := application(fmt.Sprintf("申请人%d%d", i, k), fmt.Sprintf("r%d%d@example.cn", i, k))
						app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-10-13")
						_, err := db.RegisterPaper(ctx, app, e.li)
						report(err)
					}
				})
				// both instances handle every work case at once: each step happens once, the
				// loser of a race gets a conflict
				run(func() {
					for _, c := range work {
						report(fire(db, c.ID, e.li, "accept", nil))
						report(fire(db, c.ID, e.li, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "经审查，予以公开。"}))
						report(fire(db, c.ID, e.wang, "approve", nil))
					}
				})
				// the sweep and delivery on both, repeatedly
				run(func() {
					for range 3 {
						rep, err := svc.Sweep(ctx, instant)
						report(err)
						mu.Lock()
						reports = append(reports, rep)
						mu.Unlock()
						_, err = svc.Deliver(ctx)
						report(err)
						time.Sleep(20 * time.Millisecond)
					}
				})
			}
			wg.Wait()
			for _, s := range services { // what the last approvals queued
				if _, err := s.Deliver(ctx); err != nil {
					t.Fatal(err)
				}
			}
			for _, err := range errs {
				t.Error(err)
			}

			// each transition once
			for _, c := range work {
				got, err := e.db.Case(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				n := map[string]int{}
				for _, ev := range got.Events {
					n[string(ev.Event)]++
				}
				if n["accept"] != 1 || n["draft_reply"] != 1 || n["approve"] != 1 || got.State != cases.StateReplied {
					t.Errorf("%s: state %s, events %v", got.TrackingNo, got.State, n)
				}
			}
			// alerts and lapses once
			seen := map[string]int{}
			lapses := 0
			for _, r := range reports {
				for _, a := range r.Alerts {
					seen[a.Kind+" "+a.TrackingNo]++
				}
				lapses += len(r.Lapses)
			}
			for k, n := range seen {
				if n != 1 {
					t.Errorf("alert %s reported %d times", k, n)
				}
			}
			if lapses != 1 {
				t.Errorf("lapses %d, want 1", lapses)
			}
			lc, _ := e.db.Case(ctx, lapsing.ID)
			if lc.State != cases.StateClosed {
				t.Errorf("lapsing case in %s", lc.State)
			}
			// letter and tracking numbers unique
			var dup []string
			if err := e.db.R.SelectContext(ctx, &dup, `SELECT number FROM documents WHERE number <> '' GROUP BY number HAVING COUNT(*) > 1`); err != nil {
				t.Fatal(err)
			}
			if len(dup) > 0 {
				t.Errorf("letter numbers issued twice: %v", dup)
			}
			var replies, letters int
			e.db.R.GetContext(ctx, &replies, `SELECT COUNT(DISTINCT letter_no) FROM cases WHERE letter_no <> ''`)
			e.db.R.GetContext(ctx, &letters, `SELECT COUNT(*) FROM cases WHERE letter_no <> ''`)
			if replies != len(work) || letters != len(work) {
				t.Errorf("reply numbers: %d distinct of %d, want %d", replies, letters, len(work))
			}
			var cnt int
			e.db.R.GetContext(ctx, &cnt, `SELECT COUNT(*) FROM cases`)
			if want := len(work) + 1 + 16; cnt != want {
				t.Errorf("cases %d, want %d (a registration lost or doubled)", cnt, want)
			}
			var pending int
			e.db.R.GetContext(ctx, &pending, `SELECT COUNT(*) FROM pending_letters`)
			if pending != 0 {
				t.Errorf("%d letters left without their PDF", pending)
			}
			// every e-mail of the outbox sent once
			var queued int
			e.db.R.GetContext(ctx, &queued, `SELECT COUNT(*) FROM outbox WHERE channel = 'email'`)
			if queued == 0 || len(mailer.sent) != queued {
				t.Errorf("e-mails: %d sent of %d queued", len(mailer.sent), queued)
			}
			for id, n := range mailer.sent {
				if n != 1 {
					t.Errorf("e-mail %s sent %d times", id, n)
				}
			}
			if n, broken, err := e.db.AuditVerify(ctx); err != nil || len(broken) != 0 || n != cnt {
				t.Errorf("audit verify: %d verified, broken %v, %v", n, broken, err)
			}
		})
	}
}
