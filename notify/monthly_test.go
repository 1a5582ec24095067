package notify

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	cases "foidesk/case"
)

// The monthly statistics go out on the first working day of the month (after the National Day
// holiday in October 2026: 10-08), once: a PDF stored without a case, an inbox message to each
// supervisor and an e-mail with the PDF to the superior office.
func TestMonthlyStatistics(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-01", 9, 0))
			a, err := e.db.AgencyByCode(e.ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			a.Settings.SuperiorEmail = "gkb@superior.example.cn"
			if err := e.db.UpdateAgency(e.ctx, a); err != nil {
				t.Fatal(err)
			}
			for _, day := range []string{"2026-09-01", "2026-09-02", "2026-09-15"} {
				e.paper(day, "")
			}
			c := e.paper("2026-09-03", "")
			e.fire("2026-09-03", c.ID, e.li, "accept", nil)
			e.fire("2026-09-04", c.ID, e.li, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "经审查，予以公开。"})
			e.fire("2026-09-07", c.ID, e.wang, "approve", nil)

			var rendered cases.MonthlyStats
			e.svc.RenderMonthly = func(a cases.Agency, s cases.MonthlyStats) ([]byte, error) {
				rendered = s
				return []byte(fmt.Sprintf("%%PDF-1.4 monthly %d-%02d received=%d", s.Year, s.Month, s.Total.Received)), nil
			}
			for _, day := range []string{"2026-10-01", "2026-10-07"} { // holidays
				e.clk.Set(at(day, 7, 0))
				if pub, err := e.svc.Monthly(e.ctx, at(day, 7, 0)); err != nil || len(pub) != 0 {
					t.Fatalf("%s: %v %v", day, pub, err)
				}
			}
			e.clk.Set(at("2026-10-08", 7, 0))
			pub, err := e.svc.Monthly(e.ctx, at("2026-10-08", 7, 0))
			if err != nil || len(pub) != 1 {
				t.Fatalf("first working day: %v %v", pub, err)
			}
			p := pub[0]
			if p.Year != 2026 || p.Month != 9 || strings.Join(p.Recipients, ",") != "wang,gkb@superior.example.cn" {
				t.Errorf("published %+v", p)
			}
			if rendered.Total.Received != 4 || rendered.Total.Concluded != 1 || rendered.Total.ByOutcome["disclose"] != 1 {
				t.Errorf("figures: %+v", rendered.Total)
			}
			doc, err := e.db.OutboxDocument(e.ctx, p.DocumentID)
			if err != nil || doc.CaseID != 0 || doc.Kind != DocMonthlyStatistics || !bytes.HasPrefix(doc.Body, []byte("%PDF")) {
				t.Fatalf("document %+v %v", doc, err)
			}
			msgs, _, _ := e.db.Inbox(e.ctx, "wang", storeInboxAll)
			if len(msgs) == 0 || msgs[0].DocumentID != p.DocumentID || !strings.Contains(msgs[0].Body, "本月新收申请：4件") {
				t.Errorf("supervisor's message: %+v", msgs)
			}
			// Once: neither a rerun nor the next day publishes again.
			for _, day := range []string{"2026-10-08", "2026-10-09"} {
				if again, err := e.svc.Monthly(e.ctx, at(day, 7, 0)); err != nil || len(again) != 0 {
					t.Errorf("%s again: %v %v", day, again, err)
				}
			}
			// The superior office receives the PDF by e-mail.
			srv := startSink(t)
			e.svc.Mailer = srv.mailer(t)
			if d, err := e.svc.Deliver(e.ctx); err != nil || d.Sent != 1 {
				t.Fatalf("deliver: %+v %v", d, err)
			}
			got := srv.received()
			if len(got) != 1 || got[0].To[0] != "gkb@superior.example.cn" {
				t.Fatalf("received %+v", got)
			}
			m := parse(t, got[0].Data)
			if !strings.Contains(m.Subject, "2026年9月政府信息公开工作统计月报") || !strings.Contains(m.Text, "本月办结：1件") ||
				m.Filename != "monthly-default-2026-09.pdf" || !bytes.Equal(m.Attachment, doc.Body) {
				t.Errorf("e-mail: %q %q %q", m.Subject, m.Text, m.Filename)
			}
		})
	}
}

func TestFirstWorkday(t *testing.T) {
	e := newEnv(t, engines(t)[0], at("2026-01-01", 9, 0))
	cal := e.db.Calendar()
	for d, want := range map[string]string{"2026-10-20": "2026-10-08", "2026-02-27": "2026-02-02", "2026-03-31": "2026-03-02", "2026-01-15": "2026-01-04"} {
		if got := FirstWorkday(cal, cases.MustDate(d)); got.String() != want {
			t.Errorf("first working day of the month of %s: %s, want %s", d, got, want)
		}
	}
}
