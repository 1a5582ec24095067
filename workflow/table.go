package workflow

import (
	cases "foidesk/case"
)

// Who may fire an event. Staff roles are cases.Role*; these two name the other actor kinds.
const (
	roleApplicant = "applicant"
	roleSystem    = "system"
	stay          = "" // a destination meaning "the state does not change"
)

// Transition is one row of the transition table: Event fired in any of From leads to To (stay
// for a state-preserving event) and may be fired by any of Roles.
type Transition struct {
	Event string
	From  []string
	To    string
	Roles []string
}

var (
	clerk      = []string{cases.RoleClerk}
	supervisor = []string{cases.RoleSupervisor}
	staffWork  = []string{cases.RoleClerk, cases.RoleSupervisor}
	allStaff   = []string{cases.RoleClerk, cases.RoleSupervisor, cases.RoleAdmin}
	// every state in which the application has been received (everything but submitted and discarded)
	received = []string{cases.StateRegistered, cases.StateAwaitingCorrection, cases.StateInProgress, cases.StateConsulting,
		cases.StateAwaitingFee, cases.StatePendingApproval, cases.StateReplied, cases.StateClosed, cases.StateArchived}
	allStates = append([]string{cases.StateSubmitted, cases.StateDiscarded}, received...)
)

// Table is the whole state machine of docs/design.md "The state machine": the one place it is stated.
var Table = []Transition{
	{"register", []string{cases.StateSubmitted}, cases.StateRegistered, clerk},
	{"discard", []string{cases.StateSubmitted}, cases.StateDiscarded, clerk},
	{"withdraw", []string{cases.StateSubmitted}, cases.StateDiscarded, []string{roleApplicant}},
	{"withdraw", cases.OpenStates, cases.StateClosed, []string{roleApplicant, cases.RoleClerk}},
	{"request_correction", []string{cases.StateRegistered, cases.StateInProgress}, cases.StateAwaitingCorrection, clerk},
	{"submit_correction", []string{cases.StateAwaitingCorrection}, cases.StateRegistered, []string{roleApplicant, cases.RoleClerk}},
	{"correction_lapsed", []string{cases.StateAwaitingCorrection}, cases.StateClosed, []string{roleSystem}},
	{"accept", []string{cases.StateRegistered}, cases.StateInProgress, staffWork},
	{"consult", []string{cases.StateInProgress}, cases.StateConsulting, clerk},
	{"consultation_done", []string{cases.StateConsulting}, cases.StateInProgress, []string{cases.RoleClerk, roleSystem}},
	{"request_fee", []string{cases.StateInProgress}, cases.StateAwaitingFee, clerk},
	{"fee_paid", []string{cases.StateAwaitingFee}, cases.StateInProgress, clerk},
	{"fee_lapsed", []string{cases.StateAwaitingFee}, cases.StateClosed, []string{roleSystem}},
	{"extend", []string{cases.StateRegistered, cases.StateInProgress, cases.StateConsulting, cases.StateAwaitingFee, cases.StatePendingApproval}, stay, supervisor},
	{"set_reply_period", []string{cases.StateInProgress}, stay, supervisor},
	{"draft_reply", []string{cases.StateRegistered, cases.StateInProgress}, cases.StatePendingApproval, clerk},
	{"return", []string{cases.StatePendingApproval}, cases.StateInProgress, supervisor},
	{"approve", []string{cases.StatePendingApproval}, cases.StateReplied, supervisor},
	{"record_delivery", []string{cases.StateReplied}, stay, clerk},
	{"archive", []string{cases.StateReplied, cases.StateClosed}, cases.StateArchived, staffWork},
	{"reopen", []string{cases.StateReplied, cases.StateClosed, cases.StateArchived}, cases.StateInProgress, supervisor},
	{"reassign", cases.OpenStates, stay, supervisor},
	{"add_note", allStates, stay, allStaff},
	{"record_remedy", received, stay, staffWork},
}

// Events lists every event name of the table once, in table order, with its label.
var Events = cases.CodeList{
	lbl("register", "登记", "Register"),
	lbl("discard", "作废", "Discard"),
	lbl("withdraw", "撤回申请", "Withdraw"),
	lbl("request_correction", "告知补正", "Request correction"),
	lbl("submit_correction", "提交补正", "Submit correction"),
	lbl("correction_lapsed", "逾期未补正", "Correction lapsed"),
	lbl("accept", "受理", "Accept"),
	lbl("consult", "征求意见", "Consult"),
	lbl("consultation_done", "征求意见结束", "Consultation done"),
	lbl("request_fee", "收费通知", "Request fee"),
	lbl("fee_paid", "已缴费", "Fee paid"),
	lbl("fee_lapsed", "逾期未缴费", "Fee lapsed"),
	lbl("extend", "延期答复", "Extend"),
	lbl("set_reply_period", "另行确定答复期限", "Set reply period"),
	lbl("draft_reply", "拟稿答复", "Draft reply"),
	lbl("return", "退回修改", "Return"),
	lbl("approve", "审批通过", "Approve"),
	lbl("record_delivery", "送达登记", "Record delivery"),
	lbl("archive", "归档", "Archive"),
	lbl("reopen", "重新办理", "Reopen"),
	lbl("reassign", "改派", "Reassign"),
	lbl("add_note", "添加备注", "Add note"),
	lbl("record_remedy", "登记救济", "Record remedy"),
}

// SystemEvents are recorded by foidesk itself, never fired through the table: creation of a case
// (submit for an online application, register for a paper one), the calendar recomputation, the
// ledger import, document issue and a new access code for the applicant (POST /track/recover).
var SystemEvents = cases.CodeList{
	lbl("submit", "网上提交", "Submitted online"),
	lbl("deadline_recomputed", "期限重算", "Deadline recomputed"),
	lbl("imported", "台账导入", "Imported"),
	lbl("document_issued", "文书签发", "Document issued"),
	lbl("access_code_reissued", "重新发放查询码", "Access code reissued"),
}

// EventLabel labels any event name, table or system.
func EventLabel(name, lang string) string {
	if _, ok := Events.Find(name); ok {
		return Events.Label(name, lang)
	}
	return SystemEvents.Label(name, lang)
}

// rows returns the table rows of event.
func rows(event string) []Transition {
	var out []Transition
	for _, t := range Table {
		if t.Event == event {
			out = append(out, t)
		}
	}
	return out
}

// FiniteStates are the states with no way out of the table except reopen or none at all.
var FiniteStates = []string{cases.StateDiscarded}

func lbl(code, zh, en string) cases.Code { return cases.Code{Code: code, ZH: zh, EN: en} }
