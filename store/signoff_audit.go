package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"foidesk/audit"
	cases "foidesk/case"
	"foidesk/workflow"
)

// The supervisor's audit: the findings of the cases of a month (package audit computes them from
// each case's events), and the monthly sign-off of the ledger.

// DocLedgerSignOff is the document kind of a signed ledger PDF (stored without a case).
const DocLedgerSignOff = "ledger_signoff"

// monthRange returns the first and last day of a month.
func monthRange(year, month int) (cases.Date, cases.Date) {
	from := cases.NewDate(year, time.Month(month), 1)
	t := from.Time().AddDate(0, 1, -1)
	return from, cases.NewDate(t.Year(), t.Month(), t.Day())
}

// AuditMonth lists the findings of an agency's month: those about events dated in the month, and
// every broken chain of a case with an event in the month, by date, tracking number and event.
func (db *DB) AuditMonth(ctx context.Context, agencyID int64, year, month int) ([]cases.Finding, error) {
	return db.auditMonth(ctx, db.R, agencyID, year, month)
}

func (db *DB) auditMonth(ctx context.Context, q getter, agencyID int64, year, month int) ([]cases.Finding, error) {
	if month < 1 || month > 12 || year < 1990 || year > 9998 {
		return nil, cases.Errorf(cases.EINVALID, "年份或月份不正确。", "bad year or month")
	}
	agency, err := agencyTx(ctx, q, agencyID)
	if err != nil {
		return nil, err
	}
	loc := agency.Settings.Location()
	from, to := monthRange(year, month)
	var ids []int64
	if err := q.SelectContext(ctx, &ids, q.Rebind(`SELECT DISTINCT e.case_id FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE c.agency_id = ? AND e.at >= ? AND e.at < ? ORDER BY e.case_id`), agencyID, from.Time().Add(-24*time.Hour), to.Time().Add(48*time.Hour)); err != nil {
		return nil, err
	}
	cal := db.Calendar()
	in := func(d cases.Date) bool { return !d.Before(from) && !d.After(to) }
	findings := []cases.Finding{}
	for _, id := range ids {
		c, err := db.caseByID(ctx, q, id, false)
		if err != nil {
			return nil, err
		}
		evs, err := events(ctx, q, id)
		if err != nil {
			return nil, err
		}
		active := false
		archived := false
		for _, e := range evs {
			if in(cases.DateOf(e.At, loc)) {
				active = true
				archived = archived || e.Event == cases.EventArchive
			}
		}
		if !active {
			continue
		}
		var docs []cases.Document
		if archived {
			if err := q.SelectContext(ctx, &docs, q.Rebind(`SELECT `+documentColumns+`, body FROM documents WHERE case_id = ? ORDER BY id`), id); err != nil {
				return nil, err
			}
			if docs == nil {
				docs = []cases.Document{}
			}
		}
		for _, f := range audit.Case(c, evs, docs, cal, loc) {
			if f.Rule == cases.FindingChainBroken || in(f.Date) {
				findings = append(findings, f)
			}
		}
	}
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		if a.TrackingNo != b.TrackingNo {
			return a.TrackingNo < b.TrackingNo
		}
		return a.Seq < b.Seq
	})
	return findings, nil
}

// SignOffLedger is the ledger a month's sign-off covers: the applications of the agency received
// in the month.
func (db *DB) SignOffLedger(ctx context.Context, agencyID int64, year, month int, actor cases.Actor) (cases.Ledger, error) {
	from, to := monthRange(year, month)
	return db.Ledger(ctx, cases.LedgerFilter{AgencyIDs: []int64{agencyID}, From: from, To: to, By: cases.ByReceived}, actor)
}

// SignOffFrom is the first day a month may be signed off: its last working day plus the agency's
// grace period in working days.
func SignOffFrom(cal *workflow.Calendar, s cases.Settings, year, month int) cases.Date {
	_, last := monthRange(year, month)
	for !cal.IsWorkday(last) {
		last = last.AddDays(-1)
	}
	return cal.AddWorkdays(last, s.WithDefaults().SignoffGrace)
}

type signOffRow struct {
	ID           int64     `db:"id"`
	AgencyID     int64     `db:"agency_id"`
	AgencyCode   string    `db:"agency_code"`
	Year         int       `db:"year"`
	Month        int       `db:"month"`
	SignedBy     string    `db:"signed_by"`
	SignedAt     time.Time `db:"signed_at"`
	LedgerSHA256 string    `db:"ledger_sha256"`
	LedgerDigest string    `db:"ledger_digest"`
	DocumentID   *int64    `db:"document_id"`
	Findings     string    `db:"findings"`
	Note         string    `db:"note"`
	Round        int       `db:"round"`
	// the reopening of this sign-off, if any (LEFT JOIN signoff_reopenings)
	ReopeningID *int64     `db:"reopening_id"`
	ReopenedBy  *string    `db:"reopened_by"`
	ReopenedAt  *time.Time `db:"reopened_at"`
	Reason      *string    `db:"reason"`
}

func (r signOffRow) signOff() cases.SignOff {
	s := cases.SignOff{ID: r.ID, AgencyID: r.AgencyID, Agency: r.AgencyCode, Year: r.Year, Month: r.Month, SignedBy: r.SignedBy, SignedAt: r.SignedAt.UTC(),
		LedgerSHA256: r.LedgerSHA256, LedgerDigest: r.LedgerDigest, Note: r.Note, Findings: []cases.Finding{}, Round: r.Round}
	if r.DocumentID != nil {
		s.DocumentID = *r.DocumentID
	}
	if r.ReopeningID != nil && r.ReopenedBy != nil && r.ReopenedAt != nil && r.Reason != nil {
		s.Reopened = &cases.SignOffReopening{ID: *r.ReopeningID, SignOffID: r.ID, AgencyID: r.AgencyID, Agency: r.AgencyCode, Year: r.Year, Month: r.Month,
			Round: r.Round, ReopenedBy: *r.ReopenedBy, ReopenedAt: r.ReopenedAt.UTC(), Reason: *r.Reason}
	}
	_ = json.Unmarshal([]byte(r.Findings), &s.Findings)
	return s
}

const signOffSelect = `SELECT s.id, s.agency_id, a.code AS agency_code, s.year, s.month, s.signed_by, s.signed_at, s.ledger_sha256, s.ledger_digest, s.document_id, s.findings, s.note,
	s.round, r.id AS reopening_id, r.reopened_by, r.reopened_at, r.reason
	FROM signoffs s JOIN agencies a ON a.id = s.agency_id LEFT JOIN signoff_reopenings r ON r.signoff_id = s.id`

// SignOffMonth records a supervisor's sign-off of a month that has ended: who, when, the findings
// acknowledged (req.Acknowledged must equal the number of findings now, else ECONFLICT: they
// changed since the supervisor looked), the ledger PDF signed (stored, with its SHA-256) and its
// chain digest (must be the digest of the month's ledger now, else ECONFLICT). From then on no
// event may be dated in that month (checkSigned). A month reopened (ReopenMonth) is signed off
// again the same way: a sign-off of the next round.
func (db *DB) SignOffMonth(ctx context.Context, req cases.SignOffRequest, actor cases.Actor) (cases.SignOff, error) {
	var out cases.SignOff
	if !actor.Has(cases.RoleSupervisor) {
		return out, cases.Errorf(cases.EFORBIDDEN, "只有审核人（负责人）可以签核台账。", "only a supervisor signs the ledger off")
	}
	agency, err := db.Agency(ctx, req.AgencyID)
	if err != nil {
		return out, err
	}
	if !actor.MayActFor(agency.ID) {
		return out, cases.Errorf(cases.EFORBIDDEN, "您不能签核该机关的台账。", "you may not sign off this agency's ledger")
	}
	if req.Month < 1 || req.Month > 12 || req.Year < 1990 || req.Year > 9998 {
		return out, cases.Errorf(cases.EINVALID, "年份或月份不正确。", "bad year or month")
	}
	from, to := monthRange(req.Year, req.Month)
	today := Today(agency, db.Now())
	if !to.Before(today) {
		return out, cases.Errorf(cases.ECONFLICT, "%d年%d月尚未结束，月末之后才能签核。", "%d-%02d has not ended yet", req.Year, req.Month)
	}
	// Post received in the month's last days reaches the office in the days after: a month is
	// signed off only a grace period (a setting) after its last working day.
	if earliest := SignOffFrom(db.Calendar(), agency.Settings, req.Year, req.Month); today.Before(earliest) {
		return out, cases.Errorf(cases.ECONFLICT, "%d年%d月的台账可于%s起签核（该月最后一个工作日后%d个工作日，以便登记月末寄达的信件）。",
			"%d-%02d may be signed off from %s (%d working days after its last working day, for late post)", req.Year, req.Month, earliest.Chinese(), agency.Settings.WithDefaults().SignoffGrace)
	}
	if !bytes.HasPrefix(req.LedgerPDF, []byte("%PDF-")) {
		return out, cases.Errorf(cases.EINVALID, "缺少所签核的台账PDF。", "the ledger PDF signed is missing")
	}
	ledger, err := db.SignOffLedger(ctx, agency.ID, req.Year, req.Month, actor)
	if err != nil {
		return out, err
	}
	if req.LedgerDigest != ledger.Digest {
		return out, cases.Errorf(cases.ECONFLICT, "台账在查看之后发生了变化，请重新生成台账后再签核。", "the ledger changed since it was generated; generate it again")
	}
	sum := sha256.Sum256(req.LedgerPDF)
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		latest, err := latestSignOff(ctx, tx, agency.ID, req.Year, req.Month)
		if err != nil {
			return err
		}
		round := 1
		if latest != nil {
			if latest.Reopened == nil {
				return cases.Errorf(cases.ECONFLICT, "%d年%d月的台账已经签核。", "%d-%02d is already signed off", req.Year, req.Month)
			}
			round = latest.Round + 1
		}
		findings, err := db.auditMonth(ctx, tx, agency.ID, req.Year, req.Month)
		if err != nil {
			return err
		}
		if req.Acknowledged != len(findings) {
			return cases.Errorf(cases.ECONFLICT, "本月共有%d项审计发现（您确认了%d项），请重新查看后再签核。", "the month has %d findings (%d acknowledged); review them again", len(findings), req.Acknowledged)
		}
		title := fmt.Sprintf("%d年%d月政府信息公开申请办理台账（签核）", req.Year, req.Month)
		filename := fmt.Sprintf("ledger-%s-%04d-%02d.pdf", agency.Code, req.Year, req.Month)
		if round > 1 { // signed again after a reopening: its own title and file name
			title = fmt.Sprintf("%d年%d月政府信息公开申请办理台账（第%d次签核）", req.Year, req.Month, round)
			filename = fmt.Sprintf("ledger-%s-%04d-%02d-%d.pdf", agency.Code, req.Year, req.Month, round)
		}
		docID, err := insertDocument(ctx, tx, cases.Document{Kind: DocLedgerSignOff, Title: title, ContentType: "application/pdf",
			Filename: filename, Body: req.LedgerPDF}, now)
		if err != nil {
			return err
		}
		fj, _ := json.Marshal(findings)
		out = cases.SignOff{AgencyID: agency.ID, Agency: agency.Code, Year: req.Year, Month: req.Month, SignedBy: actor.Name, SignedAt: now.UTC().Truncate(time.Microsecond),
			LedgerSHA256: hex.EncodeToString(sum[:]), LedgerDigest: ledger.Digest, DocumentID: docID, Findings: findings, Note: strings.TrimSpace(req.Note), Round: round}
		return tx.GetContext(ctx, &out.ID, tx.Rebind(`INSERT INTO signoffs (agency_id, year, month, month_start, month_end, signed_by, signed_at, ledger_sha256, ledger_digest, document_id, findings, note, round)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			agency.ID, req.Year, req.Month, from, to, out.SignedBy, out.SignedAt, out.LedgerSHA256, out.LedgerDigest, docID, string(fj), out.Note, round)
	})
	if isUniqueViolation(err, "signoffs_agency_id_year_month_round_key", "signoffs.agency_id") { // a concurrent sign-off won (PostgreSQL)
		err = cases.Errorf(cases.ECONFLICT, "%d年%d月的台账已经签核。", "%d-%02d is already signed off", req.Year, req.Month)
	}
	return out, err
}

// SignOffs lists the sign-offs of the agencies (all when none), newest month first and, within a
// month, its latest round first, each with its reopening if it was reopened.
func (db *DB) SignOffs(ctx context.Context, agencyIDs []int64) ([]cases.SignOff, error) {
	var q strings.Builder
	var args []any
	q.WriteString(signOffSelect + " WHERE 1=1")
	if len(agencyIDs) > 0 {
		q.WriteString(" AND s.agency_id IN (?" + strings.Repeat(", ?", len(agencyIDs)-1) + ")")
		for _, id := range agencyIDs {
			args = append(args, id)
		}
	}
	q.WriteString(" ORDER BY s.year DESC, s.month DESC, a.code, s.round DESC")
	var rows []signOffRow
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(q.String()), args...); err != nil {
		return nil, err
	}
	out := make([]cases.SignOff, len(rows))
	for i, r := range rows {
		out[i] = r.signOff()
	}
	return out, nil
}

// SignOffPDF returns the ledger PDF a sign-off signed (ENOTFOUND).
func (db *DB) SignOffPDF(ctx context.Context, signOffID int64) (cases.Document, error) {
	var d cases.Document
	err := db.R.GetContext(ctx, &d, db.R.Rebind(`SELECT `+documentColumns+`, body FROM documents WHERE kind = ? AND id = (SELECT document_id FROM signoffs WHERE id = ?)`), DocLedgerSignOff, signOffID)
	return d, notFound(err, "签核记录不存在。", "no such sign-off")
}
