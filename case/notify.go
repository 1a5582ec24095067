package cases

import "time"

// Message channels of the outbox.
const (
	MessageInbox = "inbox" // an entry of a staff user's in-app inbox; Recipient is the username
	MessageEmail = "email" // an e-mail; Recipient is the address
)

// Message is one notice in the outbox (docs/design.md: side effects after the commit, from an outbox).
// It is written in the transaction of the event or job that causes it and delivered after that
// commits: an inbox message is delivered by the commit itself (SentAt is set when it is written),
// an e-mail by the delivery job, retried with backoff (Attempts, NextTryAt, LastError). DedupKey,
// when set, is unique: a message with a key already used is never written again.
type Message struct {
	ID         int64      `json:"id" db:"id"`
	DedupKey   string     `json:"-" db:"dedup_key"`
	Kind       string     `json:"kind" db:"kind"`
	Channel    string     `json:"channel" db:"channel"`
	Recipient  string     `json:"recipient" db:"recipient"`
	CaseID     int64      `json:"case_id,omitempty" db:"case_id"`
	TrackingNo string     `json:"tracking_no,omitempty" db:"tracking_no"`
	DocumentID int64      `json:"document_id,omitempty" db:"document_id"`
	Subject    string     `json:"subject" db:"subject"`
	Body       string     `json:"body" db:"body"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	Attempts   int        `json:"attempts" db:"attempts"`
	NextTryAt  *time.Time `json:"next_try_at,omitempty" db:"next_try_at"`
	SentAt     *time.Time `json:"sent_at,omitempty" db:"sent_at"`
	ReadAt     *time.Time `json:"read_at,omitempty" db:"read_at"`
	LastError  string     `json:"last_error,omitempty" db:"last_error"`
}

// AlertKey identifies one alert of the deadline sweep: an alert with the same case, kind,
// threshold and day is sent at most once.
type AlertKey struct {
	Kind      string
	Threshold int  // working days before the deadline (0 when the kind has none)
	Day       Date // the agency's date of the sweep that raised it
}

// Alert is one alert of the deadline sweep about one case, with the messages that carry it to
// its recipients (staff usernames).
type Alert struct {
	AlertKey
	CaseID     int64
	TrackingNo string
	Recipients []string
	Messages   []Message
}

// DueCase is a case as the deadline sweep sees it: what an alert or a lapse needs.
type DueCase struct {
	ID                 int64     `db:"id"`
	AgencyID           int64     `db:"agency_id"`
	TrackingNo         string    `db:"tracking_no"`
	State              State     `db:"state"`
	Assignee           string    `db:"assignee"`
	ApplicantName      string    `db:"applicant_name"`
	ReceivedOn         Date      `db:"received_on"`
	ReplyDue           Date      `db:"reply_due"`
	CorrectionNoticeBy Date      `db:"correction_notice_by"`
	CorrectionDue      Date      `db:"correction_due"`
	ConsultationDue    Date      `db:"consultation_due"`
	FeeDue             Date      `db:"fee_due"`
	CreatedAt          time.Time `db:"created_at"`
}

// InboxFilter selects a page of a staff user's inbox, newest first: Before is the id the page
// starts below (0: the newest).
type InboxFilter struct {
	Unread bool
	Limit  int
	Before int64
}
