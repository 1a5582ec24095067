package workflow

import (
	cases "foidesk/case"
)

// The reply period: its one extension (Art. 33) and a longer period set for a reasonable but
// unmanageable request (Art. 35).
var periodSpecs = []Spec{
	{
		Name: cases.EventExtend, ZH: "延期答复", EN: "Extend",
		Rows: []Row{{From: []cases.State{cases.StateRegistered, cases.StateInProgress, cases.StateConsulting, cases.StateAwaitingFee, cases.StatePendingApproval},
			To: Stay, Roles: supervisor}},
		Run:     on(extendGuard, extendCheck, extendEffect),
		Letters: []string{cases.DocExtensionNotice},
		Public: &Public{Label: Text{"延长答复期限", "Reply period extended"}, Detail: func(e cases.Event, p Payload) Text {
			return textf("延长%d个工作日，答复期限至%s；理由：%s", "by %d working days, due by %s; reason: %s", p.Num("days"), e.ReplyDueAfter.String(), p.Str("reason"))
		}},
		Notice: cases.NoticeExtension,
		SMS:    cases.SMSExtended,
		Rank:   140,
	},
	{
		Name: cases.EventSetReplyPeriod, ZH: "另行确定答复期限", EN: "Set reply period",
		Rows:    []Row{{From: []cases.State{cases.StateInProgress}, To: Stay, Roles: supervisor}},
		Run:     on(setReplyPeriodGuard, setReplyPeriodCheck, setReplyPeriodEffect),
		Letters: []string{cases.DocReplyPeriodNotice},
		Public: &Public{Label: Text{"另行确定答复期限", "Reply period set by the agency"}, Detail: func(e cases.Event, p Payload) Text {
			return textf("答复期限至%s；理由：%s", "reply due by %s; reason: %s", p.Str("due_on"), p.Str("reason"))
		}},
		Notice: cases.NoticeReplyPeriod,
		Rank:   150,
	},
	{
		Name: cases.EventAskReasons, ZH: "要求说明理由", EN: "Ask for reasons",
		Rows:    []Row{{From: []cases.State{cases.StateRegistered, cases.StateInProgress}, To: Stay, Roles: clerk}},
		Run:     on(nil, askReasonsCheck, askReasonsEffect),
		Letters: []string{cases.DocReasonsNotice},
		Public: &Public{Label: Text{"要求说明申请理由", "Reasons asked for"}, Detail: func(e cases.Event, p Payload) Text {
			return textf("请于%s前书面说明申请理由；答复期限照常计算", "please state your reasons in writing by %s; the reply period keeps running", p.Str("reasons_due"))
		}},
		Rank: 155,
	},
	{
		Name: cases.EventReasonsReceived, ZH: "收到申请理由", EN: "Reasons received",
		Rows:        []Row{{From: []cases.State{cases.StateRegistered, cases.StateInProgress}, To: Stay, Roles: clerk}},
		Run:         on(reasonsReceivedGuard, reasonsReceivedCheck, reasonsReceivedEffect),
		Public:      &Public{Label: Text{"收到申请理由", "Reasons received"}},
		SignedDates: []string{"received_on"},
		Rank:        156,
	},
}

// AskReasonsPayload is the payload of ask_reasons (Art. 35): why the request seems beyond a
// reasonable number or frequency, and optionally the period given (working days).
type AskReasonsPayload struct {
	Text       string `json:"text" form:"text"`
	PeriodDays int    `json:"period_days,omitempty" form:"int"`
}

func askReasonsCheck(x *exec, p *AskReasonsPayload) error {
	if err := required("text", p.Text, "请说明申请数量、频次明显超过合理范围的情况。", "Say why the request seems beyond a reasonable number or frequency."); err != nil {
		return err
	}
	if p.PeriodDays == 0 {
		p.PeriodDays = x.env.Settings.WithDefaults().ReasonsPeriod
	}
	if p.PeriodDays < 1 || p.PeriodDays > 60 {
		return invalid("period_days", "说明理由的期限应为1至60个工作日。", "The period for the reasons is 1 to 60 working days.")
	}
	return nil
}

// askReasonsEffect: Art. 35 — the 说明理由通知书 with its period; the reply clock keeps running.
func askReasonsEffect(x *exec, p *AskReasonsPayload) {
	c := x.c
	c.Clock.ReasonsOn = x.env.Today
	c.Clock.ReasonsDue = x.env.Cal.AddWorkdays(x.env.Today, p.PeriodDays)
	c.Clock.ReasonsReceivedOn = cases.Date{}
	x.payload["text"], x.payload["period_days"], x.payload["reasons_due"] = p.Text, p.PeriodDays, c.Clock.ReasonsDue
	x.letter(cases.LetterRequest{Kind: cases.DocReasonsNotice, Reason: p.Text, Due: c.Clock.ReasonsDue})
}

// ReasonsReceivedPayload is the payload of reasons_received: the applicant's reasons.
type ReasonsReceivedPayload struct {
	Text       string     `json:"text" form:"text"`
	ReceivedOn cases.Date `json:"received_on" form:"date"`
}

func reasonsReceivedGuard(x *exec) error {
	if x.c.Clock.ReasonsOn.IsZero() {
		return conflict("尚未要求申请人说明理由（第三十五条）。", "no reasons were asked for (Art. 35)")
	}
	return nil
}

func reasonsReceivedCheck(x *exec, p *ReasonsReceivedPayload) error {
	if err := required("text", p.Text, "请登记申请人说明的理由。", "Record the applicant's reasons."); err != nil {
		return err
	}
	if p.ReceivedOn.IsZero() || p.ReceivedOn.After(x.env.Today) || p.ReceivedOn.Before(x.c.Clock.ReasonsOn) {
		return invalid("received_on", "收到日期应在要求说明理由之日与今天之间。", "The date received must lie between the request for reasons and today.")
	}
	return nil
}

func reasonsReceivedEffect(x *exec, p *ReasonsReceivedPayload) {
	x.c.Clock.ReasonsReceivedOn = p.ReceivedOn
	x.payload["text"], x.payload["received_on"] = p.Text, p.ReceivedOn
}

// ExtendPayload is the payload of extend (Art. 33).
type ExtendPayload struct {
	Days   int    `json:"days" form:"int"`
	Reason string `json:"reason" form:"text"`
}

// extendGuard: Art. 33 — once, decided on or before the current deadline.
func extendGuard(x *exec) error {
	if x.c.Clock.Extensions > 0 {
		return conflict("答复期限只能延长一次（第三十三条）。", "the reply period may be extended only once (Art. 33)")
	}
	return x.onOrBeforeDeadline("延长答复期限", "an extension")
}

// extendCheck: Art. 33 — at most 20 working days, with a reason.
func extendCheck(x *exec, p *ExtendPayload) error {
	if p.Days < 1 || p.Days > cases.MaxExtensionDays {
		return invalid("days", "延长期限应为1至20个工作日（第三十三条）。", "An extension is 1 to 20 working days (Art. 33).")
	}
	return required("reason", p.Reason, "请填写延期理由。", "Give the reason for the extension.")
}

// extendEffect: Art. 33 — approved by the head of the disclosure office, notified to the applicant.
func extendEffect(x *exec, p *ExtendPayload) {
	c := x.c
	c.Clock.ExtDays += p.Days
	c.Clock.Extensions++
	Recompute(c, x.env.Cal)
	x.payload["days"], x.payload["reason"] = p.Days, p.Reason
	x.letter(cases.LetterRequest{Kind: cases.DocExtensionNotice, Days: p.Days, Reason: p.Reason, Due: c.ReplyDue})
}

// SetReplyPeriodPayload is the payload of set_reply_period (Art. 35).
type SetReplyPeriodPayload struct {
	DueOn  cases.Date `json:"due_on" form:"date"`
	Reason string     `json:"reason" form:"text"`
}

func setReplyPeriodGuard(x *exec) error {
	return x.onOrBeforeDeadline("另行确定答复期限", "setting a reply period")
}

func setReplyPeriodCheck(x *exec, p *SetReplyPeriodPayload) error {
	if p.DueOn.IsZero() || !p.DueOn.After(x.c.ReplyDue) {
		return invalid("due_on", "另行确定的答复期限应晚于当前答复期限（第三十五条）。", "The new reply date must be later than the current deadline (Art. 35).")
	}
	return required("reason", p.Reason, "请填写理由。", "Give the reason.")
}

// setReplyPeriodEffect: Art. 35 — a reasonable but unmanageable request gets a longer period set
// by the agency and notified to the applicant.
func setReplyPeriodEffect(x *exec, p *SetReplyPeriodPayload) {
	c := x.c
	c.Clock.Epoch++
	c.Clock.Base = p.DueOn
	c.Clock.ExtDays = 0
	x.payload["due_on"], x.payload["reason"] = p.DueOn, p.Reason
	x.letter(cases.LetterRequest{Kind: cases.DocReplyPeriodNotice, Reason: p.Reason, Due: p.DueOn})
}
