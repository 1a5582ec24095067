package workflow

import (
	"encoding/json"
	"fmt"
	"strconv"

	cases "foidesk/case"
)

// The information-processing fee (Art. 42, 国办函〔2020〕109号): the days from notice to payment are
// not counted (policy); a fee not paid within 20 working days: the application is deemed abandoned.
var feeSpecs = []Spec{
	{
		Name: cases.EventRequestFee, ZH: "收费通知", EN: "Request fee",
		Rows:    []Row{{From: []cases.State{cases.StateInProgress}, To: cases.StateAwaitingFee, Roles: clerk}},
		Run:     on(requestFeeGuard, requestFeeCheck, requestFeeEffect),
		Letters: []string{cases.DocFeeNotice},
		Public: &Public{Label: Text{"通知缴纳信息处理费", "Fee requested"}, Detail: func(e cases.Event, p Payload) Text {
			return textf("金额%d元，请于%s前缴纳", "%d yuan, to be paid by %s", p.Num("amount"), p.Str("fee_due"))
		}},
		Notice: cases.NoticeFee,
		SMS:    cases.SMSFeeRequested,
		Rank:   70,
	},
	{
		Name: cases.EventFeePaid, ZH: "已缴费", EN: "Fee paid",
		Rows: []Row{{From: []cases.State{cases.StateAwaitingFee}, To: cases.StateInProgress, Roles: clerk}},
		Run:  on(nil, feePaidCheck, feePaidEffect),
		Public: &Public{Label: Text{"已缴费", "Fee paid"}, Detail: func(e cases.Event, p Payload) Text {
			return textf("%s缴费，答复期限至%s", "paid on %s; reply due by %s", p.Str("paid_on"), e.ReplyDueAfter.String())
		}},
		SignedDates: []string{"paid_on"},
		Rank:        80,
	},
	{
		Name: cases.EventFeeLapsed, ZH: "逾期未缴费", EN: "Fee lapsed",
		Rows:    []Row{{From: []cases.State{cases.StateAwaitingFee}, To: cases.StateClosed, Roles: []string{roleSystem}}},
		Run:     on(feeLapsedGuard, nil, feeLapsedEffect),
		Letters: []string{cases.DocTerminationNotice},
		Public:  &Public{Label: Text{"逾期未缴费，视为放弃申请", "Fee not paid in time: application deemed abandoned"}},
		Notice:  cases.NoticeFeeLapsed,
	},
}

// RequestFeePayload is the payload of request_fee: the basis of the fee and, per page, the pages.
type RequestFeePayload struct {
	Basis string       `json:"basis" form:"text"`
	Pages *json.Number `json:"pages,omitempty" form:"int"` // per page: a whole number

	fee cases.Fee
}

// MaxFeePages bounds the pages of a per-page fee (docs/rules.md §5).
const MaxFeePages = 1_000_000

// requestFeeGuard: docs/rules.md §5 — one fee notice per request and handling (a reopen starts a
// new handling and clears the clock's FeeOn), decided on or before the current deadline.
func requestFeeGuard(x *exec) error {
	if !x.c.Clock.FeeOn.IsZero() {
		return conflict("本次办理已发出过收费通知，每件申请只能收费一次（国办函〔2020〕109号）。", "a fee notice was already issued in this handling: one per request (国办函〔2020〕109号)")
	}
	return x.onOrBeforeDeadline("发出收费通知", "a fee notice")
}

// requestFeeCheck: Art. 42 — free by default; the fee measures of 国办函〔2020〕109号.
func requestFeeCheck(x *exec, p *RequestFeePayload) error {
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
	p.fee = fee
	return nil
}

func derefNumber(n *json.Number) json.Number {
	if n == nil {
		return ""
	}
	return *n
}

func requestFeeEffect(x *exec, p *RequestFeePayload) {
	c, fee := x.c, p.fee
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
}

// FeePaidPayload is the payload of fee_paid.
type FeePaidPayload struct {
	PaidOn cases.Date `json:"paid_on" form:"date"`
}

func feePaidCheck(x *exec, p *FeePaidPayload) error {
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
	return nil
}

func feePaidEffect(x *exec, p *FeePaidPayload) {
	if x.c.Fee != nil {
		x.c.Fee.PaidOn = p.PaidOn
	}
	endPause(x.c, "fee", p.PaidOn)
	x.payload["paid_on"] = p.PaidOn
}

// feeLapsedGuard: only after the fee period has ended.
func feeLapsedGuard(x *exec) error {
	if !x.env.Today.After(x.c.FeeDue) {
		return conflict("缴费期限尚未届满（%s）。", "the fee period has not ended (%s)", x.c.FeeDue.String())
	}
	return nil
}

// feeLapsedEffect: 国办函〔2020〕109号 — a fee not paid within 20 working days: deemed abandoned.
func feeLapsedEffect(x *exec, _ *Ignored) {
	endPause(x.c, "fee", x.c.FeeDue)
	x.conclude(cases.OutcomeFeeLapsed)
	x.payload["reason"] = "申请人逾期未缴纳信息处理费，视为放弃申请"
	x.payload["fee_due"] = x.c.FeeDue
	x.letter(cases.LetterRequest{Kind: cases.DocTerminationNotice, Reason: "逾期未缴费"})
}
