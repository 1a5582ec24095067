package workflow

import (
	"strings"

	cases "foidesk/case"
)

// Receipt of an application (Art. 30, 31): registration, discarding, withdrawal, correction and
// acceptance.
var receiptSpecs = []Spec{
	{
		Name: cases.EventRegister, ZH: "登记", EN: "Register",
		Rows:    []Row{{From: []cases.State{cases.StateSubmitted}, To: cases.StateRegistered, Roles: clerk}},
		Run:     on(nil, nil, registerEffect),
		Letters: []string{cases.DocReceipt},
		Public: &Public{Label: Text{"登记受理", "Registered"}, Detail: func(e cases.Event, p Payload) Text {
			return textf("收到申请日期为%s，答复期限至%s", "received on %s; reply due by %s", p.Str("received_on"), e.ReplyDueAfter.String())
		}},
		Notice:      cases.NoticeReceipt,
		SignedDates: []string{"received_on"},
		Rank:        10,
	},
	{
		Name: cases.EventDiscard, ZH: "作废", EN: "Discard",
		Rows:   []Row{{From: []cases.State{cases.StateSubmitted}, To: cases.StateDiscarded, Roles: clerk}},
		Run:    on(nil, discardCheck, discardEffect),
		Public: &Public{Label: Text{"未予登记", "Not registered"}},
		Rank:   180,
	},
	{
		Name: cases.EventWithdraw, ZH: "撤回申请", EN: "Withdraw",
		Rows: []Row{
			{From: []cases.State{cases.StateSubmitted}, To: cases.StateDiscarded, Roles: []string{roleApplicant}},
			{From: cases.OpenStates, To: cases.StateClosed, Roles: []string{roleApplicant, cases.RoleClerk}},
		},
		Run: on(nil, nil, withdrawEffect),
		Public: &Public{Label: Text{"撤回申请", "Withdrawn"}, Detail: func(e cases.Event, p Payload) Text {
			if e.Actor == "applicant" && p.Str("reason") != "" {
				return textf("理由：%s", "reason: %s", p.Str("reason"))
			}
			return Text{}
		}},
		Rank: 190,
	},
	{
		Name: cases.EventRequestCorrection, ZH: "告知补正", EN: "Request correction",
		Rows:    []Row{{From: []cases.State{cases.StateRegistered, cases.StateInProgress}, To: cases.StateAwaitingCorrection, Roles: clerk}},
		Run:     on(requestCorrectionGuard, requestCorrectionCheck, requestCorrectionEffect),
		Letters: []string{cases.DocCorrectionNotice},
		Public: &Public{Label: Text{"告知补正", "Correction requested"}, Detail: func(e cases.Event, p Payload) Text {
			return textf("请于%s前补正", "please answer by %s", p.Str("correction_due"))
		}},
		Notice: cases.NoticeCorrection,
		SMS:    cases.SMSCorrectionRequested,
		Rank:   40,
	},
	{
		Name: cases.EventSubmitCorrection, ZH: "提交补正", EN: "Submit correction",
		Rows: []Row{{From: []cases.State{cases.StateAwaitingCorrection}, To: cases.StateRegistered, Roles: []string{roleApplicant, cases.RoleClerk}}},
		Run:  on(nil, submitCorrectionCheck, submitCorrectionEffect),
		Public: &Public{Label: Text{"提交补正", "Correction received"}, Detail: func(e cases.Event, p Payload) Text {
			return textf("%s收到补正，答复期限重新计算至%s", "received on %s; the reply period starts again, due by %s", p.Str("received_on"), e.ReplyDueAfter.String())
		}},
		SignedDates: []string{"received_on"},
		Rank:        30,
	},
	{
		Name: cases.EventCorrectionLapsed, ZH: "逾期未补正", EN: "Correction lapsed",
		Rows:    []Row{{From: []cases.State{cases.StateAwaitingCorrection}, To: cases.StateClosed, Roles: []string{roleSystem}}},
		Run:     on(correctionLapsedGuard, nil, correctionLapsedEffect),
		Letters: []string{cases.DocTerminationNotice},
		Public:  &Public{Label: Text{"逾期未补正，视为放弃申请", "Correction not made in time: application deemed abandoned"}},
		Notice:  cases.NoticeCorrectionLapsed,
	},
	{
		Name: cases.EventAccept, ZH: "受理", EN: "Accept",
		Rows:   []Row{{From: []cases.State{cases.StateRegistered}, To: cases.StateInProgress, Roles: staffWork}},
		Run:    on(nil, acceptCheck, acceptEffect),
		Public: &Public{Label: Text{"开始办理", "Handling started"}},
		Rank:   20,
	},
}

// StartClock fixes the date of receipt (Art. 31) and starts the 20-working-day reply period.
func StartClock(c *cases.Case, received cases.Date, by string) {
	c.ReceivedOn = received
	c.ReceivedBy = by
	c.Clock = cases.Clock{Start: received, Days: cases.ReplyDays, Epoch: c.Clock.Epoch}
}

// registerEffect: Art. 31 — an online application is received on the day a clerk registers it.
func registerEffect(x *exec, _ *Empty) {
	StartClock(x.c, x.env.Today, x.actor.Name)
	x.payload["received_on"] = x.env.Today
	x.letter(cases.LetterRequest{Kind: cases.DocReceipt})
}

// ReasonPayload is the payload of an event that records a reason.
type ReasonPayload struct {
	Reason string `json:"reason" form:"text"`
}

func discardCheck(x *exec, p *ReasonPayload) error {
	return required("reason", p.Reason, "请填写作废原因。", "Give the reason for discarding.")
}

func discardEffect(x *exec, p *ReasonPayload) { x.payload["reason"] = p.Reason }

// WithdrawPayload is the payload of withdraw: an optional reason.
type WithdrawPayload struct {
	Reason string `json:"reason,omitempty" form:"opt"`
}

func withdrawEffect(x *exec, p *WithdrawPayload) {
	if p.Reason != "" {
		x.payload["reason"] = p.Reason
	}
	if x.from != cases.StateSubmitted {
		// A withdrawn application is concluded without a letter: outcome 其他 (table 三 (六)3).
		// A running consultation or fee pause ends with it, on the day of the withdrawal.
		switch x.from {
		case cases.StateConsulting:
			endPause(x.c, "consultation", x.env.Today)
		case cases.StateAwaitingFee:
			endPause(x.c, "fee", x.env.Today)
		}
		x.c.Draft = nil
		x.conclude(cases.OutcomeOther)
	}
}

// RequestCorrectionPayload is the payload of request_correction (Art. 30).
type RequestCorrectionPayload struct {
	Items      []string `json:"items" form:"lines"`
	PeriodDays *int     `json:"period_days,omitempty" form:"int"`
}

// requestCorrectionGuard: Art. 30 — once, within 7 working days of receipt.
func requestCorrectionGuard(x *exec) error {
	c := x.c
	if c.Clock.Corrections > 0 {
		return conflict("补正告知只能发出一次（第三十条）。", "a correction may be requested only once (Art. 30)")
	}
	if x.env.Today.After(c.CorrectionNoticeBy) {
		return conflict("补正告知须在收到申请之日起7个工作日内发出（第三十条），期限已于%s届满。",
			"a correction must be requested within 7 working days of receipt (Art. 30); that ended on %s", c.CorrectionNoticeBy.String())
	}
	return nil
}

// requestCorrectionCheck: Art. 30 — listing everything to correct and a reasonable period
// (policy: the agency's correction period).
func requestCorrectionCheck(x *exec, p *RequestCorrectionPayload) error {
	var items []string
	for _, it := range p.Items {
		if s := strings.TrimSpace(it); s != "" {
			items = append(items, s)
		}
	}
	if len(items) == 0 {
		return invalid("items", "请逐项列明需要补正的内容。", "List at least one item to correct.")
	}
	period := x.env.Settings.CorrectionPeriod
	if p.PeriodDays != nil {
		period = *p.PeriodDays
	}
	if period < 1 || period > 60 {
		return invalid("period_days", "补正期限应为1至60个工作日。", "The correction period must be 1 to 60 working days.")
	}
	p.Items, p.PeriodDays = items, &period
	return nil
}

func requestCorrectionEffect(x *exec, p *RequestCorrectionPayload) {
	c := x.c
	c.Clock.Corrections++
	c.Clock.CorrectionOn = x.env.Today
	c.Clock.CorrectionPeriod = *p.PeriodDays
	c.CorrectionItems = p.Items
	Recompute(c, x.env.Cal)
	x.payload["items"], x.payload["period_days"], x.payload["correction_due"] = p.Items, *p.PeriodDays, c.CorrectionDue
	x.letter(cases.LetterRequest{Kind: cases.DocCorrectionNotice, Items: p.Items, Due: c.CorrectionDue})
}

// SubmitCorrectionPayload is the payload of submit_correction (Art. 30).
type SubmitCorrectionPayload struct {
	ReceivedOn cases.Date `json:"received_on" form:"date"`
	Text       string     `json:"text" form:"text"`
	Files      []int64    `json:"files,omitempty" form:"-"` // uploads of the public tracking page
}

// submitCorrectionCheck: Art. 30 — a correction is received within its period, on or after the
// notice and not in the future; the applicant's own is received today.
func submitCorrectionCheck(x *exec, p *SubmitCorrectionPayload) error {
	c := x.c
	if p.ReceivedOn.IsZero() || x.actor.Kind == cases.ActorApplicant {
		p.ReceivedOn = x.env.Today
	}
	if p.ReceivedOn.After(c.CorrectionDue) && x.env.Today.After(c.CorrectionDue) {
		return conflict("补正期限已于%s届满（第三十条）。", "the correction period ended on %s (Art. 30)", c.CorrectionDue.String())
	}
	if strings.TrimSpace(p.Text) == "" && len(p.Files) == 0 {
		return invalid("text", "请填写补正内容或上传补正材料。", "Enter the correction or attach files.")
	}
	if p.ReceivedOn.After(x.env.Today) {
		return invalid("received_on", "收到补正的日期不能晚于今天。", "The date the correction was received cannot be in the future.")
	}
	if p.ReceivedOn.Before(c.Clock.CorrectionOn) {
		return invalid("received_on", "收到补正的日期不能早于补正告知日期。", "The correction cannot be received before the correction notice.")
	}
	return nil
}

// submitCorrectionEffect: Art. 30 — the reply period restarts from the day the corrected
// application is received; pauses before the restart no longer count.
func submitCorrectionEffect(x *exec, p *SubmitCorrectionPayload) {
	c := x.c
	c.Clock.Epoch++
	c.Clock.Start = p.ReceivedOn
	c.Clock.Days = cases.ReplyDays
	c.Clock.Base = cases.Date{}
	c.Clock.ExtDays = 0
	// docs/rules.md §4: an extension granted before the restart no longer counts, and the
	// restarted period may be extended once again (Art. 33).
	c.Clock.Extensions = 0
	c.Clock.CorrectedOn = p.ReceivedOn
	x.payload["received_on"], x.payload["text"] = p.ReceivedOn, p.Text
	if len(p.Files) > 0 {
		x.payload["files"] = p.Files
	}
}

// correctionLapsedGuard: Art. 30 — only after the correction period has ended.
func correctionLapsedGuard(x *exec) error {
	if !x.env.Today.After(x.c.CorrectionDue) {
		return conflict("补正期限尚未届满（%s）。", "the correction period has not ended (%s)", x.c.CorrectionDue.String())
	}
	return nil
}

// correctionLapsedEffect: Art. 30 — a correction not made in time is deemed abandoned.
func correctionLapsedEffect(x *exec, _ *Ignored) {
	x.conclude(cases.OutcomeCorrectionLapsed)
	x.payload["reason"] = "申请人无正当理由逾期不补正，视为放弃申请（第三十条）"
	x.payload["correction_due"] = x.c.CorrectionDue
	x.letter(cases.LetterRequest{Kind: cases.DocTerminationNotice, Reason: "逾期未补正"})
}

// AssigneePayload names the handling clerk.
type AssigneePayload struct {
	Assignee string `json:"assignee,omitempty" form:"opt"` // default: the clerk themself
}

func acceptCheck(x *exec, p *AssigneePayload) error {
	if p.Assignee == "" {
		if !x.actor.Has(cases.RoleClerk) {
			return invalid("assignee", "请指定经办人。", "Choose the handling clerk.")
		}
		p.Assignee = x.actor.Name
	}
	if x.env.UserExists != nil && !x.env.UserExists(p.Assignee) {
		return invalid("assignee", "经办人不存在。", "No such clerk.")
	}
	return nil
}

func acceptEffect(x *exec, p *AssigneePayload) {
	x.c.Assignee = p.Assignee
	x.payload["assignee"] = p.Assignee
}
