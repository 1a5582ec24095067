package cases

// EventName names an event of a case's history: an event of the state machine (docs/design.md
// "The state machine") or one that foidesk records itself. It is stored and sent as its string.
// Package workflow describes each one (workflow.Spec); everything else refers to them by these
// constants, never by a bare string.
type EventName string

// Events of the state machine.
const (
	EventRegister          EventName = "register"
	EventDiscard           EventName = "discard"
	EventWithdraw          EventName = "withdraw"
	EventRequestCorrection EventName = "request_correction"
	EventSubmitCorrection  EventName = "submit_correction"
	EventCorrectionLapsed  EventName = "correction_lapsed"
	EventAccept            EventName = "accept"
	EventConsult           EventName = "consult"
	EventConsultationDone  EventName = "consultation_done"
	EventRecordAnswer      EventName = "record_answer"
	EventRequestFee        EventName = "request_fee"
	EventFeePaid           EventName = "fee_paid"
	EventFeeLapsed         EventName = "fee_lapsed"
	EventExtend            EventName = "extend"
	EventSetReplyPeriod    EventName = "set_reply_period"
	EventAskReasons        EventName = "ask_reasons"
	EventReasonsReceived   EventName = "reasons_received"
	EventDraftReply        EventName = "draft_reply"
	EventReturn            EventName = "return"
	EventWithdrawDraft     EventName = "withdraw_draft"
	EventApprove           EventName = "approve"
	EventRecordDelivery    EventName = "record_delivery"
	EventArchive           EventName = "archive"
	EventReopen            EventName = "reopen"
	EventReassign          EventName = "reassign"
	EventAddNote           EventName = "add_note"
	EventRecordRemedy      EventName = "record_remedy"
	EventSetCategory       EventName = "set_category"
	EventAmend             EventName = "amend"
)

// Events foidesk records itself, outside the state machine: creation of an online case, the
// calendar recomputation, the ledger import, an upload added to the case file and a new access
// code for the applicant.
const (
	EventSubmit             EventName = "submit"
	EventDeadlineRecomputed EventName = "deadline_recomputed"
	EventImported           EventName = "imported"
	EventDocumentIssued     EventName = "document_issued"
	EventAccessCodeReissued EventName = "access_code_reissued"
)

// RecordedEvents are the events foidesk records itself: known names that no one fires through
// the API (refused as a matter of role, EFORBIDDEN, not as unknown events).
var RecordedEvents = []EventName{EventSubmit, EventDeadlineRecomputed, EventImported, EventDocumentIssued, EventAccessCodeReissued}

// NoticeKind names an e-mail to the applicant that an event sends (docs/design.md: side effects
// after the commit, from an outbox); workflow.Spec.Notice says which event sends which.
type NoticeKind string

// Applicant notices.
const (
	NoticeSubmitted        NoticeKind = "submitted"
	NoticeReceipt          NoticeKind = "receipt"
	NoticeCorrection       NoticeKind = "correction"
	NoticeExtension        NoticeKind = "extension"
	NoticeReplyPeriod      NoticeKind = "reply_period"
	NoticeConsultation     NoticeKind = "consultation"
	NoticeFee              NoticeKind = "fee"
	NoticeReply            NoticeKind = "reply"
	NoticeCorrectionLapsed NoticeKind = "correction_lapsed"
	NoticeFeeLapsed        NoticeKind = "fee_lapsed"
)
