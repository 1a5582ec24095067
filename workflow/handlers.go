package workflow

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	cases "foidesk/case"
)

type handler func(x *exec, raw json.RawMessage) error

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"register":           register,
		"discard":            discard,
		"withdraw":           withdraw,
		"request_correction": requestCorrection,
		"submit_correction":  submitCorrection,
		"correction_lapsed":  correctionLapsed,
		"accept":             accept,
		"consult":            consult,
		"consultation_done":  consultationDone,
		"request_fee":        requestFee,
		"fee_paid":           feePaid,
		"fee_lapsed":         feeLapsed,
		"extend":             extend,
		"set_reply_period":   setReplyPeriod,
		"draft_reply":        draftReply,
		"return":             returnDraft,
		"approve":            approve,
		"record_delivery":    recordDelivery,
		"archive":            archive,
		"reopen":             reopen,
		"reassign":           reassign,
		"add_note":           addNote,
		"record_remedy":      recordRemedy,
	}
}

// StartClock fixes the date of receipt (Art. 31) and starts the 20-working-day reply period.
func StartClock(c *cases.Case, received cases.Date, by string) {
	c.ReceivedOn = received
	c.ReceivedBy = by
	c.Clock = cases.Clock{Start: received, Days: cases.ReplyDays, Epoch: c.Clock.Epoch}
}

// register: Art. 31 — an online application is received on the day a clerk registers it.
func register(x *exec, raw json.RawMessage) error {
	var p struct{}
	if err := decode(raw, &p); err != nil {
		return err
	}
	StartClock(x.c, x.env.Today, x.actor.Name)
	x.payload["received_on"] = x.env.Today
	x.letter(cases.LetterRequest{Kind: cases.DocReceipt})
	return nil
}

func discard(x *exec, raw json.RawMessage) error {
	var p struct {
		Reason string `json:"reason"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if err := required("reason", p.Reason, "请填写作废原因。", "Give the reason for discarding."); err != nil {
		return err
	}
	x.payload["reason"] = p.Reason
	return nil
}

func withdraw(x *exec, raw json.RawMessage) error {
	var p struct {
		Reason string `json:"reason"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if p.Reason != "" {
		x.payload["reason"] = p.Reason
	}
	if x.c.State != cases.StateSubmitted {
		// A withdrawn application is concluded without a letter: outcome 其他 (table 三 (六)3).
		// A running consultation or fee pause ends with it, on the day of the withdrawal.
		switch x.c.State {
		case cases.StateConsulting:
			endPause(x.c, "consultation", x.env.Today)
		case cases.StateAwaitingFee:
			endPause(x.c, "fee", x.env.Today)
		}
		x.c.Draft = nil
		x.conclude(cases.OutcomeOther)
	}
	return nil
}

// requestCorrection: Art. 30 — once, within 7 working days of receipt, listing everything to
// correct and a reasonable period (policy: the agency's correction period).
func requestCorrection(x *exec, raw json.RawMessage) error {
	c := x.c
	if c.Clock.Corrections > 0 {
		return conflict("补正告知只能发出一次（第三十条）。", "a correction may be requested only once (Art. 30)")
	}
	if x.env.Today.After(c.CorrectionNoticeBy) {
		return conflict("补正告知须在收到申请之日起7个工作日内发出（第三十条），期限已于%s届满。",
			"a correction must be requested within 7 working days of receipt (Art. 30); that ended on %s", c.CorrectionNoticeBy.String())
	}
	var p struct {
		Items      []string `json:"items"`
		PeriodDays *int     `json:"period_days"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
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
	c.Clock.Corrections++
	c.Clock.CorrectionOn = x.env.Today
	c.Clock.CorrectionPeriod = period
	c.CorrectionItems = items
	Recompute(c, x.env.Cal)
	x.payload["items"], x.payload["period_days"], x.payload["correction_due"] = items, period, c.CorrectionDue
	x.letter(cases.LetterRequest{Kind: cases.DocCorrectionNotice, Items: items, Due: c.CorrectionDue})
	return nil
}

// submitCorrection: Art. 30 — the reply period restarts from the day the corrected application
// is received; pauses before the restart no longer count.
func submitCorrection(x *exec, raw json.RawMessage) error {
	var p struct {
		ReceivedOn cases.Date `json:"received_on"`
		Text       string     `json:"text"`
		Files      []int64    `json:"files"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
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
	return nil
}

// correctionLapsed: Art. 30 — a correction not made in time is deemed abandoned.
func correctionLapsed(x *exec, raw json.RawMessage) error {
	if !x.env.Today.After(x.c.CorrectionDue) {
		return conflict("补正期限尚未届满（%s）。", "the correction period has not ended (%s)", x.c.CorrectionDue.String())
	}
	x.conclude(cases.OutcomeCorrectionLapsed)
	x.payload["reason"] = "申请人无正当理由逾期不补正，视为放弃申请（第三十条）"
	x.payload["correction_due"] = x.c.CorrectionDue
	x.letter(cases.LetterRequest{Kind: cases.DocTerminationNotice, Reason: "逾期未补正"})
	return nil
}

func accept(x *exec, raw json.RawMessage) error {
	var p struct {
		Assignee string `json:"assignee"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if p.Assignee == "" {
		if !x.actor.Has(cases.RoleClerk) {
			return invalid("assignee", "请指定经办人。", "Choose the handling clerk.")
		}
		p.Assignee = x.actor.Name
	}
	if x.env.UserExists != nil && !x.env.UserExists(p.Assignee) {
		return invalid("assignee", "经办人不存在。", "No such clerk.")
	}
	x.c.Assignee = p.Assignee
	x.payload["assignee"] = p.Assignee
	return nil
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

// consult: Art. 32 (third party), Art. 34 (other agency) — 15 working days; time not counted (Art. 33).
func consult(x *exec, raw json.RawMessage) error {
	if err := x.onOrBeforeDeadline("征求意见", "a consultation"); err != nil {
		return err
	}
	var p struct {
		Parties []cases.Party `json:"parties"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
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
	return nil
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

// consultationDone: the pause ends on the day of the event; for silence after the due date it
// ends on the due date (Art. 32: the agency decides; Art. 34: deemed consent).
func consultationDone(x *exec, raw json.RawMessage) error {
	var p struct {
		Answers []cases.Party `json:"answers"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	c := x.c
	silentAll := x.actor.Kind == cases.ActorSystem
	if silentAll {
		if !x.env.Today.After(c.ConsultationDue) {
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
	if len(p.Answers) == 0 {
		return invalid("answers", "请登记各方的意见。", "Record each party's answer.")
	}
	byName := map[string]cases.Party{}
	for _, a := range p.Answers {
		if !cases.ConsultAnswers.Has(a.Answer) {
			return invalid("answers", "意见应为同意、不同意或逾期未答复。", "An answer must be agree, object or silence.")
		}
		byName[strings.TrimSpace(a.Name)] = a
	}
	for i := range c.Parties {
		a, ok := byName[c.Parties[i].Name]
		if !ok {
			if x.env.Today.After(c.ConsultationDue) {
				a = cases.Party{Answer: "silence"}
			} else {
				return invalid("answers", "请登记“"+c.Parties[i].Name+"”的意见。", "Record the answer of "+c.Parties[i].Name+".")
			}
		}
		if a.Answer == "silence" && !x.env.Today.After(c.ConsultationDue) {
			return invalid("answers", "征求意见期限届满前不能登记为逾期未答复。", "A party cannot be silent before the consultation period ends.")
		}
		c.Parties[i].Answer, c.Parties[i].Text = a.Answer, a.Text
	}
	// docs/rules.md §4: the pause ends on the day of the event that ends it, but never after
	// the due date — a consultation pause never exceeds its 15 working days (Art. 32, 33).
	end := x.env.Today
	if end.After(c.ConsultationDue) {
		end = c.ConsultationDue
	}
	endPause(c, "consultation", end)
	x.payload["answers"], x.payload["pause_end"] = c.Parties, end
	return nil
}

// requestFee: Art. 42 and 国办函〔2020〕109号 — the days from notice to payment are not counted (policy).
func requestFee(x *exec, raw json.RawMessage) error {
	// docs/rules.md §5: one fee notice per request and handling (a reopen starts a new handling
	// and clears the clock's FeeOn).
	if !x.c.Clock.FeeOn.IsZero() {
		return conflict("本次办理已发出过收费通知，每件申请只能收费一次（国办函〔2020〕109号）。", "a fee notice was already issued in this handling: one per request (国办函〔2020〕109号)")
	}
	if err := x.onOrBeforeDeadline("发出收费通知", "a fee notice"); err != nil {
		return err
	}
	var p struct {
		Basis string       `json:"basis"`
		Pages *json.Number `json:"pages"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	pages := 0
	if p.Basis == cases.FeePerPage {
		n, err := strconv.ParseInt(string(derefNumber(p.Pages)), 10, 64)
		if err != nil || n < 1 || n > MaxFeePages {
			return invalid("pages", "页数应为1至1000000的整数。", "The number of pages must be a whole number from 1 to 1,000,000.")
		}
		pages = int(n)
	}
	fee, err := ComputeFee(p.Basis, x.env.FeeMonthCount, pages)
	if err != nil {
		return err
	}
	if fee.Amount <= 0 {
		// Art. 42: free by default — below the thresholds no notice goes out (docs/rules.md §5).
		if fee.Basis == cases.FeePerPage {
			return invalid("pages", fmt.Sprintf("%d页未超过30页，不收取信息处理费（第四十二条：原则上不收费）。", fee.Pages), fmt.Sprintf("%d pages are not more than 30: no fee is due (Art. 42: free by default).", fee.Pages))
		}
		return invalid("basis", fmt.Sprintf("该申请人本月向本机关提出的第%d件申请未超过10件，不按件收费（第四十二条：原则上不收费）。", fee.Count), fmt.Sprintf("This is the applicant's request no. %d to this agency this month, not more than 10: no per-request fee is due (Art. 42: free by default).", fee.Count))
	}
	c := x.c
	c.Fee = &fee
	c.Clock.FeeOn = x.env.Today
	c.Clock.Pauses = append(c.Clock.Pauses, cases.Pause{Kind: "fee", Start: x.env.Today, Epoch: c.Clock.Epoch})
	Recompute(c, x.env.Cal)
	x.payload["basis"], x.payload["amount"], x.payload["fee_due"] = fee.Basis, fee.Amount, c.FeeDue
	if fee.Basis == cases.FeePerPage {
		x.payload["pages"] = fee.Pages
	} else {
		x.payload["count"] = fee.Count
	}
	x.letter(cases.LetterRequest{Kind: cases.DocFeeNotice, Due: c.FeeDue})
	return nil
}

// MaxFeePages bounds the pages of a per-page fee (docs/rules.md §5).
const MaxFeePages = 1_000_000

func derefNumber(n *json.Number) json.Number {
	if n == nil {
		return ""
	}
	return *n
}

func feePaid(x *exec, raw json.RawMessage) error {
	var p struct {
		PaidOn cases.Date `json:"paid_on"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	c := x.c
	if p.PaidOn.IsZero() {
		return invalid("paid_on", "请填写缴费日期。", "Enter the date of payment.")
	}
	if p.PaidOn.After(x.env.Today) || p.PaidOn.Before(c.Clock.FeeOn) {
		return invalid("paid_on", "缴费日期应在收费通知日期与今天之间。", "The payment date must lie between the fee notice and today.")
	}
	if p.PaidOn.After(c.FeeDue) {
		return conflict("缴费期限已于%s届满。", "the fee period ended on %s", c.FeeDue.String())
	}
	if c.Fee != nil {
		c.Fee.PaidOn = p.PaidOn
	}
	endPause(c, "fee", p.PaidOn)
	x.payload["paid_on"] = p.PaidOn
	return nil
}

// feeLapsed: 国办函〔2020〕109号 — a fee not paid within 20 working days: deemed abandoned.
func feeLapsed(x *exec, raw json.RawMessage) error {
	if !x.env.Today.After(x.c.FeeDue) {
		return conflict("缴费期限尚未届满（%s）。", "the fee period has not ended (%s)", x.c.FeeDue.String())
	}
	endPause(x.c, "fee", x.c.FeeDue)
	x.conclude(cases.OutcomeFeeLapsed)
	x.payload["reason"] = "申请人逾期未缴纳信息处理费，视为放弃申请"
	x.payload["fee_due"] = x.c.FeeDue
	x.letter(cases.LetterRequest{Kind: cases.DocTerminationNotice, Reason: "逾期未缴费"})
	return nil
}

// extend: Art. 33 — once, at most 20 working days, approved by the head of the disclosure office,
// decided on or before the current deadline.
func extend(x *exec, raw json.RawMessage) error {
	c := x.c
	if c.Clock.Extensions > 0 {
		return conflict("答复期限只能延长一次（第三十三条）。", "the reply period may be extended only once (Art. 33)")
	}
	if err := x.onOrBeforeDeadline("延长答复期限", "an extension"); err != nil {
		return err
	}
	var p struct {
		Days   int    `json:"days"`
		Reason string `json:"reason"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if p.Days < 1 || p.Days > cases.MaxExtensionDays {
		return invalid("days", "延长期限应为1至20个工作日（第三十三条）。", "An extension is 1 to 20 working days (Art. 33).")
	}
	if err := required("reason", p.Reason, "请填写延期理由。", "Give the reason for the extension."); err != nil {
		return err
	}
	c.Clock.ExtDays += p.Days
	c.Clock.Extensions++
	Recompute(c, x.env.Cal)
	x.payload["days"], x.payload["reason"] = p.Days, p.Reason
	x.letter(cases.LetterRequest{Kind: cases.DocExtensionNotice, Days: p.Days, Reason: p.Reason, Due: c.ReplyDue})
	return nil
}

// setReplyPeriod: Art. 35 — a reasonable but unmanageable request gets a longer period set by the
// agency and notified to the applicant.
func setReplyPeriod(x *exec, raw json.RawMessage) error {
	if err := x.onOrBeforeDeadline("另行确定答复期限", "setting a reply period"); err != nil {
		return err
	}
	var p struct {
		DueOn  cases.Date `json:"due_on"`
		Reason string     `json:"reason"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	c := x.c
	if p.DueOn.IsZero() || !p.DueOn.After(c.ReplyDue) {
		return invalid("due_on", "另行确定的答复期限应晚于当前答复期限（第三十五条）。", "The new reply date must be later than the current deadline (Art. 35).")
	}
	if err := required("reason", p.Reason, "请填写理由。", "Give the reason."); err != nil {
		return err
	}
	c.Clock.Epoch++
	c.Clock.Base = p.DueOn
	c.Clock.ExtDays = 0
	x.payload["due_on"], x.payload["reason"] = p.DueOn, p.Reason
	x.letter(cases.LetterRequest{Kind: cases.DocReplyPeriodNotice, Reason: p.Reason, Due: p.DueOn})
	return nil
}

func draftReply(x *exec, raw json.RawMessage) error {
	var p cases.Draft
	if err := decode(raw, &p); err != nil {
		return err
	}
	o, ok := cases.FindOutcome(p.Outcome)
	if !ok {
		return invalid("outcome", "请从目录中选择答复结果。", "Choose an outcome from the catalogue.")
	}
	if p.Outcome == cases.OutcomeCorrectionLapsed || p.Outcome == cases.OutcomeFeeLapsed {
		return invalid("outcome", "逾期未补正、逾期未缴费只能由系统在期限届满时登记。", "The lapse outcomes are recorded only by their lapse events.")
	}
	if p.Outcome == cases.OutcomeUnclear && x.c.Clock.CorrectedOn.IsZero() {
		return conflict("只有在申请人补正后内容仍不明确时才能作出该答复（第三十条）。", "unavailable.unclear requires a received correction (Art. 30)")
	}
	if err := required("reasons", p.Reasons, "请填写答复理由。", "Give the reasons."); err != nil {
		return err
	}
	if utf8.RuneCountInString(p.Reasons) > 5000 {
		return invalid("reasons", "答复理由不能超过5000字。", "The reasons may not exceed 5000 characters.")
	}
	p.DraftedBy = x.actor.Name
	x.c.Draft = &p
	if x.c.Assignee == "" {
		x.c.Assignee = x.actor.Name
	}
	x.payload["outcome"], x.payload["reasons"] = o.Code, p.Reasons
	for k, v := range map[string]string{"legal_basis": p.LegalBasis, "responsible_agency": p.ResponsibleAgency, "where_public": p.WherePublic} {
		if v != "" {
			x.payload[k] = v
		}
	}
	if len(p.Documents) > 0 {
		x.payload["documents"] = p.Documents
	}
	return nil
}

func returnDraft(x *exec, raw json.RawMessage) error {
	var p struct {
		Comment string `json:"comment"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if err := required("comment", p.Comment, "请填写退回意见。", "Give your comments."); err != nil {
		return err
	}
	x.payload["comment"] = p.Comment
	return nil
}

// approve: the supervisor's 保密审查 and legal check; the reply letter is numbered and frozen.
func approve(x *exec, raw json.RawMessage) error {
	var p struct{}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if x.c.Draft == nil {
		return conflict("没有待审批的答复。", "there is no drafted reply")
	}
	x.conclude(x.c.Draft.Outcome)
	x.payload["outcome"] = x.c.Draft.Outcome
	x.letter(cases.LetterRequest{Kind: cases.DocReply})
	// Art. 32: a third party that objected is told, with the content and the reasons, that the
	// agency discloses all the same (in the public interest).
	if o := x.c.Draft.Outcome; o == cases.OutcomeDisclose || o == cases.OutcomePartial {
		for _, pt := range x.c.Parties {
			if pt.Kind == "third_party" && pt.Answer == "object" {
				x.letter(cases.LetterRequest{Kind: cases.DocObjectionOverride, Party: &pt, Reason: x.c.Draft.Reasons})
			}
		}
	}
	return nil
}

// recordDelivery: the deadline is met on the day of signature or of posting (国办公开办函〔2016〕235号).
func recordDelivery(x *exec, raw json.RawMessage) error {
	var p struct {
		Way         string     `json:"way"`
		DeliveredOn cases.Date `json:"delivered_on"`
		Proof       string     `json:"proof"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if !cases.DeliveryWays.Has(p.Way) {
		return invalid("way", "请选择送达方式。", "Choose the way of delivery.")
	}
	if p.DeliveredOn.IsZero() || p.DeliveredOn.After(x.env.Today) || p.DeliveredOn.Before(x.c.ConcludedOn) {
		return invalid("delivered_on", "送达日期应在答复日期与今天之间。", "The delivery date must lie between the reply date and today.")
	}
	x.c.DeliveredOn, x.c.DeliveryWay = p.DeliveredOn, p.Way
	x.payload["way"], x.payload["delivered_on"], x.payload["on_time"] = p.Way, p.DeliveredOn, !p.DeliveredOn.After(x.c.ReplyDue)
	if p.Proof != "" {
		x.payload["proof"] = p.Proof
	}
	return nil
}

// archive: Art. 45 — only a complete file is archived.
func archive(x *exec, raw json.RawMessage) error {
	var p struct{}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if x.c.State == cases.StateReplied && x.c.DeliveredOn.IsZero() && !x.c.Imported {
		return conflict("答复尚未登记送达，不能归档。", "record the delivery of the reply before archiving")
	}
	if !x.env.FileComplete {
		return conflict("卷宗不完整，不能归档。", "the case file is incomplete")
	}
	x.c.ArchivedOn = x.env.Today
	return nil
}

// reopen starts a new handling of the case, received on the reopen's date (docs/rules.md §8).
func reopen(x *exec, raw json.RawMessage) error {
	var p struct {
		Reason string     `json:"reason"`
		DueOn  cases.Date `json:"due_on"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if err := required("reason", p.Reason, "请填写重新办理的理由。", "Give the reason for reopening."); err != nil {
		return err
	}
	if !p.DueOn.IsZero() && !p.DueOn.After(x.env.Today) {
		return invalid("due_on", "答复期限应晚于今天。", "The due date must be after today.")
	}
	c := x.c
	c.Handling++
	c.ReopenedOn = x.env.Today
	c.Outcome, c.ConcludedOn, c.LetterNo, c.Draft = "", cases.Date{}, "", nil
	c.DeliveredOn, c.DeliveryWay, c.ArchivedOn = cases.Date{}, "", cases.Date{}
	c.Parties, c.Fee, c.CorrectionItems = nil, nil, nil
	pauses := c.Clock.Pauses
	c.Clock = cases.Clock{Start: x.env.Today, Days: cases.ReplyDays, Base: p.DueOn, Epoch: c.Clock.Epoch + 1, Pauses: pauses,
		CorrectedOn: cases.Date{}}
	x.payload["reason"] = p.Reason
	if !p.DueOn.IsZero() {
		x.payload["due_on"] = p.DueOn
	}
	return nil
}

func reassign(x *exec, raw json.RawMessage) error {
	var p struct {
		Assignee string `json:"assignee"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if err := required("assignee", p.Assignee, "请选择经办人。", "Choose the clerk."); err != nil {
		return err
	}
	if x.env.UserExists != nil && !x.env.UserExists(p.Assignee) {
		return invalid("assignee", "经办人不存在。", "No such clerk.")
	}
	x.payload["from"], x.payload["assignee"] = x.c.Assignee, p.Assignee
	x.c.Assignee = p.Assignee
	return nil
}

func addNote(x *exec, raw json.RawMessage) error {
	var p struct {
		Text string `json:"text"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if err := required("text", p.Text, "请填写备注内容。", "Enter the note."); err != nil {
		return err
	}
	x.payload["text"] = p.Text
	return nil
}

// recordRemedy records a 行政复议 or 行政诉讼 (table 四), allowed on archived cases too.
//
// With remedy_id it records the result of a remedy already recorded on the case: the same record
// is updated (never a second row), so table 四 counts it once (docs/api.md record_remedy).
func recordRemedy(x *exec, raw json.RawMessage) error {
	var p struct {
		cases.Remedy
		RemedyID *int64 `json:"remedy_id"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	if p.RemedyID != nil {
		return recordRemedyResult(x, *p.RemedyID, p.Remedy)
	}
	r := p.Remedy
	r.ID = 0
	if err := ValidateRemedy(&r, x.env.Today); err != nil {
		return err
	}
	r.CaseID = x.c.ID
	x.remedy = &r
	x.payload["kind"], x.payload["filed_on"], x.payload["result"] = r.Kind, r.FiledOn, r.Result
	if !r.DecidedOn.IsZero() {
		x.payload["decided_on"] = r.DecidedOn
	}
	return nil
}

// recordRemedyResult records the decision of the case's remedy id.
func recordRemedyResult(x *exec, id int64, in cases.Remedy) error {
	var old *cases.Remedy
	for i := range x.c.Remedies {
		if x.c.Remedies[i].ID == id {
			old = &x.c.Remedies[i]
		}
	}
	if old == nil {
		return invalid("remedy_id", "该案件没有这一行政复议或诉讼记录。", "This case has no such remedy record.")
	}
	if old.Result != "" && old.Result != cases.RemedyPending {
		return conflict("该行政复议或诉讼已登记结果。", "the result of this remedy is already recorded")
	}
	if (in.Kind != "" && in.Kind != old.Kind) || (!in.FiledOn.IsZero() && !in.FiledOn.Equal(old.FiledOn)) {
		return invalid("remedy_id", "登记结果时不能更改救济类型或申请日期。", "The kind and filing date of a recorded remedy cannot be changed.")
	}
	r := *old
	r.Result, r.DecidedOn = in.Result, in.DecidedOn
	if r.Result == "" || r.Result == cases.RemedyPending {
		return invalid("result", "请选择审结结果。", "Choose the result of the decision.")
	}
	if err := ValidateRemedy(&r, x.env.Today); err != nil {
		return err
	}
	r.CaseID = x.c.ID
	x.remedy = &r
	x.payload["remedy_id"], x.payload["kind"], x.payload["filed_on"] = r.ID, r.Kind, r.FiledOn
	x.payload["result"], x.payload["decided_on"] = r.Result, r.DecidedOn
	return nil
}

// ValidateRemedy checks a remedy record: kind and result from table 四, dates not in the future,
// decided on or after filed; a pending remedy has no decision date.
func ValidateRemedy(r *cases.Remedy, today cases.Date) error {
	if r.Result == "" {
		r.Result = "pending"
	}
	if !cases.RemedyKinds.Has(r.Kind) {
		return invalid("kind", "请选择救济类型（行政复议或行政诉讼）。", "Choose the kind of remedy.")
	}
	if !cases.RemedyResults.Has(r.Result) {
		return invalid("result", "请选择结果。", "Choose the result.")
	}
	if r.FiledOn.IsZero() || r.FiledOn.After(today) {
		return invalid("filed_on", "请填写不晚于今天的申请（起诉）日期。", "Enter the filing date (not in the future).")
	}
	if r.Result == "pending" {
		if !r.DecidedOn.IsZero() {
			return invalid("decided_on", "尚未审结的案件不应填写审结日期。", "A pending remedy has no decision date.")
		}
	} else if r.DecidedOn.IsZero() || r.DecidedOn.Before(r.FiledOn) || r.DecidedOn.After(today) {
		return invalid("decided_on", "审结日期应在申请日期与今天之间。", "The decision date must lie between filing and today.")
	}
	return nil
}
