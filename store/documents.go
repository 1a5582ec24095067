package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/workflow"
)

// nextSeq returns the next number of a yearly sequence of an agency, inside tx.
func nextSeq(ctx context.Context, tx *sqlx.Tx, agencyID int64, class string, year int) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, tx.Rebind(`INSERT INTO sequences (agency_id, class, year, last) VALUES (?, ?, ?, 1)
		ON CONFLICT (agency_id, class, year) DO UPDATE SET last = sequences.last + 1 RETURNING last`), agencyID, class, year)
	return n, err
}

// ReserveSeq raises a sequence to at least n (imported numbers are never issued again).
func reserveSeq(ctx context.Context, tx *sqlx.Tx, agencyID int64, class string, year, n int) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO sequences (agency_id, class, year, last) VALUES (?, ?, ?, ?)
		ON CONFLICT (agency_id, class, year) DO UPDATE SET last = CASE WHEN sequences.last < excluded.last THEN excluded.last ELSE sequences.last END`), agencyID, class, year, n)
	return err
}

// nextLetterNo assigns the next unused number of a letter class, skipping numbers already used
// (by an import, say).
func nextLetterNo(ctx context.Context, tx *sqlx.Tx, a cases.Agency, kind string, year int) (string, error) {
	prefix := workflow.LetterPrefix(a, kind)
	for {
		n, err := nextSeq(ctx, tx, a.ID, "letter:"+kind, year)
		if err != nil {
			return "", err
		}
		no := workflow.FormatLetterNo(prefix, year, n)
		var used int
		if err := tx.GetContext(ctx, &used, tx.Rebind(`SELECT (SELECT COUNT(*) FROM documents d JOIN cases c ON c.id = d.case_id WHERE d.number = ? AND c.agency_id = ?)
			+ (SELECT COUNT(*) FROM cases WHERE letter_no = ? AND letter_no <> '' AND agency_id = ?)`), no, a.ID, no, a.ID); err != nil { // index cases_letter_no (migration 0016)
			return "", err
		}
		if used == 0 {
			return no, nil
		}
	}
}

// issueLetters numbers, renders and stores the letters of an event (seq) inside its transaction.
// The reply letter's number becomes the case's letter_no.
func (db *DB) issueLetters(ctx context.Context, tx *sqlx.Tx, c *cases.Case, a cases.Agency, reqs []cases.LetterRequest, seq int, now time.Time) error {
	if db.Renderer == nil || len(reqs) == 0 {
		return nil
	}
	var siblings []cases.Agency
	assets, err := letterAssets(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	a.LetterAssets = assets
	for _, req := range reqs {
		if req, err = completeLetter(ctx, tx, c, a, req, now, &siblings); err != nil {
			return err
		}
		if req.Kind != cases.DocApplicationForm {
			no, err := nextLetterNo(ctx, tx, a, req.Kind, req.Date.Year())
			if err != nil {
				return err
			}
			req.Number = no
			if req.Kind == cases.DocReply {
				c.LetterNo = no
			}
		}
		title := cases.DocKinds.Label(req.Kind, "zh")
		if req.Party != nil {
			title += "（" + req.Party.Name + "）"
		}
		toApplicant := cases.ToApplicant(req.Kind)
		// The letter is rendered after the commit, outside the write lock (pending.go): here its
		// row is stored without a body, with what rendering it needs, in this transaction.
		snap := *c // the case as it is now, not as later steps of the transaction leave it
		req.Case = &snap
		id, err := insertDocument(ctx, tx, cases.Document{CaseID: c.ID, EventSeq: seq, Kind: req.Kind, Number: req.Number, Title: title,
			Filename: fileName(c, req), ContentType: "application/pdf", Applicant: toApplicant}, now)
		if err != nil {
			return err
		}
		if err := db.addPending(ctx, tx, id, req, now); err != nil {
			return err
		}
	}
	return nil
}

// completeLetter fills a letter request of an event on case c of agency a (a.LetterAssets
// loaded) with what the letter shows besides the case: the agency, the date (the agency's today
// unless the event set one), the titles of the documents a reply releases, and for a reply the
// other agencies of the deployment (siblings caches them once found). The issued letter and the reply
// preview are both built by it; the number is the issuer's.
func completeLetter(ctx context.Context, tx *sqlx.Tx, c *cases.Case, a cases.Agency, req cases.LetterRequest, now time.Time, siblings *[]cases.Agency) (cases.LetterRequest, error) {
	var err error
	req.Case, req.Agency = c, a
	if req.Date.IsZero() {
		req.Date = Today(a, now)
	}
	if (req.Kind == cases.DocReply || req.Kind == cases.DocObjectionOverride) && len(req.Attachments) == 0 && c.Draft != nil {
		if req.Attachments, err = releasedTitles(ctx, tx, c.ID, c.Draft.Documents); err != nil {
			return req, err
		}
	}
	if req.Kind == cases.DocReply {
		if *siblings == nil {
			var rows []agencyRow
			if err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT id, code, name, settings FROM agencies WHERE id <> ? ORDER BY id`), a.ID); err != nil {
				return req, err
			}
			for _, r := range rows {
				*siblings = append(*siblings, r.agency())
			}
		}
		req.Siblings = *siblings
	}
	return req, nil
}

// previewActor approves in a preview only: no user has this name (so it never drafted the reply).
var previewActor = cases.Actor{Kind: cases.ActorStaff, Name: "(preview)", Roles: []string{cases.RoleSupervisor}}

// PreviewReply renders the reply letter a case's drafted reply would issue if it were approved at
// the instant at (docs/rules.md §7): the approval applied by the workflow as for the real one, the
// letter completed as issueLetters completes it, marked as a draft (草稿, no number). Nothing is
// stored. ECONFLICT when the case has no drafted reply awaiting approval.
func (db *DB) PreviewReply(ctx context.Context, id int64, at time.Time) ([]byte, error) {
	return db.preview(ctx, id, func(tx *sqlx.Tx, c *cases.Case) ([]byte, error) {
		if c.Draft == nil || c.State != cases.StatePendingApproval {
			return nil, cases.E(cases.ECONFLICT, "该案件没有待审批的答复草稿。", "this case has no drafted reply awaiting approval")
		}
		return db.previewApproval(ctx, tx, c, at)
	})
}

// PreviewDraft renders the reply letter the draft in payload (draft_reply's payload, as the draft
// form would send it) would issue if drafted by actor and then approved at, before it is sent for
// approval: the draft applied and approved by the workflow on a copy, in a read transaction rolled
// back, the letter rendered as a draft (watermarked, unnumbered) by the renderer of the issued one.
// A draft the workflow refuses is refused with its error; nothing is stored.
func (db *DB) PreviewDraft(ctx context.Context, id int64, payload json.RawMessage, actor cases.Actor, at time.Time) ([]byte, error) {
	return db.preview(ctx, id, func(tx *sqlx.Tx, c *cases.Case) ([]byte, error) {
		res, _, err := db.apply(ctx, tx, c, workflow.Request{Event: cases.EventDraftReply, Payload: payload}, actor, at)
		if err != nil {
			return nil, err
		}
		return db.previewApproval(ctx, tx, res.Case, at)
	})
}

// preview reads case id in a read transaction that is rolled back and hands it to render: a
// preview stores nothing.
func (db *DB) preview(ctx context.Context, id int64, render func(*sqlx.Tx, *cases.Case) ([]byte, error)) ([]byte, error) {
	if db.Renderer == nil {
		return nil, cases.E(cases.EINTERNAL, "系统内部错误。", "no renderer")
	}
	tx, err := db.R.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := db.caseByID(ctx, tx, id, false)
	if err != nil {
		return nil, err
	}
	return render(tx, c)
}

// previewApproval renders the reply letter the approval of c's draft at would issue, as a draft.
func (db *DB) previewApproval(ctx context.Context, tx *sqlx.Tx, c *cases.Case, at time.Time) ([]byte, error) {
	actor := previewActor
	actor.AgencyID, actor.Agencies = c.AgencyID, []int64{c.AgencyID}
	res, a, err := db.apply(ctx, tx, c, workflow.Request{Event: cases.EventApprove}, actor, at)
	if err != nil {
		return nil, err
	}
	if a.LetterAssets, err = letterAssets(ctx, tx, a.ID); err != nil {
		return nil, err
	}
	var siblings []cases.Agency
	for _, req := range res.Letters {
		if req.Kind != cases.DocReply {
			continue
		}
		if req, err = completeLetter(ctx, tx, res.Case, a, req, at, &siblings); err != nil {
			return nil, err
		}
		req.Draft = true
		pdf, _, err := db.Renderer.Render(req)
		return pdf, err
	}
	return nil, cases.E(cases.ECONFLICT, "该案件没有待审批的答复草稿。", "this case has no drafted reply awaiting approval")
}

// releasedTitles are the titles of the documents ids of a draft, in its order: the 附件 of the
// reply. Only documents of the case uploaded for release count.
func releasedTitles(ctx context.Context, tx *sqlx.Tx, caseID int64, ids []int64) ([]string, error) {
	titles, err := Releasable(ctx, tx, caseID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		if t, ok := titles[id]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// Releasable maps the ids of the case's documents that staff uploaded as information to release
// to their titles: what a drafted reply may attach.
func Releasable(ctx context.Context, q getter, caseID int64) (map[int64]string, error) {
	var rows []struct {
		ID    int64  `db:"id"`
		Title string `db:"title"`
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT id, title FROM documents WHERE case_id = ? AND kind = ? AND for_release ORDER BY id`), caseID, cases.DocUpload); err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(rows))
	for _, r := range rows {
		m[r.ID] = r.Title
	}
	return m, nil
}

func fileName(c *cases.Case, req cases.LetterRequest) string {
	return fmt.Sprintf("%s-%s.pdf", c.TrackingNo, req.Kind)
}

func insertDocument(ctx context.Context, tx *sqlx.Tx, d cases.Document, now time.Time) (int64, error) {
	if d.Body != nil {
		sum := sha256.Sum256(d.Body)
		d.SHA256 = hex.EncodeToString(sum[:])
	} else { // a letter to be rendered after the commit (pending.go): no digest yet
		d.Body = []byte{}
	}
	d.Size = int64(len(d.Body))
	var caseID any = d.CaseID
	if d.CaseID == 0 {
		caseID = nil
	}
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(`INSERT INTO documents (case_id, event_seq, kind, number, title, filename, content_type, sha256, size, to_applicant, for_release, warnings, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		caseID, d.EventSeq, d.Kind, d.Number, d.Title, d.Filename, d.ContentType, d.SHA256, d.Size, d.Applicant, d.ForRelease, d.Warnings, d.Body, now.UTC())
	return id, err
}

const documentColumns = `id, COALESCE(case_id, 0) AS case_id, event_seq, kind, number, title, filename, content_type, sha256, size, to_applicant, for_release, warnings, created_at`

// Documents lists a case's documents (without bodies), with their API URLs.
func (db *DB) Documents(ctx context.Context, caseID int64) ([]cases.Document, error) {
	var ds []cases.Document
	if err := db.R.SelectContext(ctx, &ds, db.R.Rebind(`SELECT `+documentColumns+` FROM documents WHERE case_id = ? ORDER BY id`), caseID); err != nil {
		return nil, err
	}
	for i := range ds {
		ds[i].URL = fmt.Sprintf("/api/v1/cases/%d/documents/%d", caseID, ds[i].ID)
	}
	return ds, nil
}

// Document returns one document of a case with its body; ENOTFOUND when the case has no such one.
func (db *DB) Document(ctx context.Context, caseID, docID int64) (cases.Document, error) {
	var d cases.Document
	q := db.R.Rebind(`SELECT ` + documentColumns + `, body FROM documents WHERE case_id = ? AND id = ?`)
	err := db.R.GetContext(ctx, &d, q, caseID, docID)
	if err == nil && d.SHA256 == "" && d.Size == 0 && db.Renderer != nil { // a letter still pending: rendered now (pending.go)
		if _, err := db.renderPending(ctx, docID); err != nil {
			return d, err
		}
		err = db.R.GetContext(ctx, &d, q, caseID, docID)
	}
	return d, notFound(err, "文件不存在。", "no such document")
}

// AddUpload stores an uploaded file with a case (identity proof, correction, released documents)
// and records a document_issued event; it refuses files of concluded or discarded cases.
func (db *DB) AddUpload(ctx context.Context, caseID int64, d cases.Document, actor cases.Actor) (cases.Document, error) {
	ds, err := db.AddUploads(ctx, caseID, []cases.Document{d}, actor)
	if err != nil {
		return cases.Document{}, err
	}
	return ds[0], nil
}

// AddUploads stores the files of one request with a case in one transaction, each with its
// document_issued event. Files from the applicant must stay, with those uploaded before, within
// cases.ApplicantUploadFiles and cases.ApplicantUploadBytes per case, or none is stored (422,
// field "file"). The documents are returned as stored, without their bodies.
func (db *DB) AddUploads(ctx context.Context, caseID int64, docs []cases.Document, actor cases.Actor) ([]cases.Document, error) {
	out := make([]cases.Document, 0, len(docs))
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		out = out[:0]
		c, err := db.caseByID(ctx, tx, caseID, true)
		if err != nil {
			return err
		}
		if c.State == cases.StateDiscarded || c.State == cases.StateArchived {
			return cases.Errorf(cases.ECONFLICT, "该案件已不能再上传文件。", "no more files may be added to this case")
		}
		if actor.Kind == cases.ActorApplicant {
			var used struct {
				N     int   `db:"n"`
				Bytes int64 `db:"bytes"`
			}
			if err := tx.GetContext(ctx, &used, tx.Rebind(`SELECT COUNT(*) AS n, COALESCE(SUM(d.size), 0) AS bytes FROM documents d
				JOIN case_events e ON e.case_id = d.case_id AND e.seq = d.event_seq
				WHERE d.case_id = ? AND d.kind = ? AND e.actor = ?`), caseID, cases.DocUpload, actor.Name); err != nil {
				return err
			}
			var add int64
			for _, d := range docs {
				add += int64(len(d.Body))
			}
			if used.N+len(docs) > cases.ApplicantUploadFiles || used.Bytes+add > cases.ApplicantUploadBytes {
				var f cases.FieldErrors
				f.Add("file", fmt.Sprintf("每件申请最多上传%d个文件、合计%dMB；本案已上传%d个文件（%.1fMB），本次上传的文件均未保存。", cases.ApplicantUploadFiles, cases.ApplicantUploadBytes>>20, used.N, float64(used.Bytes)/(1<<20)),
					fmt.Sprintf("An application takes at most %d files and %d MB in all; this one has %d files (%.1f MB): none of these files was stored.", cases.ApplicantUploadFiles, cases.ApplicantUploadBytes>>20, used.N, float64(used.Bytes)/(1<<20)))
				return f.Err()
			}
		}
		for _, d := range docs {
			d.CaseID, d.Kind, d.EventSeq = caseID, cases.DocUpload, c.EventCount+1
			if d.ID, err = insertDocument(ctx, tx, d, now); err != nil {
				return err
			}
			ev := cases.Event{Event: cases.EventDocumentIssued, Actor: actor.Name, At: now, FromState: c.State, ToState: c.State,
				ReplyDueBefore: c.ReplyDue, ReplyDueAfter: c.ReplyDue,
				Payload: mustCanonical(map[string]any{"document_id": d.ID, "kind": d.Kind, "title": d.Title, "sha256": hexSum(d.Body), "size": len(d.Body)})}
			if err := appendEvent(ctx, tx, c, &ev); err != nil {
				return err
			}
			var stored cases.Document
			if err := tx.GetContext(ctx, &stored, tx.Rebind(`SELECT `+documentColumns+` FROM documents WHERE id = ?`), d.ID); err != nil {
				return err
			}
			out = append(out, stored)
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET event_count = ?, head_hash = ?, version = version + 1, updated_at = ? WHERE id = ?`), c.EventCount, c.HeadHash, now.UTC(), c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
