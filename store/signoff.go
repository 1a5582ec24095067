package store

import (
	"context"
	"encoding/json"
	"fmt"

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

func signedMonths(ctx context.Context, q getter, agencyID int64) (signedSet, error) {
	var rows []struct {
		Year  int `db:"year"`
		Month int `db:"month"`
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT year, month FROM signoffs WHERE agency_id = ?`), agencyID); err != nil {
		return nil, err
	}
	s := signedSet{}
	for _, r := range rows {
		s[fmt.Sprintf("%04d-%02d", r.Year, r.Month)] = true
	}
	return s, nil
}

func signedMessage(month string) string {
	var y, m int
	fmt.Sscanf(month, "%d-%d", &y, &m)
	return fmt.Sprintf("%d年%d月的台账已签核，该月的记录不能再更改。", y, m)
}

func signedMessageEN(month string) string {
	return fmt.Sprintf("the ledger of %s is signed off: its records can no longer change", month)
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
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM signoffs WHERE agency_id = ?`), agency.ID); err != nil || n == 0 {
		return err
	}
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
