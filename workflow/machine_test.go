package workflow

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

var (
	mClerk   = cases.Actor{Kind: cases.ActorStaff, Name: "clerk1", Roles: []string{cases.RoleClerk}, AgencyID: 1}
	mClerk2  = cases.Actor{Kind: cases.ActorStaff, Name: "clerk2", Roles: []string{cases.RoleClerk}, AgencyID: 1}
	mSup     = cases.Actor{Kind: cases.ActorStaff, Name: "sup1", Roles: []string{cases.RoleSupervisor}, AgencyID: 1}
	mBoth    = cases.Actor{Kind: cases.ActorStaff, Name: "both1", Roles: []string{cases.RoleClerk, cases.RoleSupervisor}, AgencyID: 1}
	mAdmin   = cases.Actor{Kind: cases.ActorStaff, Name: "admin1", Roles: []string{cases.RoleAdmin}, AgencyID: 1}
	mOther   = cases.Actor{Kind: cases.ActorStaff, Name: "sup9", Roles: []string{cases.RoleSupervisor}, AgencyID: 2}
	mApplic  = cases.Actor{Kind: cases.ActorApplicant, Name: "applicant"}
	mSystem  = cases.SystemActor
	mCal     = NewCalendar(nil)
	mDefault = cases.DefaultSettings()
)

// env is the environment of a pure Apply on day.
func env(day string) Env {
	d := ymd(day)
	return Env{Now: time.Date(d.Year(), d.Month(), d.Day(), 1, 0, 0, 0, time.UTC), Today: d, Cal: mCal, Settings: mDefault, FileComplete: true}
}

// caseIn returns a case of agency 1 received on day, in state, with its deadlines computed.
func caseIn(state cases.State, day string) *cases.Case {
	c := receivedCase(day)
	c.ID, c.AgencyID, c.State, c.Version, c.Handling = 7, 1, state, 3, 1
	Recompute(c, mCal)
	return c
}

func req(event cases.EventName, payload any) Request {
	b, _ := json.Marshal(payload)
	return Request{Event: event, Payload: b}
}

// docs/design.md: the machine checks, in this order, unknown event 422 → role or relation 403 → state
// or history 409 → payload 422.
func TestApplyCheckOrder(t *testing.T) {
	bad := map[string]any{"days": 99, "reason": ""}
	for _, tc := range []struct {
		name  string
		state cases.State
		actor cases.Actor
		req   Request
		want  string
	}{
		{"unknown event", cases.StateRegistered, mSup, req("approve_all", nil), cases.EINVALID},
		{"unknown event before role", cases.StateRegistered, mApplic, req("frobnicate", nil), cases.EINVALID},
		{"clerk approves in registered: role before state", cases.StateRegistered, mClerk, req("approve", nil), cases.EFORBIDDEN},
		{"supervisor approves in registered: state", cases.StateRegistered, mSup, req("approve", nil), cases.ECONFLICT},
		{"clerk extends with a bad payload where extend is impossible", cases.StateSubmitted, mClerk, req("extend", bad), cases.EFORBIDDEN},
		{"supervisor extends with a bad payload where extend is impossible", cases.StateReplied, mSup, req("extend", bad), cases.ECONFLICT},
		{"supervisor extends with a bad payload: payload last", cases.StateInProgress, mSup, req("extend", bad), cases.EINVALID},
		{"malformed JSON is a payload error", cases.StateInProgress, mSup, Request{Event: "extend", Payload: json.RawMessage(`{"days":`)}, cases.EINVALID},
		{"unknown payload field is accepted or refused, never a crash", cases.StateInProgress, mSup, req("add_note", map[string]any{"text": "x"}), ""},
		{"another agency's supervisor", cases.StateInProgress, mOther, req("extend", map[string]any{"days": 5, "reason": "复杂"}), cases.EFORBIDDEN},
		{"applicant may not register", cases.StateSubmitted, mApplic, req("register", nil), cases.EFORBIDDEN},
		{"clerk withdraws a submitted application (applicant only)", cases.StateSubmitted, mClerk, req("withdraw", nil), cases.EFORBIDDEN},
		{"clerk withdraws a replied case: state", cases.StateReplied, mClerk, req("withdraw", nil), cases.ECONFLICT},
		{"admin may only add notes", cases.StateInProgress, mAdmin, req("draft_reply", nil), cases.EFORBIDDEN},
		{"admin adds a note", cases.StateArchived, mAdmin, req("add_note", map[string]any{"text": "已核对"}), ""},
		{"system may not approve", cases.StatePendingApproval, mSystem, req("approve", nil), cases.EFORBIDDEN},
		{"clerk lapses a correction (system only)", cases.StateAwaitingCorrection, mClerk, req("correction_lapsed", nil), cases.EFORBIDDEN},
		{"clerk records a recomputation (system only): a known event, role", cases.StateInProgress, mClerk, req("deadline_recomputed", nil), cases.EFORBIDDEN},
		{"supervisor records an import (the ledger import only)", cases.StateRegistered, mSup, req("imported", nil), cases.EFORBIDDEN},
		{"clerk records a document (system only)", cases.StateInProgress, mClerk, req("document_issued", nil), cases.EFORBIDDEN},
		{"empty note", cases.StateInProgress, mClerk, req("add_note", map[string]any{"text": " "}), cases.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caseIn(tc.state, "2026-03-02")
			if tc.state == cases.StatePendingApproval {
				c.Draft = &cases.Draft{Outcome: cases.OutcomeDisclose, Reasons: "予以公开", DraftedBy: "clerk1"}
			}
			_, err := Apply(c, tc.req, tc.actor, env("2026-03-03"))
			if got := cases.ErrorCode(err); got != tc.want {
				t.Fatalf("got %q (%v), want %q", got, err, tc.want)
			}
		})
	}
}

// Apply never changes the case it is given, whether it accepts or refuses the event.
func TestApplyDoesNotModifyCase(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02")
	c.Clock.Pauses = []cases.Pause{{Kind: "fee", Start: ymd("2026-03-03"), End: ymd("2026-03-05"), Epoch: 0}}
	Recompute(c, mCal)
	keep := Clone(c)
	for _, r := range []Request{
		req("consult", map[string]any{"parties": []map[string]any{{"kind": "third_party", "name": "某公司"}}}),
		req("extend", map[string]any{"days": 10, "reason": "需要调取档案"}),
		req("extend", map[string]any{"days": 21, "reason": "x"}),
		req("draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "予以公开"}),
	} {
		for _, a := range []cases.Actor{mClerk, mSup} {
			_, _ = Apply(c, r, a, env("2026-03-04"))
			if !reflect.DeepEqual(c, keep) {
				t.Fatalf("%s by %s changed the case", r.Event, a.Name)
			}
		}
	}
}

// A state-preserving event is a success (looplab/fsm answers NoTransitionError), with version+1.
func TestApplyStayEvent(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02")
	res, err := Apply(c, req("extend", map[string]any{"days": 5, "reason": "需要调取档案"}), mSup, env("2026-03-03"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Case.State != cases.StateInProgress || res.Case.Version != c.Version+1 || res.Event.FromState != res.Event.ToState {
		t.Fatalf("state %s version %d event %s→%s", res.Case.State, res.Case.Version, res.Event.FromState, res.Event.ToState)
	}
	// Art. 33: received 2026-03-02, due 20 working days later (2026-03-30), extended by 5 → 2026-04-07
	// (4/4–4/6 Qingming).
	if res.Event.ReplyDueBefore.String() != "2026-03-30" || res.Event.ReplyDueAfter.String() != "2026-04-07" {
		t.Fatalf("reply due %s → %s", res.Event.ReplyDueBefore, res.Event.ReplyDueAfter)
	}
}

// expected_version: a caller that saw another version loses (409).
func TestApplyExpectedVersion(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02")
	stale, cur := c.Version-1, c.Version
	r := req("add_note", map[string]any{"text": "备注"})
	r.ExpectedVersion = &stale
	if _, err := Apply(c, r, mClerk, env("2026-03-03")); cases.ErrorCode(err) != cases.ECONFLICT {
		t.Fatalf("stale version: %v", err)
	}
	r.ExpectedVersion = &cur
	if _, err := Apply(c, r, mClerk, env("2026-03-03")); err != nil {
		t.Fatalf("current version: %v", err)
	}
}

// Allowed offers what the actor's roles may fire in the state, never approve to the drafter.
func TestAllowed(t *testing.T) {
	c := caseIn(cases.StatePendingApproval, "2026-03-02")
	c.Draft = &cases.Draft{Outcome: cases.OutcomeDisclose, Reasons: "予以公开", DraftedBy: "both1"}
	if got := Allowed(c, mBoth); slices.Contains(got, "approve") || !slices.Contains(got, "return") {
		t.Fatalf("drafter with the supervisor role is offered %v", got)
	}
	if got := Allowed(c, mSup); !slices.Contains(got, "approve") {
		t.Fatalf("supervisor is offered %v", got)
	}
	if got := Allowed(c, mApplic); !slices.Equal(got, []cases.EventName{"withdraw"}) {
		t.Fatalf("applicant is offered %v", got)
	}
	c.State = cases.StateArchived
	if got := Allowed(c, mBoth); !slices.Equal(got, []cases.EventName{"reopen", "add_note", "record_remedy"}) {
		t.Fatalf("on an archived case: %v", got)
	}
	// Every event Allowed offers passes the role and state checks of Apply.
	for _, s := range cases.States {
		for _, a := range []cases.Actor{mClerk, mSup, mBoth, mAdmin, mApplic, mSystem} {
			c := caseIn(cases.State(s.Code), "2026-03-02")
			for _, ev := range Allowed(c, a) {
				_, err := Apply(c, Request{Event: ev, Payload: json.RawMessage(`{"__nothing__":1}`)}, a, env("2026-03-03"))
				if code := cases.ErrorCode(err); code == cases.EFORBIDDEN || code == cases.EINTERNAL {
					t.Errorf("%s offered %s in %s but Apply says %v", a.Name, ev, s.Code, err)
				}
			}
		}
	}
}

// Art. 33: while a consultation or a fee notice pauses the clock, the deadline cannot pass, so the
// supervisor may still extend even when the day is after the reply deadline stored before the
// pause (the pause's days are added when it ends).
func TestApplyArt33ExtendDuringPause(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02") // due 2026-03-30
	res, err := Apply(c, req("consult", map[string]any{"parties": []map[string]any{{"kind": "agency", "name": "区财政局"}}}), mClerk, env("2026-03-27"))
	if err != nil {
		t.Fatal(err)
	}
	c = res.Case
	if res, err = Apply(c, req("extend", map[string]any{"days": 10, "reason": "征求意见期间需延期"}), mSup, env("2026-04-08")); err != nil {
		t.Fatalf("extend during the consultation, after the stored deadline: %v", err)
	}
	if res.Case.ReplyDue.String() != "2026-04-14" { // 2026-03-30 + 10 working days (4/4–4/6 off)
		t.Fatalf("reply due %s", res.Case.ReplyDue)
	}
	// The consultation ends on 2026-04-10: (3/27, 4/10] holds 9 working days; the due date moves by them.
	res, err = Apply(res.Case, req("consultation_done", map[string]any{"answers": []map[string]any{{"name": "区财政局", "answer": "agree"}}}), mClerk, env("2026-04-10"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Case.PausedDays != 9 || res.Case.ReplyDue.String() != "2026-04-27" {
		t.Fatalf("paused %d due %s", res.Case.PausedDays, res.Case.ReplyDue)
	}
}

// A concluded case keeps the deadline in force when it was concluded: the calendar recomputation
// touches open cases only (docs/rules.md §3), so a note on a closed case must not move its deadline,
// and the event records the stored deadline before and after.
func TestApplyConcludedCaseKeepsDeadline(t *testing.T) {
	c := caseIn(cases.StateReplied, "2026-03-02") // due 2026-03-30
	c.Outcome, c.ConcludedOn = cases.OutcomeDisclose, ymd("2026-03-20")
	cal := NewCalendar([]Override{{Day: ymd("2026-03-10"), Work: false, Note: "临时调整"}})
	e := env("2026-04-01")
	e.Cal = cal
	for _, r := range []Request{
		req("add_note", map[string]any{"text": "备注"}),
		req("record_delivery", map[string]any{"way": "email", "delivered_on": "2026-03-20"}),
	} {
		res, err := Apply(c, r, mClerk, e)
		if err != nil {
			t.Fatal(err)
		}
		if res.Case.ReplyDue != c.ReplyDue || res.Event.ReplyDueBefore != c.ReplyDue || res.Event.ReplyDueAfter != c.ReplyDue {
			t.Fatalf("%s moved the deadline of a replied case: %s → %s (stored %s)", r.Event, res.Event.ReplyDueBefore, res.Event.ReplyDueAfter, c.ReplyDue)
		}
	}
}

// TestApplyReusesMachines: machines go back to a pool after each Apply; an Apply's answer does not
// depend on what the machine it got did before — every event in every state by every actor gives
// the same answer in two different orders, refusals and transitions interleaved.
func TestApplyReusesMachines(t *testing.T) {
	type combo struct {
		state cases.State
		event cases.EventName
		actor cases.Actor
	}
	var all []combo
	for _, st := range []cases.State{cases.StateSubmitted, cases.StateRegistered, cases.StateInProgress, cases.StateAwaitingCorrection, cases.StatePendingApproval, cases.StateReplied} {
		for _, ev := range []cases.EventName{cases.EventRegister, cases.EventAccept, cases.EventAddNote, cases.EventReturn, cases.EventApprove, cases.EventWithdraw, cases.EventArchive} {
			for _, a := range []cases.Actor{mClerk, mSup, mApplic} {
				all = append(all, combo{st, ev, a})
			}
		}
	}
	answer := func(k combo) string {
		c := caseIn(k.state, "2026-03-02")
		c.Assignee = "clerk1"
		var p any
		if k.event == cases.EventAddNote {
			p = map[string]any{"text": "备注"}
		}
		res, err := Apply(c, req(k.event, p), k.actor, env("2026-03-04"))
		if err != nil {
			return "error " + cases.ErrorCode(err)
		}
		return string(res.Case.State) + " " + string(res.Event.FromState) + "→" + string(res.Event.ToState)
	}
	first := make([]string, len(all))
	for i, k := range all {
		first[i] = answer(k)
	}
	moved := 0
	for i := len(all) - 1; i >= 0; i-- {
		k := all[i]
		if got := answer(k); got != first[i] {
			t.Errorf("%s %s by %s: %q, before %q", k.state, k.event, k.actor.Name, got, first[i])
		}
		if !strings.HasPrefix(first[i], "error") && !strings.HasPrefix(first[i], string(k.state)+" ") {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no event changed a state: the test proves nothing")
	}
}
