package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/workflow"
)

// A supervisor's sign-off freezes a month of an agency's ledger (docs/rules.md §8): no event may be
// dated in a signed month any more, and no fact the ledger shows (receipt, delivery, payment,
// conclusion) may be given a date inside one. Later events on the same cases are allowed; they
// fall in a later month and appear in its sign-off.

// signedSet is the months an agency has signed off.
type signedSet map[string]bool // "2026-01"

func (s signedSet) month(d cases.Date) string {
	if d.IsZero() {
		return ""
	}
	k := fmt.Sprintf("%04d-%02d", d.Year(), int(d.Month()))
	if s[k] {
		return k
	}
	return ""
}

// signedMonths are the months of an agency whose latest sign-off is not reopened (a month's status
// is its latest record: a sign-off of the next round only follows a reopening of the previous).
func signedMonths(ctx context.Context, q getter, agencyID int64) (signedSet, error) {
	var rows []struct {
		Year  int `db:"year"`
		Month int `db:"month"`
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT s.year, s.month FROM signoffs s WHERE s.agency_id = ?
		AND NOT EXISTS (SELECT 1 FROM signoff_reopenings r WHERE r.signoff_id = s.id)`), agencyID); err != nil {
		return nil, err
	}
	s := signedSet{}
	for _, r := range rows {
		s[fmt.Sprintf("%04d-%02d", r.Year, r.Month)] = true
	}
	return s, nil
}

// signedMessage refuses a date in a signed month and says the way forward: a supervisor reopens
// the month's sign-off (docs/rules.md §8: late post), so a clerk is never stuck.
func signedMessage(month string) string {
	var y, m int
	fmt.Sscanf(month, "%d-%d", &y, &m)
	return fmt.Sprintf("%d年%d月的台账已签核，该月的记录不能再更改。如需补登该月收到的申请（如月末寄达的信件），请审核人（负责人）在“台账审计与月度签核”页面填写原因、重新开放该月的签核，登记后再次签核。", y, m)
}

func signedMessageEN(month string) string {
	return fmt.Sprintf("the ledger of %s is signed off: its records can no longer change. To register an application received in that month (e.g. late post), a supervisor reopens the month's sign-off with a reason on the page \"Ledger audit and monthly sign-off\"; after the registration the month is signed off again", month)
}

// checkSigned refuses (ECONFLICT) an event that would be dated in a signed month of the case's
// agency, or that would date a receipt, delivery or payment inside one. TransitionCase calls it
// before writing.
func (db *DB) checkSigned(ctx context.Context, tx *sqlx.Tx, res *workflow.Result, agency cases.Agency) error {
	dates := []cases.Date{Today(agency, res.Event.At)}
	var p map[string]any
	if json.Unmarshal(res.Event.Payload, &p) == nil {
		for _, f := range workflow.SignedDates(res.Event.Event) { // the dates by which the event writes a fact into the past
			if s, ok := p[f].(string); ok {
				if d, err := cases.ParseDate(s); err == nil {
					dates = append(dates, d)
				}
			}
		}
	}
	return db.checkSignedDates(ctx, tx, agency, dates...)
}

// checkSignedDates refuses (ECONFLICT) any date inside a signed month of agency.
func (db *DB) checkSignedDates(ctx context.Context, tx *sqlx.Tx, agency cases.Agency, dates ...cases.Date) error {
	set, err := signedMonths(ctx, tx, agency.ID)
	if err != nil {
		return err
	}
	for _, d := range dates {
		if m := set.month(d); m != "" {
			return cases.E(cases.ECONFLICT, signedMessage(m), signedMessageEN(m))
		}
	}
	return nil
}

// latestSignOff is a month's latest sign-off (nil when it has none), with its reopening if any.
func latestSignOff(ctx context.Context, q getter, agencyID int64, year, month int) (*cases.SignOff, error) {
	var rows []signOffRow
	if err := q.SelectContext(ctx, &rows, q.Rebind(signOffSelect+` WHERE s.agency_id = ? AND s.year = ? AND s.month = ? ORDER BY s.round DESC LIMIT 1`), agencyID, year, month); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	so := rows[0].signOff()
	return &so, nil
}

// maxReopenReason bounds the reason of a reopening (characters).
const maxReopenReason = 500

// ReopenMonth records a supervisor's reopening of a signed month of their agency, with a reason
// (docs/rules.md §8: late post received in a signed month is registered after a reopening, never
// lost). The reopening is an append-only record (who, when, why) next to the sign-off it reopens;
// from then on the month is not signed (checkSignedDates), until the supervisor signs it off again
// (SignOffMonth: a sign-off of the next round). Checks in the order of events: role (EFORBIDDEN),
// the month's state (ECONFLICT: not signed, or reopened already), then the reason (EINVALID with
// fields.reason).
func (db *DB) ReopenMonth(ctx context.Context, req cases.ReopenRequest, actor cases.Actor) (cases.SignOffReopening, error) {
	var out cases.SignOffReopening
	if !actor.Has(cases.RoleSupervisor) {
		return out, cases.Errorf(cases.EFORBIDDEN, "只有审核人（负责人）可以重新开放已签核的月份。", "only a supervisor reopens a signed month")
	}
	agency, err := db.Agency(ctx, req.AgencyID)
	if err != nil {
		return out, err
	}
	if !actor.MayActFor(agency.ID) {
		return out, cases.Errorf(cases.EFORBIDDEN, "您不能重新开放该机关的台账签核。", "you may not reopen this agency's sign-off")
	}
	if req.Month < 1 || req.Month > 12 || req.Year < 1990 || req.Year > 9998 {
		return out, cases.Errorf(cases.EINVALID, "年份或月份不正确。", "bad year or month")
	}
	reason := strings.TrimSpace(req.Reason)
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		latest, err := latestSignOff(ctx, tx, agency.ID, req.Year, req.Month)
		if err != nil {
			return err
		}
		if latest == nil {
			return cases.Errorf(cases.ECONFLICT, "%d年%d月的台账尚未签核，无需重新开放。", "%d-%02d is not signed off: there is nothing to reopen", req.Year, req.Month)
		}
		if latest.Reopened != nil {
			return cases.Errorf(cases.ECONFLICT, "%d年%d月的签核已于%s重新开放，尚未再次签核。", "the sign-off of %d-%02d was already reopened on %s and not signed again yet",
				req.Year, req.Month, Today(agency, latest.Reopened.ReopenedAt).Chinese())
		}
		var zh, en string
		switch {
		case reason == "":
			zh, en = "请填写重新开放的原因（例如：补登11月30日收到的挂号信）。", "Give the reason for reopening (e.g. registering a letter received on 30 November)."
		case utf8.RuneCountInString(reason) > maxReopenReason:
			zh, en = fmt.Sprintf("重新开放的原因不能超过%d个字。", maxReopenReason), fmt.Sprintf("The reason for reopening may have at most %d characters.", maxReopenReason)
		}
		if zh != "" {
			var f cases.FieldErrors
			f.Add("reason", zh, en)
			e := f.Err().(*cases.Error)
			e.Message, e.MessageEN = zh, en // the page shows the message itself
			return e
		}
		out = cases.SignOffReopening{SignOffID: latest.ID, AgencyID: agency.ID, Agency: agency.Code, Year: req.Year, Month: req.Month, Round: latest.Round,
			ReopenedBy: actor.Name, ReopenedAt: now.UTC().Truncate(time.Microsecond), Reason: reason}
		return tx.GetContext(ctx, &out.ID, tx.Rebind(`INSERT INTO signoff_reopenings (signoff_id, agency_id, year, month, round, reopened_by, reopened_at, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), out.SignOffID, agency.ID, req.Year, req.Month, out.Round, out.ReopenedBy, out.ReopenedAt, out.Reason)
	})
	if lostReopeningRace(err) { // a concurrent reopening won (PostgreSQL)
		err = cases.Errorf(cases.ECONFLICT, "%d年%d月的签核刚刚已被重新开放。", "the sign-off of %d-%02d was just reopened", req.Year, req.Month)
	}
	if err != nil {
		return cases.SignOffReopening{}, err
	}
	return out, nil
}

// AwaitingRegistration counts the agency's online applications submitted on or before the month's
// last day (in the agency's time) and still awaiting registration (待登记): the sign-off page warns
// of them before the supervisor signs.
func (db *DB) AwaitingRegistration(ctx context.Context, agencyID int64, year, month int) (int, error) {
	if month < 1 || month > 12 || year < 1990 || year > 9998 {
		return 0, cases.Errorf(cases.EINVALID, "年份或月份不正确。", "bad year or month")
	}
	agency, err := db.Agency(ctx, agencyID)
	if err != nil {
		return 0, err
	}
	end := time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, agency.Settings.Location())
	var n int
	err = db.R.GetContext(ctx, &n, db.R.Rebind(`SELECT COUNT(*) FROM cases WHERE agency_id = ? AND state = ? AND created_at < ?`), agencyID, cases.StateSubmitted, end.UTC())
	return n, err
}

// lostReopeningRace reports whether err violates a constraint that allows one reopening per
// sign-off (migration 0012): a concurrent reopening committed first.
func lostReopeningRace(err error) bool {
	return isUniqueViolation(err, "signoff_reopenings_signoff_id_key", "signoff_reopenings.signoff_id") ||
		isUniqueViolation(err, "signoff_reopenings_agency_id_year_month_round_key", "signoff_reopenings.agency_id")
}
