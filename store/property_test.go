package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// movers are the events through which a reply deadline may move (docs/rules.md §4 "How foidesk
// counts"): the receipt, the restart after a correction (Art. 30), the end of a pause
// (consultation_done, fee_paid; fee_lapsed and withdraw end a running pause too), the extension
// (Art. 33), the Art. 35 period, a reopen, and a calendar change.
var movers = []string{"amend", "register", "submit_correction", "consultation_done", "record_answer", "fee_paid", "fee_lapsed", "withdraw", "extend",
	"set_reply_period", "reopen", "deadline_recomputed"}

// pausers begin a pause or stop the clock: they must not move the deadline (a pause adds its days
// when it ends).
var pausers = []string{"request_correction", "consult", "request_fee"}

// prop is one property run: a SQLite database, its clock and a seeded generator.
type prop struct {
	t      *testing.T
	db     *DB
	rng    *rand.Rand
	now    time.Time
	actors []cases.Actor
	stats  map[string][2]int // event → accepted, refused
}

func (p *prop) today() cases.Date { return cases.DateOf(p.now, time.FixedZone("CST", 8*3600)) }

func (p *prop) pick(xs ...string) string { return xs[p.rng.IntN(len(xs))] }

func (p *prop) day(from cases.Date, lo, hi int) string {
	return from.AddDays(lo + p.rng.IntN(hi-lo+1)).String()
}

// payload returns a plausible — sometimes wrong — payload for event on c.
func (p *prop) payload(event string, c *cases.Case) any {
	today := p.today()
	r := p.rng
	switch event {
	case "discard":
		return map[string]any{"reason": p.pick("重复提交", "垃圾信息", "")}
	case "withdraw":
		return map[string]any{"reason": p.pick("", "不再需要")}
	case "request_correction":
		m := map[string]any{"items": []string{p.pick("请写明文件名称", "请提供身份证明", " ")}}
		if r.IntN(4) == 0 {
			m["period_days"] = r.IntN(25)
		}
		return m
	case "submit_correction":
		m := map[string]any{"text": p.pick("补正内容", "补正内容", "")}
		if r.IntN(2) == 0 {
			m["received_on"] = p.day(today, -6, 1)
		}
		return m
	case "accept":
		if r.IntN(3) == 0 {
			return map[string]any{"assignee": p.pick("clerk1", "clerk2", "nobody")}
		}
		return map[string]any{}
	case "consult":
		var ps []map[string]any
		for i := range 1 + r.IntN(2) {
			ps = append(ps, map[string]any{"kind": p.pick("third_party", "agency", "agency", "friend"), "name": fmt.Sprintf("第%d方", i+1)})
		}
		return map[string]any{"parties": ps}
	case "consultation_done":
		var as []map[string]any
		for _, pt := range c.Parties {
			if r.IntN(8) > 0 {
				as = append(as, map[string]any{"name": pt.Name, "answer": p.pick("agree", "object", "silence", "agree")})
			}
		}
		return map[string]any{"answers": as}
	case "record_answer":
		name := "无关方"
		if len(c.Parties) > 0 && r.IntN(6) > 0 {
			name = c.Parties[r.IntN(len(c.Parties))].Name
		}
		return map[string]any{"name": name, "answer": p.pick("agree", "object", "silence", "object")}
	case "ask_reasons":
		m := map[string]any{"text": p.pick("本月已提交同类申请52件", "")}
		if r.IntN(3) == 0 {
			m["period_days"] = r.IntN(70)
		}
		return m
	case "reasons_received":
		return map[string]any{"text": p.pick("研究需要", ""), "received_on": p.day(today, -5, 1)}
	case "set_category":
		return map[string]any{"org_category": p.pick("legal_service", "research", "business", "law_firm"), "reason": p.pick("属法律服务机构", "")}
	case "request_fee":
		if r.IntN(3) == 0 {
			return map[string]any{"basis": "per_request"}
		}
		return map[string]any{"basis": p.pick("per_page", "per_page", "per_kilo"), "pages": r.IntN(300)}
	case "fee_paid":
		return map[string]any{"paid_on": p.day(today, -8, 1)}
	case "extend":
		return map[string]any{"days": r.IntN(23), "reason": p.pick("需要调取档案", "")}
	case "set_reply_period":
		base := c.ReplyDue
		if base.IsZero() {
			base = today
		}
		return map[string]any{"due_on": p.day(base, -2, 40), "reason": p.pick("申请数量巨大", "")}
	case "draft_reply":
		o := cases.Outcomes[r.IntN(len(cases.Outcomes))].Code
		if r.IntN(2) == 0 {
			o = p.pick(cases.OutcomeDisclose, "partial", "unavailable.not_held")
		}
		return map[string]any{"outcome": o, "reasons": p.pick("经审查，予以公开。", "理由", "")}
	case "return":
		return map[string]any{"comment": p.pick("请补充法律依据", "")}
	case "record_delivery":
		return map[string]any{"way": p.pick("post", "email", "pickup", "pigeon"), "delivered_on": p.day(today, -5, 1)}
	case "reopen":
		m := map[string]any{"reason": p.pick("复议决定责令重新答复", "")}
		if r.IntN(3) == 0 {
			m["due_on"] = p.day(today, -1, 40)
		}
		return m
	case "reassign":
		return map[string]any{"assignee": p.pick("clerk1", "clerk2", "both1", "nobody")}
	case "add_note":
		return map[string]any{"text": p.pick("已电话联系", "")}
	case "amend":
		m := map[string]any{"reason": p.pick("录入错误", "")}
		if r.IntN(2) == 0 {
			m["received_on"] = p.day(c.ReceivedOn, -3, 1)
		} else {
			m["applicant"] = map[string]any{"name": p.pick("张伟", ""), "phone": p.pick("13800138001", "123")}
		}
		return m
	case "record_remedy":
		res := p.pick("pending", "upheld", "corrected", "other")
		m := map[string]any{"kind": p.pick("reconsideration", "litigation_direct", "litigation_after_reconsideration"), "filed_on": p.day(today, -30, 1), "result": res}
		if res != "pending" || r.IntN(5) == 0 {
			m["decided_on"] = p.day(today, -3, 0)
		}
		return m
	}
	return map[string]any{}
}

// choose picks an event and an actor: mostly an event of the table for the case's state fired by
// an actor allowed to, sometimes anything at all (refusals must change nothing).
func (p *prop) choose(c *cases.Case) (string, cases.Actor) {
	if p.rng.IntN(10) < 7 {
		var evs []string // weighted: the side events less often, so that histories go deep
		for _, t := range workflow.Table {
			if slices.Contains(t.From, c.State) {
				w := 6
				switch t.Event {
				case "add_note", "record_remedy", "reassign", "withdraw", "discard":
					w = 1
				case "reopen":
					w = 2
				}
				for range w {
					evs = append(evs, string(t.Event))
				}
			}
		}
		if len(evs) > 0 {
			ev := evs[p.rng.IntN(len(evs))]
			var ok []cases.Actor
			for _, a := range p.actors {
				if slices.Contains(workflow.Allowed(c, a), cases.EventName(ev)) {
					ok = append(ok, a)
				}
			}
			if len(ok) > 0 {
				return ev, ok[p.rng.IntN(len(ok))]
			}
		}
	}
	ev := "bogus"
	if p.rng.IntN(20) > 0 {
		ev = string(workflow.Table[p.rng.IntN(len(workflow.Table))].Event)
	}
	return ev, p.actors[p.rng.IntN(len(p.actors))]
}

// check verifies the invariants of c after an event (ctx: what happened, for the failure message).
func (p *prop) check(c *cases.Case, ctx string) {
	t := p.t
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s: %s", ctx, fmt.Sprintf(format, args...))
	}
	if _, ok := cases.States.Find(string(c.State)); !ok {
		fail("unknown state %q", c.State)
	}
	if len(c.Events) == 0 || c.Events[len(c.Events)-1].ToState != c.State {
		fail("state %s is not the last event's to_state", c.State)
	}
	if b := workflow.VerifyChain(c, c.Events); b != nil {
		fail("chain broken: %+v", *b)
	}
	cal := p.db.Calendar()
	// Paused days are counted once: PausedDays is the sum of the ended pauses of the current
	// epoch, and no two pauses overlap.
	sum, open := 0, 0
	for i, a := range c.Clock.Pauses {
		if a.End.IsZero() {
			if a.Epoch == c.Clock.Epoch {
				open++
			}
			continue
		}
		if a.End.Before(a.Start) {
			fail("pause %d ends before it starts: %+v", i, a)
		}
		if a.Epoch == c.Clock.Epoch {
			sum += cal.WorkdaysBetween(a.Start, a.End)
		}
		for j, b := range c.Clock.Pauses[:i] {
			end := b.End
			if end.IsZero() {
				end = cases.MustDate("9999-12-31")
			}
			if a.Start.Before(a.End) && b.Start.Before(end) && a.Start.Before(end) && b.Start.Before(a.End) {
				fail("pauses %d and %d overlap: %+v %+v", j, i, b, a)
			}
		}
	}
	if c.PausedDays != sum {
		fail("paused_days %d, the current epoch's pauses hold %d", c.PausedDays, sum)
	}
	paused := c.State == cases.StateConsulting || c.State == cases.StateAwaitingFee
	if (paused && open != 1) || (!paused && open != 0) {
		fail("%d running pauses in state %s: %+v", open, c.State, c.Clock.Pauses)
	}
	// Exactly the concluded cases carry an outcome and a conclusion date.
	concluded := c.State == cases.StateReplied || c.State == cases.StateClosed || c.State == cases.StateArchived
	if concluded != (c.Outcome != "") || concluded != !c.ConcludedOn.IsZero() {
		fail("state %s with outcome %q concluded %s", c.State, c.Outcome, c.ConcludedOn)
	}
	// An open case's stored deadlines are those of the current calendar, and explained.
	if cases.IsOpen(c.State) {
		n := workflow.Clone(c)
		workflow.Recompute(n, cal)
		if deadlines(n) != deadlines(c) {
			fail("stored deadlines %+v, recomputed %+v", deadlines(c), deadlines(n))
		}
		if e := workflow.ExplainReply(c, cal); e.Due != c.ReplyDue {
			fail("explanation ends on %s, reply due %s", e.Due, c.ReplyDue)
		}
	}
}

func (p *prop) load(id int64) *cases.Case {
	p.t.Helper()
	c, err := p.db.Case(context.Background(), id)
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// A random history of events never breaks the invariants of the state machine and the store
// (docs/design.md "The state machine", docs/rules.md §4): 200 sequences of 40 events on SQLite, with the
// clock advancing and the calendar changing now and then.
func TestPropertyRandomHistories(t *testing.T) {
	seqs, steps := 200, 40
	if testing.Short() {
		seqs = 40
	}
	db := openEngine(t, SQLite, filepath.Join(t.TempDir(), "prop.db"), at("2026-01-05"))
	p := &prop{t: t, db: db, rng: rand.New(rand.NewPCG(20260105, 30)), stats: map[string][2]int{}}
	db.Now = func() time.Time { return p.now }
	ctx := context.Background()
	p.now = at("2026-01-05")
	g := newGX(t, db)
	admin := staff(t, db, "admin1", "admin")
	p.actors = []cases.Actor{g.clerk, g.clerk2, g.sup, g.both, admin, g.applicant, g.system}
	start := cases.MustDate("2025-11-03")
	calChanges := 0

	for s := range seqs {
		p.now = at(start.AddDays(p.rng.IntN(600)).String())
		var c *cases.Case
		var err error
		sample := sampleApplication()
		if p.rng.IntN(3) == 0 { // an organisation (set_category, docs/rules.md §1)
			sample.Applicant = cases.Applicant{Kind: cases.KindOrganization, Name: "某某研究院", IDType: cases.IDCredit, IDNumber: "91350100M000100Y43",
				OrgCategory: "business", Phone: "010-12345678", Email: "office@example.com"}
		}
		if p.rng.IntN(2) == 0 {
			c, _, err = db.CreateApplication(ctx, sample)
		} else {
			app := sampleApplication()
			if p.rng.IntN(4) == 0 { // an organisation: its table 三 category can be corrected
				app.Applicant = cases.Applicant{Kind: cases.KindOrganization, Name: "某律师事务所", IDType: cases.IDCredit, IDNumber: "91350100M000100Y43",
					OrgCategory: "business", ContactName: "王律师", Phone: "13800138000", Email: "law@example.cn"}
			}
			app.Channel = p.pick(cases.ChannelInPerson, cases.ChannelPostRegistered, cases.ChannelFax)
			app.ReceivedOn = p.today().AddDays(-p.rng.IntN(4))
			if app.Channel == cases.ChannelFax { // Art. 31: received the day it is registered
				app.ReceivedOn = p.today()
			}
			c, err = db.RegisterPaper(ctx, app, g.clerk)
		}
		if err != nil {
			t.Fatal(err)
		}
		c = p.load(c.ID)
		p.check(c, fmt.Sprintf("seq %d: created", s))
		for step := range steps {
			// The clock: mostly the same day or the next few, sometimes weeks (lapses, overdue).
			switch k := p.rng.IntN(20); {
			case k < 9:
			case k < 18:
				p.now = p.now.AddDate(0, 0, 1+p.rng.IntN(4))
			default:
				p.now = p.now.AddDate(0, 0, 10+p.rng.IntN(25))
			}
			if p.rng.IntN(300) == 0 { // the administrator corrects the calendar (docs/rules.md §3)
				calChanges++
				o := workflow.Override{Day: p.today().AddDays(p.rng.IntN(40) - 5), Work: p.rng.IntN(2) == 0, Note: "调整"}
				if _, err := db.SetCalendarDay(ctx, o, "admin1"); err != nil {
					t.Fatal(err)
				}
				n := p.load(c.ID)
				for _, e := range n.Events[len(c.Events):] {
					if e.Event != "deadline_recomputed" || e.ReplyDueBefore != c.ReplyDue || e.ReplyDueAfter != n.ReplyDue {
						t.Fatalf("seq %d step %d: calendar change appended %+v (due %s → %s)", s, step, e, c.ReplyDue, n.ReplyDue)
					}
				}
				if n.Version != c.Version+len(n.Events)-len(c.Events) {
					t.Fatalf("calendar change: version %d → %d with %d events", c.Version, n.Version, len(n.Events)-len(c.Events))
				}
				if n.ReplyDue != c.ReplyDue && !cases.IsOpen(c.State) {
					t.Fatalf("calendar change moved the deadline of a %s case", c.State)
				}
				p.check(n, fmt.Sprintf("seq %d step %d: calendar %s work=%v", s, step, o.Day, o.Work))
				c = n
			}
			event, actor := p.choose(c)
			body, _ := json.Marshal(p.payload(event, c))
			req := cases.EventRequest{Event: cases.EventName(event), Payload: body}
			if p.rng.IntN(10) == 0 {
				v := c.Version - p.rng.IntN(2)
				req.ExpectedVersion = &v
			}
			what := fmt.Sprintf("seq %d step %d on %s: %s by %s in %s %s", s, step, p.today(), event, actor.Name, c.State, body)
			_, err := db.TransitionCase(ctx, c.ID, req, actor, db.Now())
			st := p.stats[event]
			if err != nil {
				st[1]++
				p.stats[event] = st
				switch cases.ErrorCode(err) {
				case cases.EINVALID, cases.EFORBIDDEN, cases.ECONFLICT:
				default:
					t.Fatalf("%s: %v", what, err)
				}
				// Nothing changed: the case row, its events, documents and remedies as stored.
				if after := p.load(c.ID); !reflect.DeepEqual(after, c) {
					t.Fatalf("%s: refused (%v) but changed the case:\n%+v\n%+v", what, err, c, after)
				}
				continue
			}
			st[0]++
			p.stats[event] = st
			n := p.load(c.ID)
			p.check(n, what)
			added := 1
			if event == "record_answer" && n.State != c.State {
				// the last party's answer: foidesk records consultation_done itself (docs/rules.md §4)
				added = 2
				if last := n.Events[len(n.Events)-1]; last.Event != cases.EventConsultationDone || last.Actor != "system" {
					t.Fatalf("%s: the last answer was followed by %s by %s", what, last.Event, last.Actor)
				}
			}
			if n.Version != c.Version+added || len(n.Events) != len(c.Events)+added {
				t.Fatalf("%s: version %d → %d, events %d → %d", what, c.Version, n.Version, len(c.Events), len(n.Events))
			}
			ev := n.Events[len(c.Events)]
			if added == 2 {
				ev.ReplyDueAfter = n.Events[len(n.Events)-1].ReplyDueAfter // the pair moves the deadline
			}
			if ev.Event != cases.EventName(event) || ev.FromState != c.State || ev.ReplyDueBefore != c.ReplyDue || ev.ReplyDueAfter != n.ReplyDue {
				t.Fatalf("%s: event %s %s→%s due %s→%s; case due %s→%s", what, ev.Event, ev.FromState, ev.ToState,
					ev.ReplyDueBefore, ev.ReplyDueAfter, c.ReplyDue, n.ReplyDue)
			}
			if n.ReplyDue != c.ReplyDue && !slices.Contains(movers, event) {
				t.Fatalf("%s: moved the reply deadline %s → %s", what, c.ReplyDue, n.ReplyDue)
			}
			if slices.Contains(pausers, event) && n.ReplyDue != c.ReplyDue {
				t.Fatalf("%s: a pause's start moved the reply deadline %s → %s", what, c.ReplyDue, n.ReplyDue)
			}
			c = n
		}
	}
	n, broken, err := db.AuditVerify(ctx)
	if err != nil || len(broken) != 0 || n != seqs {
		t.Fatalf("audit verify: %d %v %v", n, broken, err)
	}
	// The generator must reach every event of the table, accepted at least once.
	var lines []string
	for _, e := range workflow.Events {
		st := p.stats[e.Code]
		lines = append(lines, fmt.Sprintf("%s %d/%d", e.Code, st[0], st[0]+st[1]))
		if st[0] == 0 && !testing.Short() {
			t.Errorf("%s never accepted", e.Code)
		}
	}
	t.Logf("accepted/fired: %s; calendar changes %d", strings.Join(lines, ", "), calChanges)
}
