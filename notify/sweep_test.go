package notify

import (
	"strings"
	"testing"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The sweep across the National Day break of 2026 (docs/rules.md §3: off 10/1–10/7, Saturday 10/10 a
// working day): the right alerts on the right working days to the right people, nothing on days
// off, and nothing new on a rerun.
//
//   - A: received 2026-09-09, accepted by li: reply due 2026-10-13;
//   - B: received 2026-09-07, unassigned: reply due Saturday 2026-10-10 (a working day);
//   - C: an online submission of 2026-09-30 never registered (Art. 31);
//   - D: received 2026-09-28, unassigned: day 5 of the correction-notice window is 2026-10-10.
func TestSweepAcrossNationalDay(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-07", 9, 0))
			b := e.paper("2026-09-07", "")
			a := e.paper("2026-09-09", "")
			a = e.fire("2026-09-10", a.ID, e.li, "accept", nil)
			e.clk.Set(at("2026-09-30", 10, 0))
			c, _, err := e.db.CreateApplication(e.ctx, application("李四", ""))
			if err != nil {
				t.Fatal(err)
			}
			d := e.paper("2026-09-28", "")
			if a.ReplyDue.String() != "2026-10-13" || b.ReplyDue.String() != "2026-10-10" || d.CorrectionNoticeBy.String() != "2026-10-13" {
				t.Fatalf("setup: A due %s, B due %s, D notice by %s", a.ReplyDue, b.ReplyDue, d.CorrectionNoticeBy)
			}
			names := map[string]string{a.TrackingNo: "A", b.TrackingNo: "B", c.TrackingNo: "C", d.TrackingNo: "D"}
			want := map[string][]string{
				"2026-09-28": {"ALERT due_in_5 B li", "ALERT due_in_5 B zhao"},
				"2026-09-29": nil,
				"2026-09-30": {"ALERT due_in_5 A li", "ALERT due_in_3 B li", "ALERT due_in_3 B zhao"},
				"2026-10-01": nil, "2026-10-02": nil, "2026-10-03": nil, "2026-10-04": nil, "2026-10-05": nil, "2026-10-06": nil, "2026-10-07": nil,
				"2026-10-08": nil, // C waits its one working day (Art. 31 policy)
				"2026-10-09": {"ALERT due_in_3 A li", "ALERT due_in_1 B li", "ALERT due_in_1 B zhao", "ALERT unregistered C li", "ALERT unregistered C zhao"},
				"2026-10-10": {"ALERT due_today B li", "ALERT due_today B zhao", "ALERT unregistered C li", "ALERT unregistered C zhao",
					"ALERT correction_window D li", "ALERT correction_window D zhao"},
				"2026-10-11": nil, // Sunday
				"2026-10-12": {"ALERT due_in_1 A li", "ALERT overdue B li", "ALERT overdue B zhao", "ALERT overdue B wang", "ALERT unregistered C li", "ALERT unregistered C zhao"},
				"2026-10-13": {"ALERT due_today A li", "ALERT overdue B li", "ALERT overdue B zhao", "ALERT overdue B wang", "ALERT unregistered C li", "ALERT unregistered C zhao"},
				"2026-10-14": {"ALERT overdue A li", "ALERT overdue A wang", "ALERT overdue B li", "ALERT overdue B zhao", "ALERT overdue B wang", "ALERT unregistered C li", "ALERT unregistered C zhao"},
			}
			keys := 0
			for day := cases.MustDate("2026-09-28"); !day.After(cases.MustDate("2026-10-14")); day = day.AddDays(1) {
				rep := e.sweep(day.String())
				sameLines(t, day.String(), lines(rep, names), want[day.String()])
				keys += len(rep.Alerts)
				last := rep.Lines()[len(rep.Lines())-1]
				if !strings.HasPrefix(last, "alerts: ") || len(rep.Lapses) != 0 {
					t.Errorf("%s: last line %q, lapses %v", day, last, rep.Lapses)
				}
				again := e.sweep(day.String())
				if got := again.Lines(); len(got) != 1 || got[0] != "alerts: 0, lapses: 0" {
					t.Errorf("%s: rerun printed %q", day, got)
				}
			}
			if keys != 18 {
				t.Errorf("alert keys recorded: %d, want 18", keys)
			}
			// Each alert reached the inbox of each of its recipients once.
			for user, n := range map[string]int{"li": 18, "zhao": 13, "wang": 4} {
				got, err := e.db.UnreadCount(e.ctx, user)
				if err != nil {
					t.Fatal(err)
				}
				if got != n {
					t.Errorf("unread of %s: %d, want %d", user, got, n)
				}
			}
			msgs, _, err := e.db.Inbox(e.ctx, "li", storeInboxAll)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 18 {
				t.Fatalf("inbox of li: %d messages", len(msgs))
			}
			overdue := 0
			for _, m := range msgs {
				if m.Kind == "alert.overdue" {
					overdue++
					if !strings.Contains(m.Subject, "已超过答复期限") || !strings.Contains(m.Body, "请立即处理") || m.TrackingNo == "" || m.SentAt == nil || m.ReadAt != nil {
						t.Errorf("overdue message: %+v", m)
					}
				}
			}
			if overdue != 4 {
				t.Errorf("overdue messages of li: %d, want 4", overdue)
			}
		})
	}
}

// A calendar change moves the deadlines of open cases (store.SetCalendarDay) and the next sweep
// alerts against the new dates: with 2026-10-13 made a day off, A's deadline moves to 10-14, so
// 10-13 alerts nothing and 10-14 is due_today, not overdue.
func TestSweepAfterCalendarChange(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-09", 9, 0))
			a := e.paper("2026-09-09", "")
			e.fire("2026-09-10", a.ID, e.li, "accept", nil)
			names := map[string]string{a.TrackingNo: "A"}
			sameLines(t, "10-12", lines(e.sweep("2026-10-12"), names), []string{"ALERT due_in_1 A li"})
			e.clk.Set(at("2026-10-12", 11, 0))
			moved, err := e.db.SetCalendarDay(e.ctx, workflow.Override{Day: cases.MustDate("2026-10-13"), Work: false, Note: "测试：调整为休息日"}, "admin1")
			if err != nil {
				t.Fatal(err)
			}
			if len(moved) != 1 || moved[0].After.String() != "2026-10-14" {
				t.Fatalf("recomputed: %+v", moved)
			}
			sameLines(t, "10-12 again", lines(e.sweep("2026-10-12"), names), nil)
			sameLines(t, "10-13 (now a day off)", lines(e.sweep("2026-10-13"), names), nil)
			sameLines(t, "10-14", lines(e.sweep("2026-10-14"), names), []string{"ALERT due_today A li"})
			sameLines(t, "10-15", lines(e.sweep("2026-10-15"), names), []string{"ALERT overdue A li", "ALERT overdue A wang"})
			got, err := e.db.Case(e.ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if last := got.Events[len(got.Events)-1]; last.Event != "deadline_recomputed" || last.ReplyDueAfter.String() != "2026-10-14" {
				t.Errorf("last event %s %s", last.Event, last.ReplyDueAfter)
			}
		})
	}
}
