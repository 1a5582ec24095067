package workflow

import (
	"fmt"
	"strings"

	cases "foidesk/case"
)

// Consultation of a third party (Art. 32) or another agency (Art. 34): 15 working days, not
// counted in the reply period (Art. 33).
var consultSpecs = []Spec{
	{
		Name: cases.EventConsult, ZH: "征求意见", EN: "Consult",
		Rows:    []Row{{From: []cases.State{cases.StateInProgress}, To: cases.StateConsulting, Roles: clerk}},
		Run:     on(consultGuard, consultCheck, consultEffect),
		Letters: []string{cases.DocConsultationLetter, cases.DocConsultationNotice},
		Public: &Public{Label: Text{"征求意见", "Consultation started"}, Detail: func(cases.Event, Payload) Text {
			return Text{"征求意见所需时间不计入答复期限", "the time of the consultation is not counted in the reply period"}
		}},
		Notice: cases.NoticeConsultation,
		Rank:   50,
	},
	{
		Name: cases.EventRecordAnswer, ZH: "登记意见", EN: "Record an answer",
		Rows: []Row{{From: []cases.State{cases.StateConsulting}, To: Stay, Roles: clerk}},
		Run:  on(nil, recordAnswerCheck, recordAnswerEffect),
		Rank: 55,
	},
	{
		Name: cases.EventConsultationDone, ZH: "征求意见结束", EN: "Consultation done",
		Rows:   []Row{{From: []cases.State{cases.StateConsulting}, To: cases.StateInProgress, Roles: []string{cases.RoleClerk, roleSystem}}},
		Run:    on(nil, consultationDoneCheck, consultationDoneEffect),
		Public: &Public{Label: Text{"征求意见结束", "Consultation ended"}, Detail: replyDue},
		Rank:   60,
	},
}

// replyDue is the timeline detail of an event that moves the reply deadline.
func replyDue(e cases.Event, _ Payload) Text {
	return textf("答复期限至%s", "reply due by %s", e.ReplyDueAfter.String())
}

// CurrentDeadline is the reply deadline as it stands on day today: the stored deadline plus, while
// a pause lasts, the working days of (pause start, today] that the pause has already added.
func CurrentDeadline(c *cases.Case, cal *Calendar, today cases.Date) cases.Date {
	due := c.ReplyDue
	for _, p := range c.Clock.Pauses {
		if p.End.IsZero() && p.Epoch == c.Clock.Epoch && !due.IsZero() {
			due = cal.AddWorkdays(due, cal.WorkdaysBetween(p.Start, today))
		}
	}
	return due
}

// onOrBeforeDeadline: a pause, an extension or an Art. 35 period can begin only on or before the
// current reply deadline (§4): an overdue case cannot be rescued.
func (x *exec) onOrBeforeDeadline(what, whatEN string) error {
	due := CurrentDeadline(x.c, x.env.Cal, x.env.Today)
	if x.env.Today.After(due) {
		return cases.E(cases.ECONFLICT, fmt.Sprintf("答复期限已于%s届满，不能再%s。", due, what), fmt.Sprintf("the reply deadline passed on %s; %s is no longer possible", due, whatEN))
	}
	return nil
}

// ConsultPayload is the payload of consult: the parties consulted (Art. 32, 34).
type ConsultPayload struct {
	Parties []cases.Party `json:"parties" form:"-"` // repeated rows: the page builds them
}

func consultGuard(x *exec) error { return x.onOrBeforeDeadline("征求意见", "a consultation") }

func consultCheck(x *exec, p *ConsultPayload) error {
	if len(p.Parties) == 0 {
		return invalid("parties", "请至少填写一个被征求意见方。", "Name at least one party to consult.")
	}
	for i := range p.Parties {
		pt := &p.Parties[i]
		pt.Name = strings.TrimSpace(pt.Name)
		pt.Answer, pt.Text = "", ""
		if !cases.ConsultPartyKinds.Has(pt.Kind) {
			return invalid("parties", "被征求意见方的类型应为第三方或其他机关。", "A party's kind must be third_party or agency.")
		}
		if pt.Name == "" {
			return invalid("parties", "请填写被征求意见方的名称。", "Give each party's name.")
		}
	}
	return nil
}

// consultEffect: Art. 32 (third party), Art. 34 (other agency) — 15 working days; time not counted (Art. 33).
func consultEffect(x *exec, p *ConsultPayload) {
	c := x.c
	c.Parties = p.Parties
	c.Clock.ConsultOn = x.env.Today
	c.Clock.Pauses = append(c.Clock.Pauses, cases.Pause{Kind: "consultation", Start: x.env.Today, Epoch: c.Clock.Epoch})
	Recompute(c, x.env.Cal)
	x.payload["parties"], x.payload["consultation_due"] = p.Parties, c.ConsultationDue
	for i := range p.Parties {
		pt := p.Parties[i]
		x.letter(cases.LetterRequest{Kind: cases.DocConsultationLetter, Party: &pt, Due: c.ConsultationDue})
	}
	x.letter(cases.LetterRequest{Kind: cases.DocConsultationNotice, Due: c.ConsultationDue})
}

// endPause closes the open pause of kind on day end.
func endPause(c *cases.Case, kind string, end cases.Date) {
	for i := len(c.Clock.Pauses) - 1; i >= 0; i-- {
		p := &c.Clock.Pauses[i]
		if p.Kind == kind && p.End.IsZero() {
			if end.Before(p.Start) {
				end = p.Start
			}
			p.End = end
			return
		}
	}
}

// RecordAnswerPayload is the payload of record_answer: one consulted party's answer, recorded
// when it arrives (docs/rules.md §4 "Several consulted parties").
type RecordAnswerPayload struct {
	Name   string `json:"name" form:"text"`
	Answer string `json:"answer" form:"text"`
	Text   string `json:"text,omitempty" form:"opt"`

	index int // the party's place in the case's parties
}

func recordAnswerCheck(x *exec, p *RecordAnswerPayload) error {
	p.Name = strings.TrimSpace(p.Name)
	p.index = -1
	for i, pt := range x.c.Parties {
		if pt.Name == p.Name {
			p.index = i
		}
	}
	if p.index < 0 {
		return invalid("name", "请填写征求意见时所列的被征求意见方名称。", "Give the name of a consulted party exactly as in the consultation.")
	}
	if x.c.Parties[p.index].Answer != "" {
		return conflict("“%s”的意见已经登记，不能再次登记。", "the answer of %s is already recorded", p.Name)
	}
	if p.Answer != "agree" && p.Answer != "object" {
		return invalid("answer", "意见应为同意（agree）或不同意（object）。", "The answer must be agree or object.")
	}
	return nil
}

// recordAnswerEffect records the answer; when it is the last party's, the store records
// consultation_done as the system (ConsultationAnswered).
func recordAnswerEffect(x *exec, p *RecordAnswerPayload) {
	pt := &x.c.Parties[p.index]
	pt.Answer, pt.Text = p.Answer, strings.TrimSpace(p.Text)
	x.payload["name"], x.payload["answer"] = pt.Name, pt.Answer
	if pt.Text != "" {
		x.payload["text"] = pt.Text
	}
}

// ConsultationAnswered reports whether every consulted party of a consulting case has answered:
// the consultation then ends (the store records consultation_done as the system).
func ConsultationAnswered(c *cases.Case) bool {
	if c.State != cases.StateConsulting || len(c.Parties) == 0 {
		return false
	}
	for _, pt := range c.Parties {
		if pt.Answer == "" {
			return false
		}
	}
	return true
}

// ConsultationDonePayload is the payload of consultation_done: each party's answer.
type ConsultationDonePayload struct {
	Answers []cases.Party `json:"answers" form:"-"` // one row per consulted party: the page builds them

	parties []cases.Party // the case's parties with their answers
	end     cases.Date    // the day the pause ends
}

// consultationDoneCheck: the scheduler ends a consultation only after its period, recording
// silence, or when every party has answered; the clerk records the answers of the parties not yet
// answered, silence only after the period; answers recorded before are kept (Art. 32, 34;
// docs/rules.md §4 "Several consulted parties").
func consultationDoneCheck(x *exec, p *ConsultationDonePayload) error {
	c := x.c
	if x.actor.Kind == cases.ActorSystem {
		// The system ends a consultation when the last party has answered, or after its period,
		// recording silence for the parties still silent — never over an answer recorded before.
		if !ConsultationAnswered(c) && !x.env.Today.After(c.ConsultationDue) {
			return conflict("征求意见期限尚未届满（%s）。", "the consultation period has not ended (%s)", c.ConsultationDue.String())
		}
		p.Answers = nil
		for _, pt := range c.Parties {
			if pt.Answer == "" {
				pt.Answer = "silence"
			}
			p.Answers = append(p.Answers, pt)
		}
	}
	byName := map[string]cases.Party{}
	for _, a := range p.Answers {
		if !cases.ConsultAnswers.Has(a.Answer) {
			return invalid("answers", "意见应为同意、不同意或逾期未答复。", "An answer must be agree, object or silence.")
		}
		byName[strings.TrimSpace(a.Name)] = a
	}
	p.parties = append([]cases.Party(nil), c.Parties...)
	for i := range p.parties {
		if p.parties[i].Answer != "" { // recorded before (record_answer): kept
			continue
		}
		a, ok := byName[p.parties[i].Name]
		if !ok {
			if x.env.Today.After(c.ConsultationDue) {
				a = cases.Party{Answer: "silence"}
			} else {
				return invalid("answers", "请登记“"+p.parties[i].Name+"”的意见。", "Record the answer of "+p.parties[i].Name+".")
			}
		}
		if a.Answer == "silence" && !x.env.Today.After(c.ConsultationDue) {
			return invalid("answers", "征求意见期限届满前不能登记为逾期未答复。", "A party cannot be silent before the consultation period ends.")
		}
		p.parties[i].Answer, p.parties[i].Text = a.Answer, a.Text
	}
	// docs/rules.md §4: the pause ends on the day of the event that ends it, but never after
	// the due date — a consultation pause never exceeds its 15 working days (Art. 32, 33).
	p.end = x.env.Today
	if p.end.After(c.ConsultationDue) {
		p.end = c.ConsultationDue
	}
	return nil
}

// consultationDoneEffect records the answers and ends the pause (Art. 32: the agency decides;
// Art. 34: silence is deemed consent).
func consultationDoneEffect(x *exec, p *ConsultationDonePayload) {
	x.c.Parties = p.parties
	endPause(x.c, "consultation", p.end)
	x.payload["answers"], x.payload["pause_end"] = x.c.Parties, p.end
}
