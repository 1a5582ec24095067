package store

import (
	"context"

	cases "foidesk/case"
)

// MonthCount is the applicant's number of requests received in the case's receipt month, this
// one included, discarded submissions excluded (docs/rules.md §5: same identity document) — what
// a per-request fee notice for the case would count; the case page shows it before the clerk
// confirms a fee.
func (db *DB) MonthCount(ctx context.Context, c *cases.Case) (int, error) {
	if c.ReceivedOn.IsZero() {
		return 1, nil
	}
	first := cases.NewDate(c.ReceivedOn.Year(), c.ReceivedOn.Month(), 1)
	var n int
	err := db.R.GetContext(ctx, &n, db.R.Rebind(`SELECT COUNT(*) FROM cases WHERE id_type = ? AND id_number = ? AND received_on >= ? AND received_on < ? AND state <> ?
		AND (received_on < ? OR (received_on = ? AND id <= ?))`),
		c.Applicant.IDType, c.Applicant.IDNumber, first, first.Time().AddDate(0, 1, 0).Format("2006-01-02"), cases.StateDiscarded,
		c.ReceivedOn, c.ReceivedOn, c.ID)
	return n, err
}

var _ cases.AccountService = (*DB)(nil)
