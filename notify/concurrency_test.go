package notify

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	cases "foidesk/case"
	"foidesk/store"
)

// Two instances sharing one database (two connection pools, two services) sweep at the same
// instant, several times, concurrently: every alert key is recorded and delivered once, every lapse
// applied once.
func TestConcurrentSweeps(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-07", 9, 0))
			var overdue []*cases.Case
			for range 5 {
				overdue = append(overdue, e.paper("2026-09-07", "")) // due 10-10, overdue on 10-12
			}
			lapsing := e.paper("2026-09-14", "zhangsan@example.cn")
			e.fire("2026-09-15", lapsing.ID, e.li, "request_correction", map[string]any{"items": []string{"请补充身份证明。"}}) // due 10-12

			other, err := store.Open(e.db.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			other.Now, other.Renderer = e.clk.Now, fakeRenderer{}
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			services := []*Service{e.svc, {Store: other, Now: e.clk.Now, Log: quiet}}

			instant := at("2026-10-13", 8, 30)
			e.clk.Set(instant)
			var mu sync.Mutex
			var reports []Report
			var wg sync.WaitGroup
			for i := range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rep, err := services[i%2].Sweep(e.ctx, instant)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					reports = append(reports, rep)
					mu.Unlock()
				}()
			}
			wg.Wait()
			seen := map[string]int{}
			lapses := 0
			for _, r := range reports {
				for _, a := range r.Alerts {
					seen[a.Kind+" "+a.TrackingNo]++
				}
				lapses += len(r.Lapses)
			}
			if len(seen) != 5 || lapses != 1 {
				t.Fatalf("alerts %v, lapses %d", seen, lapses)
			}
			for k, n := range seen {
				if n != 1 {
					t.Errorf("%s recorded %d times", k, n)
				}
			}
			// Each overdue alert went to li, zhao and wang once; the lapse told the clerks once.
			for _, u := range []string{"li", "zhao", "wang"} {
				msgs, _, err := e.db.Inbox(e.ctx, u, storeInboxAll)
				if err != nil {
					t.Fatal(err)
				}
				alerts := 0
				for _, m := range msgs {
					if m.Kind == "alert.overdue" {
						alerts++
					}
				}
				if alerts != 5 {
					t.Errorf("overdue alerts in the inbox of %s: %d, want 5", u, alerts)
				}
			}
			c, err := e.db.Case(e.ctx, lapsing.ID)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, ev := range c.Events {
				if ev.Event == "correction_lapsed" {
					n++
				}
			}
			if n != 1 || c.State != cases.StateClosed {
				t.Errorf("correction_lapsed events: %d, state %s", n, c.State)
			}
			// A rerun by either instance finds nothing new.
			for _, s := range services {
				if rep, err := s.Sweep(e.ctx, instant); err != nil || len(rep.Alerts)+len(rep.Lapses) != 0 {
					t.Errorf("rerun: %+v %v", rep, err)
				}
			}
		})
	}
}

// Without the job lock (two instances racing on the same keys), the unique keys alone keep every
// alert single: each key is reported new by exactly one writer.
func TestRecordAlertsRace(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-07", 9, 0))
			var alerts []cases.Alert
			for range 20 {
				c := e.paper("2026-09-07", "")
				key := cases.AlertKey{Kind: KindOverdue, Day: cases.MustDate("2026-10-12")}
				alerts = append(alerts, cases.Alert{AlertKey: key, CaseID: c.ID, TrackingNo: c.TrackingNo, Recipients: []string{"li"},
					Messages: []cases.Message{{DedupKey: fmt.Sprintf("alert:%d:overdue:0:2026-10-12:inbox:li", c.ID), Kind: "alert.overdue", Channel: cases.MessageInbox, Recipient: "li", Subject: "逾期"}}})
			}
			other, err := store.Open(e.db.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			other.Now = e.clk.Now
			dbs := []*store.DB{e.db, other, e.db, other}
			fresh := make([][]bool, len(dbs))
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var err error
					if fresh[i], err = db.RecordAlerts(e.ctx, alerts); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			for j := range alerts {
				n := 0
				for i := range dbs {
					if len(fresh[i]) > j && fresh[i][j] {
						n++
					}
				}
				if n != 1 {
					t.Errorf("alert %d reported new %d times", j, n)
				}
			}
			if n, _ := e.db.UnreadCount(e.ctx, "li"); n != len(alerts) {
				t.Errorf("inbox of li: %d, want %d", n, len(alerts))
			}
		})
	}
}
