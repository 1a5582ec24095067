package cases

import (
	"encoding/json"
	"time"
)

// State is the state of a case (docs/design.md "The state machine"); stored and sent as its
// string.
type State string

// States of a case (docs/design.md "The state machine").
const (
	StateSubmitted          State = "submitted"
	StateRegistered               = "registered"
	StateAwaitingCorrection       = "awaiting_correction"
	StateInProgress               = "in_progress"
	StateConsulting               = "consulting"
	StateAwaitingFee              = "awaiting_fee"
	StatePendingApproval          = "pending_approval"
	StateReplied                  = "replied"
	StateClosed                   = "closed"
	StateDiscarded                = "discarded"
	StateArchived                 = "archived"
)

// States lists every state with its label, in the order of a case's life.
var States = CodeList{
	{string(StateSubmitted), "待登记", "Awaiting registration"},
	{string(StateRegistered), "已登记", "Registered"},
	{string(StateAwaitingCorrection), "待补正", "Awaiting correction"},
	{string(StateInProgress), "办理中", "In progress"},
	{string(StateConsulting), "征求意见中", "Consulting"},
	{string(StateAwaitingFee), "待缴费", "Awaiting fee"},
	{string(StatePendingApproval), "待审批", "Pending approval"},
	{string(StateReplied), "已答复", "Replied"},
	{string(StateClosed), "已终止", "Closed"},
	{string(StateDiscarded), "已作废", "Discarded"},
	{string(StateArchived), "已归档", "Archived"},
}

// Label returns the state's label in lang ("en" or Chinese).
func (s State) Label(lang string) string { return States.Label(string(s), lang) }

// OpenStates are the states in which the case is received and not concluded: the reply clock runs
// or is paused.
var OpenStates = []State{StateRegistered, StateAwaitingCorrection, StateInProgress, StateConsulting, StateAwaitingFee, StatePendingApproval}

// IsOpen reports whether state is one of OpenStates.
func IsOpen(state State) bool {
	for _, s := range OpenStates {
		if s == state {
			return true
		}
	}
	return false
}

// Applicant is the person or organisation that applies (Art. 27, 29).
type Applicant struct {
	Kind        string `json:"kind" db:"applicant_kind"`
	Name        string `json:"name" db:"applicant_name"`
	IDType      string `json:"id_type" db:"id_type"`
	IDNumber    string `json:"id_number" db:"id_number"`
	OrgCategory string `json:"org_category,omitempty" db:"org_category"`
	LegalRep    string `json:"legal_rep,omitempty" db:"legal_rep"`
	ContactName string `json:"contact_name,omitempty" db:"contact_name"`
	Phone       string `json:"phone" db:"phone"`
	Email       string `json:"email,omitempty" db:"email"`
	Address     string `json:"address,omitempty" db:"address"`
	Postcode    string `json:"postcode,omitempty" db:"postcode"`
	Fax         string `json:"fax,omitempty" db:"fax"`
}

// Pause is an interval in which the reply clock stands still (Art. 33: consultation; the fee
// measures: from the fee notice to payment). It adds the working days of (Start, End] to the
// reply deadline. End is zero while the pause lasts. Epoch is the clock epoch it belongs to:
// pauses of an earlier epoch (before a restart) no longer count.
type Pause struct {
	Kind  string `json:"kind"` // consultation | fee
	Start Date   `json:"start"`
	End   Date   `json:"end"`
	Days  int    `json:"days"`
	Epoch int    `json:"epoch"`
}

// Party is one consulted third party or agency (Art. 32, 34).
type Party struct {
	Kind    string `json:"kind"` // third_party | agency
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Answer  string `json:"answer,omitempty"` // agree | object | silence
	Text    string `json:"text,omitempty"`
}

// Draft is the reply a clerk has drafted for approval.
type Draft struct {
	Outcome           string  `json:"outcome"`
	Reasons           string  `json:"reasons"`
	LegalBasis        string  `json:"legal_basis,omitempty"`
	ResponsibleAgency string  `json:"responsible_agency,omitempty"`
	WherePublic       string  `json:"where_public,omitempty"`
	Documents         []int64 `json:"documents,omitempty"`
	DraftedBy         string  `json:"drafted_by"`
	// rejected.duplicate (Art. 36(六)): the earlier concluded case of the same applicant, by its
	// tracking number, and its reply letter's number and date, which the letter names.
	DuplicateOf       string `json:"duplicate_of,omitempty"`
	DuplicateLetterNo string `json:"duplicate_letter_no,omitempty"`
	DuplicateOn       Date   `json:"duplicate_on,omitempty"`
}

// Clock holds the facts every deadline of a case is computed from (docs/rules.md §4). The workflow
// package derives the dates of Case from it and a Calendar; nothing else moves a deadline.
type Clock struct {
	Start       Date    `json:"start"`                  // day the reply period counts from (receipt, corrected receipt, reopen)
	Days        int     `json:"days"`                   // working days of the period (20)
	Base        Date    `json:"base,omitempty"`         // an explicit end of the period (Art. 35 period, reopen due date)
	Epoch       int     `json:"epoch"`                  // incremented at each restart
	ExtDays     int     `json:"ext_days"`               // extension in this epoch (Art. 33)
	Extensions  int     `json:"extensions"`             // extensions granted in this handling
	Pauses      []Pause `json:"pauses"`                 // every pause, all epochs
	CorrectedOn Date    `json:"corrected_on,omitempty"` // receipt of the corrected application
	// Side periods: the letter dates that start them.
	CorrectionOn     Date `json:"correction_on,omitempty"`     // date of the correction notice
	CorrectionPeriod int  `json:"correction_period,omitempty"` // working days given to correct
	Corrections      int  `json:"corrections"`                 // correction notices in this handling (at most 1)
	ConsultOn        Date `json:"consult_on,omitempty"`        // date of the latest consultation letter
	FeeOn            Date `json:"fee_on,omitempty"`            // date of the fee notice
	// Art. 35: the request for reasons (说明理由通知书) and the reasons received, in this handling.
	ReasonsOn         Date `json:"reasons_on,omitempty"`          // date of the request for reasons
	ReasonsDue        Date `json:"reasons_due,omitempty"`         // the reasons are due by
	ReasonsReceivedOn Date `json:"reasons_received_on,omitempty"` // the applicant's reasons arrived
}

// Fee is the information-processing fee of a case (国办函〔2020〕109号).
type Fee struct {
	Basis  string `json:"basis"`
	Pages  int    `json:"pages,omitempty"`
	Count  int    `json:"count,omitempty"` // the request's place in the applicant's month (per request)
	Amount int    `json:"amount"`          // yuan
	PaidOn Date   `json:"paid_on,omitempty"`
}

// Case is one application for disclosure and its handling.
type Case struct {
	ID             int64     `json:"id" db:"id"`
	AgencyID       int64     `json:"-" db:"agency_id"`
	Agency         string    `json:"agency" db:"agency_code"`
	TrackingNo     string    `json:"tracking_no" db:"tracking_no"`
	AccessCodeHash string    `json:"-" db:"access_code_hash"`
	State          State     `json:"state" db:"state"`
	Version        int       `json:"version" db:"version"`
	Applicant      Applicant `json:"applicant" db:""`
	Description    string    `json:"description" db:"description"`
	Purpose        string    `json:"purpose,omitempty" db:"purpose"`
	Channel        string    `json:"channel" db:"channel"`
	Delivery       string    `json:"delivery" db:"delivery"`
	Carrier        string    `json:"carrier" db:"carrier"`

	ReceivedOn         Date   `json:"received_on" db:"received_on"`
	ReceivedBy         string `json:"received_by,omitempty" db:"received_by"`
	ClockStart         Date   `json:"clock_start" db:"clock_start"`
	ReplyDue           Date   `json:"reply_due" db:"reply_due"`
	Provisional        bool   `json:"provisional" db:"provisional"`
	CorrectionNoticeBy Date   `json:"correction_notice_by" db:"correction_notice_by"`
	CorrectionDue      Date   `json:"correction_due" db:"correction_due"`
	ConsultationDue    Date   `json:"consultation_due" db:"consultation_due"`
	FeeDue             Date   `json:"fee_due" db:"fee_due"`
	ExtendedDays       int    `json:"extended_days" db:"extended_days"`
	PausedDays         int    `json:"paused_days" db:"paused_days"`
	Clock              Clock  `json:"-" db:"-"`

	Assignee    string  `json:"assignee" db:"assignee"`
	Outcome     string  `json:"outcome" db:"outcome"`
	ConcludedOn Date    `json:"concluded_on" db:"concluded_on"`
	LetterNo    string  `json:"letter_no" db:"letter_no"`
	Draft       *Draft  `json:"draft,omitempty" db:"-"`
	Parties     []Party `json:"parties,omitempty" db:"-"`
	// CorrectionItems are what the applicant was asked to correct (Art. 30).
	CorrectionItems []string `json:"correction_items,omitempty" db:"-"`
	Fee             *Fee     `json:"fee,omitempty" db:"-"`
	DeliveredOn     Date     `json:"delivered_on" db:"delivered_on"`
	DeliveryWay     string   `json:"delivery_way,omitempty" db:"delivery_way"`
	ArchivedOn      Date     `json:"archived_on" db:"archived_on"`
	Handling        int      `json:"handling" db:"handling"` // 1, then +1 per reopen
	ReopenedOn      Date     `json:"reopened_on,omitempty" db:"reopened_on"`
	Imported        bool     `json:"imported" db:"imported"`

	EventCount int       `json:"event_count" db:"event_count"`
	HeadHash   string    `json:"head_hash" db:"head_hash"`
	CreatedAt  time.Time `json:"created_at" db:"created_at"`
	UpdatedAt  time.Time `json:"updated_at" db:"updated_at"`

	Documents []Document `json:"documents" db:"-"`
	Events    []Event    `json:"events" db:"-"`
	Remedies  []Remedy   `json:"remedies" db:"-"`

	// ReadAt identifies the state of the database a listed case was read in (the store's read
	// cache; 0 when unknown): two cases with the same ID and the same non-zero ReadAt are equal,
	// lists included, so that what is derived from one (its JSON) serves for the other.
	ReadAt int64 `json:"-" db:"-"`
}

// RunningStates are the open states in which the reply clock runs; in the others it is stopped
// (awaiting correction, Art. 30) or paused (consultation, Art. 33; fee).
var RunningStates = []State{StateRegistered, StateInProgress, StatePendingApproval}

// ClockRunning reports whether the reply clock of a case in state runs.
func ClockRunning(state State) bool {
	for _, s := range RunningStates {
		if s == state {
			return true
		}
	}
	return false
}

// Overdue reports whether the reply deadline has passed on day today with the case still open
// and its clock running.
func (c *Case) Overdue(today Date) bool {
	return ClockRunning(c.State) && !c.ReplyDue.IsZero() && c.ReplyDue.Before(today)
}

// Event is one entry of a case's append-only history (Art. 45: 登记、审核、办理、答复、归档).
type Event struct {
	CaseID         int64           `json:"-" db:"case_id"`
	Seq            int             `json:"seq" db:"seq"`
	Event          EventName       `json:"event" db:"event"`
	Actor          string          `json:"actor" db:"actor"`
	At             time.Time       `json:"at" db:"at"`
	FromState      State           `json:"from_state" db:"from_state"`
	ToState        State           `json:"to_state" db:"to_state"`
	Payload        json.RawMessage `json:"payload" db:"payload"`
	ReplyDueBefore Date            `json:"reply_due_before" db:"reply_due_before"`
	ReplyDueAfter  Date            `json:"reply_due_after" db:"reply_due_after"`
	PrevHash       string          `json:"-" db:"prev_hash"`
	Hash           string          `json:"hash" db:"hash"`
}

// Document is an issued letter, an application form, an upload or a report stored with a case.
// Issued documents never change: Body is stored once with its SHA-256.
type Document struct {
	ID          int64     `json:"id" db:"id"`
	CaseID      int64     `json:"-" db:"case_id"`
	EventSeq    int       `json:"event_seq,omitempty" db:"event_seq"`
	Kind        string    `json:"kind" db:"kind"`
	Number      string    `json:"number,omitempty" db:"number"`
	Title       string    `json:"title" db:"title"`
	Filename    string    `json:"filename" db:"filename"`
	ContentType string    `json:"content_type" db:"content_type"`
	SHA256      string    `json:"sha256" db:"sha256"`
	Size        int64     `json:"size" db:"size"`
	Applicant   bool      `json:"-" db:"to_applicant"`                    // addressed to (or visible to) the applicant
	ForRelease  bool      `json:"for_release,omitempty" db:"for_release"` // uploaded by staff as information to release (a reply's 附件)
	Warnings    string    `json:"warnings,omitempty" db:"warnings"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
	URL         string    `json:"url,omitempty" db:"-"`
	Body        []byte    `json:"-" db:"body"`
}

// Remedy is a record of 行政复议 or 行政诉讼 against a decision (table 四).
type Remedy struct {
	ID        int64  `json:"id" db:"id"`
	CaseID    int64  `json:"-" db:"case_id"`
	Kind      string `json:"kind" db:"kind"`
	FiledOn   Date   `json:"filed_on" db:"filed_on"`
	Result    string `json:"result" db:"result"`
	DecidedOn Date   `json:"decided_on" db:"decided_on"`
}

// Actor is whoever fires an event: a staff user, the applicant (through the access code) or the
// built-in system account.
type Actor struct {
	Kind     string   // staff | applicant | system
	UserID   int64    // staff only
	Name     string   // username, "applicant" or "system"
	Roles    []string // staff only
	AgencyID int64    // staff: the home agency
	Agencies []int64  // staff: every agency the user may act for
}

// Actor kinds.
const (
	ActorStaff     = "staff"
	ActorApplicant = "applicant"
	ActorSystem    = "system"
)

// SystemActor is the built-in system account used by the scheduler and the import.
var SystemActor = Actor{Kind: ActorSystem, Name: "system"}

// Has reports whether the actor holds role.
func (a Actor) Has(role string) bool {
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// MayActFor reports whether a staff actor belongs to (or oversees) the agency.
func (a Actor) MayActFor(agencyID int64) bool {
	if a.Kind != ActorStaff {
		return true
	}
	if a.AgencyID == agencyID {
		return true
	}
	for _, id := range a.Agencies {
		if id == agencyID {
			return true
		}
	}
	return false
}
