package store

import (
	"context"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/ledgerimport"
	"foidesk/workflow"
)

// The ledger import (docs/api.md "Ledger import file") moves an office's spreadsheet ledger into
// foidesk: every row becomes an ordinary case with an `imported` event. The whole file is
// validated first (package ledgerimport), in the transaction that writes it, and nothing is
// written when any row is wrong.

// ImportOptions says who imports into which agency.
type ImportOptions struct {
	Actor  cases.Actor // the importing user, or cases.SystemActor
	Agency string      // agency code; "" for the first agency
}

// ImportResult sums up a successful import.
type ImportResult struct {
	Cases     int      `json:"cases"`
	Open      int      `json:"open"`
	Concluded int      `json:"concluded"`
	Remedies  int      `json:"remedies"`
	Tracking  []string `json:"tracking_nos"`
}

// ImportLedger imports a ledger file (CSV or XLSX, see ledgerimport.ReadFile) into an agency, all or
// nothing: EINVALID listing every problem by row and column; EFORBIDDEN when a named importing
// user is not an administrator of that agency.
func (db *DB) ImportLedger(ctx context.Context, name string, data []byte, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	actor := opts.Actor
	if actor.Name == "" {
		actor = cases.SystemActor
	}
	if actor.Kind == cases.ActorStaff && !actor.Has(cases.RoleAdmin) {
		return res, cases.Errorf(cases.EFORBIDDEN, "只有管理员可以导入台账。", "only an administrator imports a ledger")
	}
	agency, err := db.AgencyByCode(ctx, opts.Agency)
	if err != nil {
		return res, err
	}
	if !actor.MayActFor(agency.ID) {
		return res, cases.Errorf(cases.EFORBIDDEN, "您不能向该机关导入台账。", "you may not import into this agency")
	}
	header, records, err := ledgerimport.ReadFile(name, data)
	if err != nil {
		return res, err
	}
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		signed, err := signedMonths(ctx, tx, agency.ID)
		if err != nil {
			return err
		}
		rows, problems, err := ledgerimport.Validate(agency, header, records, Today(agency, now), importLookup{ctx: ctx, tx: tx, agency: agency, signed: signed})
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return ledgerimport.Error(problems)
		}
		return db.writeImport(ctx, tx, agency, actor, filepath.Base(name), rows, now, &res)
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// writeImport inserts the validated rows. The imported tracking and letter numbers are reserved
// first, so that the numbers assigned to rows without one (and every later number) come after
// them.
func (db *DB) writeImport(ctx context.Context, tx *sqlx.Tx, agency cases.Agency, actor cases.Actor, file string, rows []ledgerimport.Row, now time.Time, res *ImportResult) error {
	for _, r := range rows {
		if r.TrackingYear > 0 {
			if err := reserveSeq(ctx, tx, agency.ID, "tracking", r.TrackingYear, r.TrackingSerial); err != nil {
				return err
			}
		}
		if prefix, year, n, ok := workflow.ParseLetterNo(r.LetterNo); ok {
			for _, kind := range workflow.LetterKindsWithPrefix(agency, prefix) {
				if err := reserveSeq(ctx, tx, agency.ID, "letter:"+kind, year, n); err != nil {
					return err
				}
			}
		}
	}
	cal := db.Calendar()
	for _, r := range rows {
		c := &cases.Case{AgencyID: agency.ID, Agency: agency.Code, TrackingNo: r.Tracking, Applicant: r.Applicant, Description: r.Description,
			Channel: r.Channel, Handling: 1, Imported: true, Version: 1}
		workflow.StartClock(c, r.Received, actor.Name)
		workflow.Recompute(c, cal)
		c.State = cases.StateRegistered
		payload := map[string]any{"file": file, "row": r.Line, "received_on": r.Received}
		if r.Outcome != "" {
			o, _ := cases.FindOutcome(r.Outcome)
			c.State = cases.StateClosed
			if o.Decision {
				c.State = cases.StateReplied
			}
			c.Outcome, c.ConcludedOn, c.LetterNo = r.Outcome, r.Concluded, r.LetterNo
			payload["outcome"], payload["concluded_on"] = r.Outcome, r.Concluded
			if r.LetterNo != "" {
				payload["letter_no"] = r.LetterNo
			}
			res.Concluded++
		} else {
			res.Open++
		}
		if r.Remedy != nil {
			rm := map[string]any{"kind": r.Remedy.Kind, "filed_on": r.Remedy.FiledOn, "result": r.Remedy.Result}
			if !r.Remedy.DecidedOn.IsZero() {
				rm["decided_on"] = r.Remedy.DecidedOn
			}
			payload["remedy"] = rm
		}
		if c.TrackingNo == "" {
			year := Today(agency, now).Year()
			n, err := nextSeq(ctx, tx, agency.ID, "tracking", year)
			if err != nil {
				return err
			}
			c.TrackingNo = workflow.FormatTrackingNo(agency.Settings.TrackingPrefix, year, n)
		}
		c.CreatedAt, c.UpdatedAt = now.UTC().Truncate(time.Microsecond), now.UTC().Truncate(time.Microsecond)
		if err := tx.GetContext(ctx, &c.ID, tx.Rebind(caseInsert), caseValues(c)...); err != nil {
			return err
		}
		if err := insertTerms(ctx, tx, c.ID, textTerms(c)); err != nil { // the search index (search.go)
			return err
		}
		ev := cases.Event{Event: cases.EventImported, Actor: actor.Name, At: now, ToState: c.State, ReplyDueAfter: c.ReplyDue, Payload: mustCanonical(payload)}
		if err := appendEvent(ctx, tx, c, &ev); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?`), c.EventCount, c.HeadHash, c.ID); err != nil {
			return err
		}
		if r.Remedy != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO remedies (case_id, kind, filed_on, result, decided_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
				c.ID, r.Remedy.Kind, r.Remedy.FiledOn, r.Remedy.Result, r.Remedy.DecidedOn, now.UTC()); err != nil {
				return err
			}
			res.Remedies++
		}
		res.Cases++
		res.Tracking = append(res.Tracking, c.TrackingNo)
	}
	return nil
}

// importLookup answers the import's questions to the database inside its transaction.
type importLookup struct {
	ctx    context.Context
	tx     *sqlx.Tx
	agency cases.Agency
	signed signedSet
}

func (l importLookup) TrackingInUse(no string) (bool, error) {
	var n int
	err := l.tx.GetContext(l.ctx, &n, l.tx.Rebind(`SELECT COUNT(*) FROM cases WHERE tracking_no = ?`), no)
	return n > 0, err
}

func (l importLookup) LetterNoInUse(no string) (bool, error) {
	var n int
	err := l.tx.GetContext(l.ctx, &n, l.tx.Rebind(`SELECT (SELECT COUNT(*) FROM cases WHERE letter_no = ? AND agency_id = ?)
		+ (SELECT COUNT(*) FROM documents d JOIN cases c ON c.id = d.case_id WHERE d.number = ? AND c.agency_id = ?)`), no, l.agency.ID, no, l.agency.ID)
	return n > 0, err
}

// Signed refuses a date inside a signed month (docs/rules.md §8: sign-off).
func (l importLookup) Signed(d cases.Date) error {
	if m := l.signed.month(d); m != "" {
		return cases.E(cases.ECONFLICT, signedMessage(m), signedMessageEN(m))
	}
	return nil
}
