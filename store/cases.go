package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/workflow"
)

// Today is the agency's calendar date at instant now.
func Today(a cases.Agency, now time.Time) cases.Date { return cases.DateOf(now, a.Settings.Location()) }

// CreateApplication stores an online application in state submitted (not yet received: Art. 31)
// and returns it with its secret access code; only the code's SHA-256 is stored. The case and its
// first event are committed before this returns.
func (db *DB) CreateApplication(ctx context.Context, app cases.Application) (*cases.Case, string, error) {
	app.Normalize()
	agency, err := db.AgencyByCode(ctx, app.Agency)
	if err != nil {
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			var f cases.FieldErrors
			f.Add("agency", "请选择受理机关。", "Choose the agency.")
			return nil, "", f.Err()
		}
		return nil, "", err
	}
	now := db.Now()
	app.Channel = cases.ChannelOnline
	app.ReceivedOn = cases.Date{}
	if err := app.Validate(Today(agency, now), false); err != nil {
		return nil, "", err
	}
	code := AccessCode()
	c := newCase(agency, app)
	c.State = cases.StateSubmitted
	c.AccessCodeHash = HashSecret(code)
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := db.insertCase(ctx, tx, c, agency, now, cases.Event{Event: cases.EventSubmit, Actor: "applicant", ToState: cases.StateSubmitted,
			Payload: mustCanonical(map[string]any{"channel": cases.ChannelOnline})}); err != nil {
			return err
		}
		// The application as submitted (申请表), frozen with the case: the applicant downloads
		// it from the tracking page, and it is in the case file like a paper application's.
		if err := db.issueLetters(ctx, tx, c, agency, []cases.LetterRequest{{Kind: cases.DocApplicationForm, Date: Today(agency, now)}}, c.EventCount, now); err != nil {
			return err
		}
		return db.notifyEvent(ctx, tx, c, agency, cases.Event{Event: cases.EventSubmit, Actor: "applicant", Seq: c.EventCount}, now)
	})
	if err != nil {
		return nil, "", err
	}
	return c, code, nil
}

// RegisterPaper stores an application received on paper, by post, fax, e-mail, in person or
// orally (Art. 28–31): the case starts in registered with the receipt date the clerk entered
// (not in the future), and the clock running.
func (db *DB) RegisterPaper(ctx context.Context, app cases.Application, actor cases.Actor) (*cases.Case, error) {
	if !actor.Has(cases.RoleClerk) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "只有经办人可以登记申请。", "only a clerk registers applications")
	}
	app.Normalize()
	agency, err := db.AgencyByCode(ctx, app.Agency)
	if err != nil {
		return nil, err
	}
	if app.Agency == "" {
		if agency, err = db.Agency(ctx, actor.AgencyID); err != nil {
			return nil, err
		}
	}
	if !actor.MayActFor(agency.ID) {
		return nil, cases.Errorf(cases.EFORBIDDEN, "您不能为该机关登记申请。", "you may not register applications for this agency")
	}
	if err := app.Validate(Today(agency, db.Now()), true); err != nil {
		return nil, err
	}
	c := newCase(agency, app)
	c.State = cases.StateRegistered
	var out *cases.Case
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := db.checkSignedDates(ctx, tx, agency, app.ReceivedOn, Today(agency, now)); err != nil { // signoff.go
			return err
		}
		cal, err := db.calendarTx(ctx, tx)
		if err != nil {
			return err
		}
		workflow.StartClock(c, app.ReceivedOn, actor.Name)
		workflow.Recompute(c, cal)
		c.Version = 1
		if err := db.insertCase(ctx, tx, c, agency, now, cases.Event{Event: cases.EventRegister, Actor: actor.Name, ToState: cases.StateRegistered,
			ReplyDueAfter: c.ReplyDue, Payload: mustCanonical(map[string]any{"channel": c.Channel, "received_on": c.ReceivedOn})}); err != nil {
			return err
		}
		if err := db.issueLetters(ctx, tx, c, agency, []cases.LetterRequest{{Kind: cases.DocApplicationForm, Date: Today(agency, now)}, {Kind: cases.DocReceipt, Date: Today(agency, now)}}, c.EventCount, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(caseUpdate), append(caseValues(c), c.ID, c.Version, c.State)...); err != nil {
			return err
		}
		out = c
		return db.notifyEvent(ctx, tx, c, agency, cases.Event{Event: cases.EventRegister, Actor: actor.Name, Seq: c.EventCount}, now)
	})
	return out, err
}

func newCase(a cases.Agency, app cases.Application) *cases.Case {
	return &cases.Case{AgencyID: a.ID, Agency: a.Code, Applicant: app.Applicant, Description: app.Description, Purpose: app.Purpose,
		Channel: app.Channel, Delivery: app.Delivery, Carrier: app.Carrier, Handling: 1, ReceivedOn: app.ReceivedOn}
}

// insertCase assigns the tracking number, inserts c and its first event.
func (db *DB) insertCase(ctx context.Context, tx *sqlx.Tx, c *cases.Case, a cases.Agency, now time.Time, first cases.Event) error {
	year := Today(a, now).Year()
	n, err := nextSeq(ctx, tx, a.ID, "tracking", year)
	if err != nil {
		return err
	}
	c.TrackingNo = workflow.FormatTrackingNo(a.Settings.TrackingPrefix, year, n)
	c.CreatedAt, c.UpdatedAt = now.UTC().Truncate(time.Microsecond), now.UTC().Truncate(time.Microsecond)
	if c.Version == 0 {
		c.Version = 1
	}
	if err := tx.GetContext(ctx, &c.ID, tx.Rebind(caseInsert), caseValues(c)...); err != nil {
		return err
	}
	if err := insertTerms(ctx, tx, c.ID, textTerms(c)); err != nil { // the search index (search.go)
		return err
	}
	first.At = now
	if err := appendEvent(ctx, tx, c, &first); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?`), c.EventCount, c.HeadHash, c.ID)
	return err
}

func mustCanonical(v any) []byte {
	b, err := workflow.Canonical(v)
	if err != nil {
		panic(err)
	}
	return b
}

// AccessCode returns a new secret access code: 16 characters of a 30-letter alphabet without
// look-alikes (about 78 random bits).
func AccessCode() string {
	const alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Case returns a case with its documents, events and remedies; ENOTFOUND when none.
func (db *DB) Case(ctx context.Context, id int64) (*cases.Case, error) {
	c, err := db.caseByID(ctx, db.R, id, false)
	if err != nil {
		return nil, err
	}
	return c, db.fill(ctx, c)
}

// CaseAgency returns the agency of case id; ENOTFOUND when none.
func (db *DB) CaseAgency(ctx context.Context, id int64) (int64, error) {
	var agencyID int64
	if err := db.R.GetContext(ctx, &agencyID, db.R.Rebind(`SELECT agency_id FROM cases WHERE id = ?`), id); err != nil {
		return 0, notFound(err, "案件不存在。", "no such case")
	}
	return agencyID, nil
}

// CaseByTracking returns the case with a tracking number, filled like Case.
func (db *DB) CaseByTracking(ctx context.Context, trackingNo string) (*cases.Case, error) {
	var r caseRow
	if err := db.R.GetContext(ctx, &r, db.R.Rebind(caseSelect+` WHERE c.tracking_no = ?`), trackingNo); err != nil {
		return nil, notFound(err, "未找到该申请。", "no such application")
	}
	c := r.toCase()
	return c, db.fill(ctx, c)
}

func (db *DB) fill(ctx context.Context, c *cases.Case) error {
	var err error
	if c.Events, err = db.history(ctx, db.R, c); err != nil { // the events after those kept (events.go)
		return err
	}
	if c.Documents, err = db.Documents(ctx, c.ID); err != nil {
		return err
	}
	if c.Remedies, err = db.Remedies(ctx, c.ID); err != nil {
		return err
	}
	// The API shows empty lists as [], never null.
	if c.Events == nil {
		c.Events = []cases.Event{}
	}
	if c.Documents == nil {
		c.Documents = []cases.Document{}
	}
	if c.Remedies == nil {
		c.Remedies = []cases.Remedy{}
	}
	return nil
}

func (db *DB) caseByID(ctx context.Context, q getter, id int64, lock bool) (*cases.Case, error) {
	var r caseRow
	query := caseSelect + ` WHERE c.id = ?`
	if lock && db.Dialect == Postgres {
		query += ` FOR UPDATE OF c`
	}
	if err := q.GetContext(ctx, &r, q.Rebind(query), id); err != nil {
		return nil, notFound(err, "案件不存在。", "no such case")
	}
	return r.toCase(), nil
}

// TransitionCase fires an event on a case at the instant at, in one transaction: load with a
// write lock, check the guards (workflow.Apply), refuse an event dated in a signed-off month,
// compare-and-set the case on its state and version, append the event, issue the letters, record a
// remedy — then commit. A refused event changes nothing. People's events are dated by the caller's
// clock; the scheduler's by the instant the sweep runs for (so they never fall in a signed-off
// month), through the same checks.
func (db *DB) TransitionCase(ctx context.Context, id int64, req workflow.Request, actor cases.Actor, at time.Time) (*cases.Case, error) {
	tx, end, err := db.beginWrite(ctx) // in turn (db.go)
	if err != nil {
		return nil, err
	}
	defer end()
	defer tx.Rollback()
	defer db.takePending(tx) // letters of a refused event are never rendered
	res, err := db.transitionTx(ctx, tx, id, req, actor, at, false)
	if err != nil {
		return nil, err
	}
	if err := db.commit(ctx, tx); err != nil { // then its letters, rendered outside the lock (pending.go)
		return nil, err
	}
	out := res.Case
	return out, db.fill(ctx, out)
}

// TransitionCases fires req on every case of ids in one transaction, each case with its own
// transition, event and letters (docs/api.md "POST /cases/bulk"). When any case fails the
// transaction is rolled back and nothing changes; the other cases are still tried so that every
// case gets its answer.
func (db *DB) TransitionCases(ctx context.Context, ids []int64, req workflow.Request, actor cases.Actor, at time.Time) ([]error, error) {
	tx, end, err := db.beginWrite(ctx) // in turn (db.go)
	if err != nil {
		return nil, err
	}
	defer end()
	defer tx.Rollback()
	defer db.takePending(tx)
	errs := make([]error, len(ids))
	failed := false
	for i, id := range ids {
		_, errs[i] = db.transitionTx(ctx, tx, id, req, actor, at, failed)
		if errs[i] != nil {
			if cases.ErrorCode(errs[i]) == cases.EINTERNAL {
				return nil, errs[i]
			}
			failed = true
		}
	}
	if failed {
		return errs, nil
	}
	return errs, db.commit(ctx, tx) // then the letters, rendered outside the lock (pending.go)
}

// transitionTx applies req to one case inside tx: lock, apply, the sign-off check (no event
// inside a signed-off month, signoff.go), then the writes. dryRun checks without writing (after
// another case of a bulk request failed, the rest are only checked).
func (db *DB) transitionTx(ctx context.Context, tx *sqlx.Tx, id int64, req workflow.Request, actor cases.Actor, at time.Time, dryRun bool) (*workflow.Result, error) {
	c, err := db.caseByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	res, agency, err := db.apply(ctx, tx, c, req, actor, at)
	if err != nil {
		return nil, err
	}
	if err := db.checkSigned(ctx, tx, res, agency); err != nil {
		return nil, err
	}
	if dryRun {
		return res, nil
	}
	if err := db.commitResult(ctx, tx, c, res, agency, at); err != nil {
		return nil, err
	}
	// docs/rules.md §4: the answer of the last consulted party ends the consultation, recorded by
	// foidesk itself in the same transaction.
	if req.Event == cases.EventRecordAnswer && workflow.ConsultationAnswered(res.Case) {
		return db.transitionTx(ctx, tx, id, workflow.Request{Event: cases.EventConsultationDone, Payload: []byte("{}")}, cases.SystemActor, at, false)
	}
	return res, nil
}

// apply builds the workflow environment of c and applies req.
func (db *DB) apply(ctx context.Context, tx *sqlx.Tx, c *cases.Case, req workflow.Request, actor cases.Actor, now time.Time) (*workflow.Result, cases.Agency, error) {
	agency, err := agencyTx(ctx, tx, c.AgencyID)
	if err != nil {
		return nil, agency, err
	}
	cal, err := db.calendarTx(ctx, tx)
	if err != nil {
		return nil, agency, err
	}
	env := workflow.Env{Now: now, Today: Today(agency, now), Cal: cal, Settings: agency.Settings}
	env.UserExists = func(name string) bool {
		var n int
		_ = tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM users WHERE username = ? AND active AND (agency_id = ? OR id IN (SELECT user_id FROM user_agencies WHERE agency_id = ?))`), name, c.AgencyID, c.AgencyID)
		return n > 0
	}
	env.CaseByTracking = func(no string) (*cases.Case, error) {
		var r caseRow
		if err := tx.GetContext(ctx, &r, tx.Rebind(caseSelect+` WHERE c.tracking_no = ?`), no); err != nil {
			return nil, notFound(err, "案件不存在。", "no such case")
		}
		return r.toCase(), nil
	}
	env.HasDocument = func(id int64) bool {
		var n int
		_ = tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM documents WHERE id = ? AND case_id = ?`), id, c.ID)
		return n > 0
	}
	switch req.Event {
	case cases.EventRequestFee:
		if env.FeeMonthCount, err = monthCount(ctx, tx, c); err != nil {
			return nil, agency, err
		}
	case cases.EventRecordRemedy:
		if c.Remedies, err = remedies(ctx, tx, c.ID); err != nil {
			return nil, agency, err
		}
	case cases.EventArchive:
		env.FileComplete, err = db.fileComplete(ctx, tx, c)
		if err != nil {
			return nil, agency, err
		}
	case cases.EventDraftReply:
		if env.Releasable, err = Releasable(ctx, tx, c.ID); err != nil {
			return nil, agency, err
		}
	}
	res, err := workflow.Apply(c, req, actor, env)
	return res, agency, err
}

// commitResult writes an applied event: letters, remedy, the case (compare-and-set) and the event.
func (db *DB) commitResult(ctx context.Context, tx *sqlx.Tx, old *cases.Case, res *workflow.Result, agency cases.Agency, now time.Time) error {
	n := res.Case
	seq := old.EventCount + 1
	if err := db.issueLetters(ctx, tx, n, agency, res.Letters, seq, now); err != nil {
		return err
	}
	if res.Remedy != nil && res.Remedy.ID != 0 {
		// record_remedy with remedy_id: the decision of a remedy already recorded, on its row.
		r, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE remedies SET result = ?, decided_on = ? WHERE id = ? AND case_id = ?`),
			res.Remedy.Result, res.Remedy.DecidedOn, res.Remedy.ID, n.ID)
		if err != nil {
			return err
		}
		if k, _ := r.RowsAffected(); k != 1 {
			return cases.Errorf(cases.ECONFLICT, "案件已被他人修改，请刷新后重试。", "the remedy changed meanwhile; reload and retry")
		}
	} else if res.Remedy != nil {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO remedies (case_id, kind, filed_on, result, decided_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			n.ID, res.Remedy.Kind, res.Remedy.FiledOn, res.Remedy.Result, res.Remedy.DecidedOn, now.UTC()); err != nil {
			return err
		}
	}
	ev := res.Event
	ev.At = now
	if ev.Event == cases.EventArchive { // 年度 and 件号, in the archive transaction (store/archive.go)
		if err := assignArchiveItem(ctx, tx, n, &ev, now); err != nil {
			return err
		}
	}
	if err := appendEvent(ctx, tx, n, &ev); err != nil {
		return err
	}
	n.UpdatedAt = now.UTC().Truncate(time.Microsecond)
	r, err := updateCase(ctx, tx, old, n) // only the columns that changed (caserow.go)
	if err != nil {
		return err
	}
	if k, _ := r.RowsAffected(); k != 1 {
		return cases.Errorf(cases.ECONFLICT, "案件已被他人修改，请刷新后重试。", "the case changed meanwhile; reload and retry")
	}
	if n.Applicant.Name != old.Applicant.Name || n.Description != old.Description { // the search index follows the text (search.go)
		if err := writeTerms(ctx, tx, n.ID, textTerms(old), textTerms(n)); err != nil {
			return err
		}
	}
	if err := clearInbox(ctx, tx, old, n, ev, now); err != nil { // messages the event has answered (store/outbox_clear.go)
		return err
	}
	return db.notifyEvent(ctx, tx, n, agency, ev, now) // the event's notices, in its transaction (store/outbox_notices.go)
}

// fileComplete: every issued document of the case is present with its body and digest.
func (db *DB) fileComplete(ctx context.Context, tx *sqlx.Tx, c *cases.Case) (bool, error) {
	var missing int
	err := tx.GetContext(ctx, &missing, tx.Rebind(`SELECT COUNT(*) FROM documents WHERE case_id = ? AND (size = 0 OR sha256 = '')`), c.ID)
	if err != nil {
		return false, err
	}
	if missing > 0 {
		return false, nil
	}
	if c.State == cases.StateReplied && !c.Imported && db.Renderer != nil {
		var replies int
		if err := tx.GetContext(ctx, &replies, tx.Rebind(`SELECT COUNT(*) FROM documents WHERE case_id = ? AND kind = ? AND number = ?`), c.ID, cases.DocReply, c.LetterNo); err != nil {
			return false, err
		}
		return replies > 0, nil
	}
	return true, nil
}

func intersect(a, b []string) []string {
	if len(a) == 0 {
		return b
	}
	var out []string
	for _, s := range a {
		for _, t := range b {
			if s == t {
				out = append(out, s)
			}
		}
	}
	return out
}

// Remedies lists a case's remedy records.
func (db *DB) Remedies(ctx context.Context, caseID int64) ([]cases.Remedy, error) {
	return remedies(ctx, db.R, caseID)
}

func remedies(ctx context.Context, q getter, caseID int64) ([]cases.Remedy, error) {
	var rs []cases.Remedy
	err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT id, case_id, kind, filed_on, result, decided_on FROM remedies WHERE case_id = ? ORDER BY id`), caseID)
	return rs, err
}

// NormalizeAccessCode is an access code as typed, compared ignoring case, spaces and hyphens (a
// code is shown grouped XXXX-XXXX-XXXX-XXXX).
func NormalizeAccessCode(code string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == '－' || r == '—' || unicode.IsSpace(r):
			return -1
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		}
		return r
	}, code))
}

// AccessCase returns the case with tracking number whose access code matches (NormalizeAccessCode);
// ENOTFOUND for an unknown number and a wrong code alike.
func (db *DB) AccessCase(ctx context.Context, trackingNo, code string) (*cases.Case, error) {
	c, err := db.CaseByTracking(ctx, trackingNo)
	if err != nil || c.AccessCodeHash == "" || c.AccessCodeHash != HashSecret(NormalizeAccessCode(code)) {
		if err != nil && !errors.Is(err, sql.ErrNoRows) && cases.ErrorCode(err) != cases.ENOTFOUND {
			return nil, err
		}
		return nil, cases.Errorf(cases.ENOTFOUND, "申请编号或查询码不正确。", "wrong tracking number or access code")
	}
	return c, nil
}
