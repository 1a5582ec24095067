package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// caseColumns is the column list of the cases table in the order of caseRow.
var caseColumns = []string{"id", "agency_id", "tracking_no", "access_code_hash", "state", "version",
	"applicant_kind", "applicant_name", "id_type", "id_number", "org_category", "legal_rep", "contact_name", "phone", "email", "address", "postcode", "fax",
	"description", "purpose", "channel", "delivery", "carrier",
	"received_on", "received_by", "clock_start", "reply_due", "provisional", "correction_notice_by", "correction_due", "consultation_due", "fee_due",
	"extended_days", "paused_days", "clock", "details",
	"assignee", "outcome", "concluded_on", "letter_no", "delivered_on", "delivery_way", "archived_on", "handling", "reopened_on", "imported",
	"event_count", "head_hash", "created_at", "updated_at", "phone_digits"}

// caseSelect reads cases with their agency's code. The code comes from a scalar subquery, not a
// JOIN: on SQLite reading a case by id through the JOIN took about ten times as long (pprof of a
// transition: 20 % of its time in this one statement's step; docs/performance.md).
var caseSelect = "SELECT c." + strings.Join(caseColumns, ", c.") + ", (SELECT a.code FROM agencies a WHERE a.id = c.agency_id) AS agency_code FROM cases c"

// caseRow is one row of cases as stored.
type caseRow struct {
	ID             int64       `db:"id"`
	AgencyID       int64       `db:"agency_id"`
	AgencyCode     string      `db:"agency_code"`
	TrackingNo     string      `db:"tracking_no"`
	AccessCodeHash string      `db:"access_code_hash"`
	State          cases.State `db:"state"`
	Version        int         `db:"version"`
	Kind           string      `db:"applicant_kind"`
	Name           string      `db:"applicant_name"`
	IDType         string      `db:"id_type"`
	IDNumber       string      `db:"id_number"`
	OrgCategory    string      `db:"org_category"`
	LegalRep       string      `db:"legal_rep"`
	ContactName    string      `db:"contact_name"`
	Phone          string      `db:"phone"`
	Email          string      `db:"email"`
	Address        string      `db:"address"`
	Postcode       string      `db:"postcode"`
	Fax            string      `db:"fax"`
	Description    string      `db:"description"`
	Purpose        string      `db:"purpose"`
	Channel        string      `db:"channel"`
	Delivery       string      `db:"delivery"`
	Carrier        string      `db:"carrier"`
	ReceivedOn     cases.Date  `db:"received_on"`
	ReceivedBy     string      `db:"received_by"`
	ClockStart     cases.Date  `db:"clock_start"`
	ReplyDue       cases.Date  `db:"reply_due"`
	Provisional    bool        `db:"provisional"`
	CorrNoticeBy   cases.Date  `db:"correction_notice_by"`
	CorrectionDue  cases.Date  `db:"correction_due"`
	ConsultDue     cases.Date  `db:"consultation_due"`
	FeeDue         cases.Date  `db:"fee_due"`
	ExtendedDays   int         `db:"extended_days"`
	PausedDays     int         `db:"paused_days"`
	Clock          string      `db:"clock"`
	Details        string      `db:"details"`
	Assignee       string      `db:"assignee"`
	Outcome        string      `db:"outcome"`
	ConcludedOn    cases.Date  `db:"concluded_on"`
	LetterNo       string      `db:"letter_no"`
	DeliveredOn    cases.Date  `db:"delivered_on"`
	DeliveryWay    string      `db:"delivery_way"`
	ArchivedOn     cases.Date  `db:"archived_on"`
	Handling       int         `db:"handling"`
	ReopenedOn     cases.Date  `db:"reopened_on"`
	Imported       bool        `db:"imported"`
	EventCount     int         `db:"event_count"`
	HeadHash       string      `db:"head_hash"`
	CreatedAt      time.Time   `db:"created_at"`
	UpdatedAt      time.Time   `db:"updated_at"`
	PhoneDigits    string      `db:"phone_digits"` // the telephone as searched (search.go)
}

// details is the JSON column holding the case's structured extras.
type details struct {
	Draft           *cases.Draft  `json:"draft,omitempty"`
	Parties         []cases.Party `json:"parties,omitempty"`
	Fee             *cases.Fee    `json:"fee,omitempty"`
	CorrectionItems []string      `json:"correction_items,omitempty"`
}

func (r *caseRow) toCase() *cases.Case {
	c := &cases.Case{ID: r.ID, AgencyID: r.AgencyID, Agency: r.AgencyCode, TrackingNo: r.TrackingNo, AccessCodeHash: r.AccessCodeHash,
		State: r.State, Version: r.Version,
		Applicant: cases.Applicant{Kind: r.Kind, Name: r.Name, IDType: r.IDType, IDNumber: r.IDNumber, OrgCategory: r.OrgCategory,
			LegalRep: r.LegalRep, ContactName: r.ContactName, Phone: r.Phone, Email: r.Email, Address: r.Address, Postcode: r.Postcode, Fax: r.Fax},
		Description: r.Description, Purpose: r.Purpose, Channel: r.Channel, Delivery: r.Delivery, Carrier: r.Carrier,
		ReceivedOn: r.ReceivedOn, ReceivedBy: r.ReceivedBy, ClockStart: r.ClockStart, ReplyDue: r.ReplyDue, Provisional: r.Provisional,
		CorrectionNoticeBy: r.CorrNoticeBy, CorrectionDue: r.CorrectionDue, ConsultationDue: r.ConsultDue, FeeDue: r.FeeDue,
		ExtendedDays: r.ExtendedDays, PausedDays: r.PausedDays,
		Assignee: r.Assignee, Outcome: r.Outcome, ConcludedOn: r.ConcludedOn, LetterNo: r.LetterNo, DeliveredOn: r.DeliveredOn,
		DeliveryWay: r.DeliveryWay, ArchivedOn: r.ArchivedOn, Handling: r.Handling, ReopenedOn: r.ReopenedOn, Imported: r.Imported,
		EventCount: r.EventCount, HeadHash: r.HeadHash, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	_ = json.Unmarshal([]byte(r.Clock), &c.Clock)
	var d details
	_ = json.Unmarshal([]byte(r.Details), &d)
	c.Draft, c.Parties, c.Fee, c.CorrectionItems = d.Draft, d.Parties, d.Fee, d.CorrectionItems
	return c
}

// caseValues returns the values of caseColumns (without id) for c.
func caseValues(c *cases.Case) []any {
	clock, _ := json.Marshal(c.Clock)
	det, _ := json.Marshal(details{Draft: c.Draft, Parties: c.Parties, Fee: c.Fee, CorrectionItems: c.CorrectionItems})
	a := c.Applicant
	return []any{c.AgencyID, c.TrackingNo, c.AccessCodeHash, c.State, c.Version,
		a.Kind, a.Name, a.IDType, a.IDNumber, a.OrgCategory, a.LegalRep, a.ContactName, a.Phone, a.Email, a.Address, a.Postcode, a.Fax,
		c.Description, c.Purpose, c.Channel, c.Delivery, c.Carrier,
		c.ReceivedOn, c.ReceivedBy, c.ClockStart, c.ReplyDue, c.Provisional, c.CorrectionNoticeBy, c.CorrectionDue, c.ConsultationDue, c.FeeDue,
		c.ExtendedDays, c.PausedDays, string(clock), string(det),
		c.Assignee, c.Outcome, c.ConcludedOn, c.LetterNo, c.DeliveredOn, c.DeliveryWay, c.ArchivedOn, c.Handling, c.ReopenedOn, c.Imported,
		c.EventCount, c.HeadHash, c.CreatedAt.UTC(), c.UpdatedAt.UTC(), phoneDigits(a.Phone)}
}

// updateCase writes the columns of n that differ from old (the case as loaded in this
// transaction), compare-and-set on old's version and state; RowsAffected is 0 when the case changed
// meanwhile. The cases table carries many indexes (the queue's, search's, the reports'); SQLite
// rewrites every index that has a column named in SET, whether or not its value changed, so the
// UPDATE naming all columns (caseUpdate) rewrote them all on every transition (docs/performance.md).
func updateCase(ctx context.Context, tx *sqlx.Tx, old, n *cases.Case) (sql.Result, error) {
	was, now := caseValues(old), caseValues(n)
	var b strings.Builder
	b.WriteString("UPDATE cases SET ")
	args := make([]any, 0, len(now)+3)
	for i, v := range now {
		if sameValue(was[i], v) {
			continue
		}
		if len(args) > 0 {
			b.WriteString(", ")
		}
		b.WriteString(caseColumns[i+1])
		b.WriteString(" = ?")
		args = append(args, v)
	}
	if len(args) == 0 { // nothing to write: still the compare-and-set
		b.WriteString("version = version")
	}
	b.WriteString(" WHERE id = ? AND version = ? AND state = ?")
	args = append(args, n.ID, old.Version, old.State)
	return tx.ExecContext(ctx, tx.Rebind(b.String()), args...)
}

// sameValue compares two values of caseValues.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case cases.Date:
		y, ok := b.(cases.Date)
		return ok && x.Equal(y)
	}
	return a == b
}

var (
	caseInsert = "INSERT INTO cases (" + strings.Join(caseColumns[1:], ", ") + ") VALUES (?" + strings.Repeat(", ?", len(caseColumns)-2) + ") RETURNING id"
	caseUpdate = "UPDATE cases SET " + strings.Join(caseColumns[1:], " = ?, ") + " = ? WHERE id = ? AND version = ? AND state = ?"
)
