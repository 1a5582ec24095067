package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"foidesk/archive"
	cases "foidesk/case"
)

// The archive (docs/operations.md "Archive"): 件号 assigned in the archive transaction, and what
// package archive reads to make packages and transfers.

// archiveItemClass is the sequence class of 件号 (yearly per agency).
const archiveItemClass = "archive_item"

var _ archive.Source = (*DB)(nil)

type archiveItemRow struct {
	CaseID int64 `db:"case_id"`
	Year   int   `db:"year"`
	ItemNo int   `db:"item_no"`
}

// archiveYear is a case's 年度: the year of its conclusion (else of its archiving).
func archiveYear(c *cases.Case, today cases.Date) int {
	switch {
	case !c.ConcludedOn.IsZero():
		return c.ConcludedOn.Year()
	case !c.ArchivedOn.IsZero():
		return c.ArchivedOn.Year()
	}
	return today.Year()
}

// assignArchiveItem gives a case being archived its 年度 and 件号 — the next of the agency's
// year, or the ones it already has when it was archived before and reopened — and records them
// (and the package version) in the archive event's payload, inside the event's transaction.
func assignArchiveItem(ctx context.Context, tx *sqlx.Tx, c *cases.Case, ev *cases.Event, now time.Time) error {
	item, err := archiveItem(ctx, tx, c, now)
	if err != nil {
		return err
	}
	var version int
	if err := tx.GetContext(ctx, &version, tx.Rebind(`SELECT COUNT(*) FROM case_events WHERE case_id = ? AND event = 'archive'`), c.ID); err != nil {
		return err
	}
	version++
	p := map[string]any{}
	if len(ev.Payload) > 0 {
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return err
		}
	}
	p["year"], p["item_no"], p["version"] = item.Year, item.ItemNo, version
	ev.Payload, err = json.Marshal(p)
	return err
}

// archiveItem returns the case's archive row, creating it with the next 件号 when it has none.
func archiveItem(ctx context.Context, tx *sqlx.Tx, c *cases.Case, now time.Time) (archiveItemRow, error) {
	var r archiveItemRow
	err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT case_id, year, item_no FROM archive_items WHERE case_id = ?`), c.ID)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return r, err
	}
	a, err := agencyTx(ctx, tx, c.AgencyID)
	if err != nil {
		return r, err
	}
	r.CaseID, r.Year = c.ID, archiveYear(c, Today(a, now))
	if r.ItemNo, err = nextSeq(ctx, tx, c.AgencyID, archiveItemClass, r.Year); err != nil {
		return r, err
	}
	_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO archive_items (case_id, agency_id, year, item_no, archived_at) VALUES (?, ?, ?, ?, ?)`),
		r.CaseID, c.AgencyID, r.Year, r.ItemNo, now.UTC())
	return r, err
}

// AssignMissingArchiveItems gives every archived case without a 件号 its one, in the order of
// archiving: cases archived before this version, or written in bulk by the demo. It returns how
// many it assigned.
func (db *DB) AssignMissingArchiveItems(ctx context.Context) (int, error) {
	var ids []int64
	q := `SELECT c.id FROM cases c LEFT JOIN archive_items ai ON ai.case_id = c.id WHERE c.state = ? AND ai.case_id IS NULL ORDER BY c.agency_id, c.archived_on, c.id`
	if err := db.R.SelectContext(ctx, &ids, db.R.Rebind(q), cases.StateArchived); err != nil || len(ids) == 0 {
		return 0, err
	}
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		for _, id := range ids {
			c, err := db.caseByID(ctx, tx, id, true)
			if err != nil {
				return err
			}
			if _, err := archiveItem(ctx, tx, c, now); err != nil {
				return err
			}
		}
		return nil
	})
	return len(ids), err
}

// ArchiveEntries lists an agency's cases in state archived whose 年度 is year, by 件号.
func (db *DB) ArchiveEntries(ctx context.Context, year int, agencyID int64) ([]archive.Entry, error) {
	if _, err := db.AssignMissingArchiveItems(ctx); err != nil {
		return nil, err
	}
	var rows []archiveItemRow
	err := db.R.SelectContext(ctx, &rows, db.R.Rebind(`SELECT ai.case_id, ai.year, ai.item_no FROM archive_items ai JOIN cases c ON c.id = ai.case_id
		WHERE ai.agency_id = ? AND ai.year = ? AND c.state = ? ORDER BY ai.item_no`), agencyID, year, cases.StateArchived)
	out := make([]archive.Entry, len(rows))
	for i, r := range rows {
		out[i] = archive.Entry{CaseID: r.CaseID, Year: r.Year, ItemNo: r.ItemNo}
	}
	return out, err
}

// ArchiveCase returns an archived case with its events, remedies and documents with their
// bodies, its agency and its 件号 (ENOTFOUND; ECONFLICT when the case is not archived now).
func (db *DB) ArchiveCase(ctx context.Context, caseID int64) (archive.Case, error) {
	c, err := db.Case(ctx, caseID)
	if err != nil {
		return archive.Case{}, err
	}
	if c.State != cases.StateArchived {
		return archive.Case{}, cases.E(cases.ECONFLICT, "该申请未归档，没有归档包。", "the case is not archived: there is no archival package")
	}
	var r archiveItemRow
	err = db.R.GetContext(ctx, &r, db.R.Rebind(`SELECT case_id, year, item_no FROM archive_items WHERE case_id = ?`), caseID)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err = db.AssignMissingArchiveItems(ctx); err == nil {
			err = db.R.GetContext(ctx, &r, db.R.Rebind(`SELECT case_id, year, item_no FROM archive_items WHERE case_id = ?`), caseID)
		}
	}
	if err != nil {
		return archive.Case{}, err
	}
	if err := db.completeCaseLetters(ctx, caseID); err != nil { // the package holds every letter's PDF (pending.go)
		return archive.Case{}, err
	}
	var docs []cases.Document
	if err := db.R.SelectContext(ctx, &docs, db.R.Rebind(`SELECT `+documentColumns+`, body FROM documents WHERE case_id = ? ORDER BY id`), caseID); err != nil {
		return archive.Case{}, err
	}
	c.Documents = docs
	a, err := db.Agency(ctx, c.AgencyID)
	if err != nil {
		return archive.Case{}, err
	}
	return archive.Case{Case: c, Agency: a, Entry: archive.Entry{CaseID: r.CaseID, Year: r.Year, ItemNo: r.ItemNo}}, nil
}

// ArchiveYears lists the 年度 that have archived cases among agencyIDs (all when empty), latest first.
func (db *DB) ArchiveYears(ctx context.Context, agencyIDs []int64) ([]int, error) {
	q, args := `SELECT DISTINCT ai.year FROM archive_items ai JOIN cases c ON c.id = ai.case_id WHERE c.state = ?`, []any{cases.StateArchived}
	q, args = inAgencies(q, args, agencyIDs)
	var years []int
	err := db.R.SelectContext(ctx, &years, db.R.Rebind(q+` ORDER BY ai.year DESC`), args...)
	return years, err
}

func inAgencies(q string, args []any, ids []int64) (string, []any) {
	if len(ids) == 0 {
		return q, args
	}
	q += ` AND ai.agency_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	for _, id := range ids {
		args = append(args, id)
	}
	return q, args
}

// ArchiveDue lists the archived cases of agencyIDs (all when empty) whose 保管期限 has passed on
// today, for the office's 鉴定 (appraisal), by the day it passed; nothing is ever deleted.
func (db *DB) ArchiveDue(ctx context.Context, agencyIDs []int64, today cases.Date) ([]archive.Due, error) {
	if _, err := db.AssignMissingArchiveItems(ctx); err != nil {
		return nil, err
	}
	type row struct {
		archiveItemRow
		AgencyID    int64      `db:"agency_id"`
		TrackingNo  string     `db:"tracking_no"`
		Outcome     string     `db:"outcome"`
		ConcludedOn cases.Date `db:"concluded_on"`
		ArchivedOn  cases.Date `db:"archived_on"`
		Remedies    int        `db:"remedies"`
	}
	q := `SELECT ai.case_id, ai.year, ai.item_no, ai.agency_id, c.tracking_no, c.outcome, c.concluded_on, c.archived_on,
		(SELECT COUNT(*) FROM remedies r WHERE r.case_id = c.id) AS remedies
		FROM archive_items ai JOIN cases c ON c.id = ai.case_id WHERE c.state = ?`
	args := []any{cases.StateArchived}
	q, args = inAgencies(q, args, agencyIDs)
	var rows []row
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(q+` ORDER BY ai.year, ai.agency_id, ai.item_no`), args...); err != nil {
		return nil, err
	}
	agencies := map[int64]cases.Agency{}
	var out []archive.Due
	for _, r := range rows {
		a, ok := agencies[r.AgencyID]
		if !ok {
			var err error
			if a, err = db.Agency(ctx, r.AgencyID); err != nil {
				return nil, err
			}
			agencies[r.AgencyID] = a
		}
		ret := archive.RetentionFor(a.Settings, r.Outcome, r.Remedies > 0)
		ends := archive.RetentionEnds(r.Year, ret)
		if ends.IsZero() || today.Before(ends) {
			continue
		}
		org := a.Settings.ArchiveOrgCode
		if org == "" {
			org = a.Code
		}
		out = append(out, archive.Due{CaseID: r.CaseID, TrackingNo: r.TrackingNo, Agency: a.Code, ArchivalCode: archive.ArchivalCode(a.Settings.FondsNo, r.Year, ret, org, r.ItemNo),
			Year: r.Year, ItemNo: r.ItemNo, Retention: ret, RetentionEnds: ends, Outcome: r.Outcome, ConcludedOn: r.ConcludedOn, ArchivedOn: r.ArchivedOn})
	}
	return out, nil
}
