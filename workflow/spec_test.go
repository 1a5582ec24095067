package workflow

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	cases "foidesk/case"
)

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// Every event is described once and completely: labels zh and en, rows with known states and
// roles and rules over a payload struct (a table event) or none of them (a system event), a
// payload whose fields all name their JSON key and form kind, known letter kinds, a public view
// with both languages, and a place on the staff case page exactly when staff may fire it.
func TestSpecs(t *testing.T) {
	kinds := []string{FormText, FormOpt, FormDate, FormInt, FormLines, FormIDs, FormNone}
	ranks := map[int]cases.EventName{}
	for _, s := range Specs() {
		t.Run(string(s.Name), func(t *testing.T) {
			if s.Name == "" || s.ZH == "" || s.EN == "" || !hasHan(s.ZH) || hasHan(s.EN) {
				t.Errorf("labels %q / %q", s.ZH, s.EN)
			}
			if got, ok := Lookup(s.Name); !ok || got != s {
				t.Errorf("Lookup(%s) = %v, %v", s.Name, got, ok)
			}
			if s.System {
				if len(s.Rows) > 0 || s.Run.before != nil || s.Rank != 0 {
					t.Errorf("a system event has rows, rules or a rank")
				}
			} else {
				if len(s.Rows) == 0 || s.Run.before == nil || s.Run.after == nil {
					t.Fatalf("a table event without rows or rules")
				}
				if s.Payload() == nil || s.Payload().Kind() != reflect.Struct {
					t.Fatalf("payload type %v is not a struct", s.Payload())
				}
			}
			for _, r := range s.Rows {
				if len(r.From) == 0 || len(r.Roles) == 0 {
					t.Errorf("row %v: no source state or no role", r)
				}
				for _, st := range append(slices.Clone(r.From), r.To) {
					if st != Stay && !cases.States.Has(string(st)) {
						t.Errorf("unknown state %q", st)
					}
				}
				for _, role := range r.Roles {
					if !slices.Contains(knownRoles(), role) {
						t.Errorf("unknown role %q", role)
					}
				}
			}
			for _, f := range PayloadFields(s.Payload()) {
				if f.JSON == "" || !slices.Contains(kinds, f.Form) {
					t.Errorf("payload field %s: form kind %q (want one of %v)", f.JSON, f.Form, kinds)
				}
			}
			for _, l := range s.Letters {
				if !cases.DocKinds.Has(l) {
					t.Errorf("unknown letter kind %q", l)
				}
			}
			if p := s.Public; p != nil {
				if p.Label.ZH == "" || p.Label.EN == "" || hasHan(p.Label.EN) {
					t.Errorf("public label %+v", p.Label)
				}
				if p.Detail != nil {
					e := cases.Event{Event: s.Name, Actor: "applicant", At: time.Now(), ReplyDueBefore: cases.MustDate("2026-03-02"), ReplyDueAfter: cases.MustDate("2026-03-30")}
					d := p.Detail(e, Payload{"reason": "reason", "received_on": "2026-03-02", "amount": 10.0, "days": 5.0, "outcome": cases.OutcomeDisclose, "way": "email"})
					if d.ZH == "" || d.EN == "" || hasHan(d.EN) || strings.Contains(d.ZH+d.EN, "%!") {
						t.Errorf("public detail %+v", d)
					}
				}
			}
			if s.Applicant() && s.Public == nil {
				t.Error("the applicant's own event is not on their timeline")
			}
			for _, f := range s.SignedDates {
				if !strings.HasSuffix(f, "_on") {
					t.Errorf("signed date field %q is not a date", f)
				}
			}
			if s.staff() != (s.Rank > 0) {
				t.Errorf("rank %d: a staff action needs a place on the case page, nothing else has one", s.Rank)
			}
			if other, dup := ranks[s.Rank]; dup && s.Rank > 0 {
				t.Errorf("rank %d shared with %s", s.Rank, other)
			}
			ranks[s.Rank] = s.Name
		})
	}
}

// The machine is built from the specs: every row is an event of looplab/fsm, the rules run in
// its callbacks (a guard's refusal comes back as the guard's own error), and a
// state-preserving event succeeds through looplab's NoTransitionError.
func TestMachineFromSpecs(t *testing.T) {
	for _, tr := range Table {
		for _, from := range tr.From {
			m := Machine(from)
			if !m.Can(string(tr.Event)) {
				t.Errorf("machine in %s cannot %s", from, tr.Event)
			}
		}
	}
	c := caseIn(cases.StateInProgress, "2026-03-02")
	c.Clock.Extensions = 1 // extend's guard: once (Art. 33)
	_, err := Apply(c, req("extend", map[string]any{"days": 5, "reason": "复杂"}), mSup, env("2026-03-03"))
	if ce, ok := err.(*cases.Error); !ok || ce.Code != cases.ECONFLICT || !strings.Contains(ce.Message, "第三十三条") {
		t.Fatalf("extend twice: %#v", err)
	}
	res, err := Apply(caseIn(cases.StateInProgress, "2026-03-02"), req("add_note", map[string]any{"text": "备注"}), mClerk, env("2026-03-03"))
	if err != nil || res.Case.State != cases.StateInProgress || string(res.Event.Payload) != `{"text":"备注"}` {
		t.Fatalf("stay event: %v %+v", err, res)
	}
	res, err = Apply(caseIn(cases.StateInProgress, "2026-03-02"), req("consult", map[string]any{"parties": []map[string]string{{"kind": "agency", "name": "区财政局"}}}), mClerk, env("2026-03-03"))
	if err != nil || res.Case.State != cases.StateConsulting || res.Event.ToState != cases.StateConsulting || len(res.Letters) != 2 {
		t.Fatalf("consult: %v %+v", err, res)
	}
}

// draft_reply's payload takes every field of the draft it makes (a field added to cases.Draft
// must be added to DraftReplyPayload, or the API would refuse it as unknown).
func TestDraftReplyPayloadCoversDraft(t *testing.T) {
	have := map[string]bool{}
	for _, f := range PayloadFields(reflect.TypeFor[DraftReplyPayload]()) {
		have[f.JSON] = true
	}
	// derived from duplicate_of (the earlier case's letter), never given by the client
	derived := map[string]bool{"duplicate_letter_no": true, "duplicate_on": true}
	for _, f := range PayloadFields(reflect.TypeFor[cases.Draft]()) {
		if !have[f.JSON] && !derived[f.JSON] {
			t.Errorf("cases.Draft's %s is not a field of DraftReplyPayload", f.JSON)
		}
	}
}

// record_remedy's payload takes every field of the remedy record it makes.
func TestRecordRemedyPayloadCoversRemedy(t *testing.T) {
	have := map[string]bool{}
	for _, f := range PayloadFields(reflect.TypeFor[RecordRemedyPayload]()) {
		have[f.JSON] = true
	}
	for _, f := range PayloadFields(reflect.TypeFor[cases.Remedy]()) {
		if !have[f.JSON] {
			t.Errorf("cases.Remedy's %s is not a field of RecordRemedyPayload", f.JSON)
		}
	}
}

// What the pages derive from the specs: the staff form fields, the staff actions in page order,
// the applicant's own events, the notices and the sign-off dates.
func TestDerivedFromSpecs(t *testing.T) {
	f, ok := FormFields(cases.EventDraftReply)
	want := []FormField{{"outcome", FormText}, {"reasons", FormText}, {"legal_basis", FormOpt}, {"responsible_agency", FormOpt}, {"where_public", FormOpt}, {"documents", FormIDs}, {"duplicate_of", FormOpt}}
	if !ok || !slices.Equal(f, want) {
		t.Errorf("draft_reply form: %v", f)
	}
	for _, e := range []cases.EventName{cases.EventCorrectionLapsed, cases.EventSubmit, "bogus"} {
		if _, ok := FormFields(e); ok {
			t.Errorf("%s has a staff form", e)
		}
	}
	acts := StaffActions()
	if len(acts) != 27 || !slices.Contains(acts, cases.EventRecordAnswer) || !slices.Contains(acts, cases.EventAskReasons) || acts[0] != cases.EventRegister || !slices.Contains(acts, cases.EventRecordRemedy) || slices.Contains(acts, cases.EventFeeLapsed) {
		t.Errorf("staff actions %v", acts)
	}
	if got := ApplicantEvents(); !slices.Equal(got, []cases.EventName{cases.EventWithdraw, cases.EventSubmitCorrection}) {
		t.Errorf("applicant events %v", got)
	}
	if Notice(cases.EventApprove) != cases.NoticeReply || Notice(cases.EventAddNote) != "" || len(NoticeEvents()) != 10 {
		t.Errorf("notices: %v", NoticeEvents())
	}
	var sms []cases.EventName
	for _, s := range Specs() {
		if s.SMS != "" {
			sms = append(sms, s.Name)
			if !slices.Contains(cases.SMSKinds, s.SMS) {
				t.Errorf("%s: unknown SMS kind %q", s.Name, s.SMS)
			}
		}
	}
	if !slices.Equal(sms, []cases.EventName{cases.EventRequestCorrection, cases.EventRequestFee, cases.EventExtend, cases.EventApprove}) {
		t.Errorf("SMS events %v", sms)
	}
	if got := SchedulerEvents(); !reflect.DeepEqual(got, map[cases.State]cases.EventName{cases.StateConsulting: cases.EventConsultationDone,
		cases.StateAwaitingCorrection: cases.EventCorrectionLapsed, cases.StateAwaitingFee: cases.EventFeeLapsed}) {
		t.Errorf("scheduler events %v", got)
	}
	if got := BulkEvents(); !slices.Equal(got, []cases.EventName{cases.EventRecordDelivery, cases.EventArchive, cases.EventReassign}) {
		t.Errorf("bulk events %v", got)
	}
	if !slices.Equal(SignedDates(cases.EventRecordDelivery), []string{"delivered_on"}) || SignedDates(cases.EventAddNote) != nil {
		t.Error("signed dates")
	}
	if PublicEvent(cases.EventAddNote) != nil || PublicEvent(cases.EventImported) != nil || PublicEvent(cases.EventApprove) == nil {
		t.Error("public events")
	}
}
