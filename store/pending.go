package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// Letters rendered outside the write lock (docs/performance.md). A transition that issues letters
// reserves their numbers and stores their rows inside its transaction, without bodies, with a
// pending_letters row holding what rendering needs (the case as it was at the event, the date,
// the number, the addressee...). After the commit the same call renders them and stores the
// bodies in a second short transaction: the only write lock of the office is no longer held while
// fonts are subset and PDFs compressed, so the other writes do not queue behind it. A letter left
// pending (a crash between the two, a renderer error) is rendered again by
// CompletePendingLetters — at start-up — or when it is first asked for (Document).

// pendingLetter is a letter of the current transaction to render after its commit.
type pendingLetter struct {
	docID int64
	req   cases.LetterRequest
}

// addPending records a letter to render after tx commits.
func (db *DB) addPending(ctx context.Context, tx *sqlx.Tx, docID int64, req cases.LetterRequest, now time.Time) error {
	stored := req
	stored.Agency, stored.Siblings = cases.Agency{}, nil // read again when rendered after a crash
	b, err := json.Marshal(stored)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO pending_letters (document_id, case_id, agency_id, request, created_at) VALUES (?, ?, ?, ?, ?)`),
		docID, req.Case.ID, req.Agency.ID, string(b), now.UTC()); err != nil {
		return err
	}
	db.pendMu.Lock()
	if db.pend == nil {
		db.pend = map[*sqlx.Tx][]pendingLetter{}
	}
	db.pend[tx] = append(db.pend[tx], pendingLetter{docID: docID, req: req})
	db.pendMu.Unlock()
	return nil
}

// takePending removes and returns the letters recorded for tx.
func (db *DB) takePending(tx *sqlx.Tx) []pendingLetter {
	db.pendMu.Lock()
	defer db.pendMu.Unlock()
	p := db.pend[tx]
	delete(db.pend, tx)
	return p
}

// commit commits tx and then renders and stores the letters it issued.
func (db *DB) commit(ctx context.Context, tx *sqlx.Tx) error {
	if err := tx.Commit(); err != nil {
		db.takePending(tx)
		return err
	}
	return db.renderLetters(context.WithoutCancel(ctx), db.takePending(tx))
}

// renderLetters renders the letters and stores their bodies in one short write transaction.
func (db *DB) renderLetters(ctx context.Context, ps []pendingLetter) error {
	if len(ps) == 0 {
		return nil
	}
	type done struct {
		id       int64
		pdf      []byte
		warnings string
	}
	// The letters of one event render at the same time (a registration's two use both cores).
	res := make([]done, len(ps))
	errs := make([]error, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pdf, warnings, err := db.Renderer.Render(p.req)
			if err != nil {
				errs[i] = fmt.Errorf("render %s: %w", p.req.Kind, err)
				return
			}
			res[i] = done{p.docID, pdf, strings.Join(warnings, "\n")}
		}()
	}
	wg.Wait()
	out := make([]done, 0, len(ps))
	var firstErr error
	for i := range ps {
		if errs[i] != nil { // stays pending: rendered again at start-up or when asked for
			if firstErr == nil {
				firstErr = errs[i]
			}
			continue
		}
		out = append(out, res[i])
	}
	if len(out) > 0 {
		err := db.tx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
			for _, d := range out {
				if err := storeLetterBody(ctx, tx, d.id, d.pdf, d.warnings); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return firstErr
}

// storeLetterBody stores a pending letter's body once (another instance or a concurrent request
// may have stored it first: then nothing changes).
func storeLetterBody(ctx context.Context, tx *sqlx.Tx, id int64, pdf []byte, warnings string) error {
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM pending_letters WHERE document_id = ?`), id); err != nil || n == 0 {
		return err
	}
	sum := sha256.Sum256(pdf)
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE documents SET body = ?, sha256 = ?, size = ?, warnings = ? WHERE id = ? AND sha256 = ''`),
		pdf, hex.EncodeToString(sum[:]), len(pdf), warnings, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM pending_letters WHERE document_id = ?`), id)
	return err
}

// CompletePendingLetters renders the letters left pending (by a crash between a transition's
// commit and the storing of its letters) and returns how many it stored. Run at start-up.
func (db *DB) CompletePendingLetters(ctx context.Context) (int, error) {
	if db.Renderer == nil {
		return 0, nil
	}
	var ids []int64
	if err := db.R.SelectContext(ctx, &ids, `SELECT document_id FROM pending_letters ORDER BY document_id`); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		ok, err := db.completeLetter(ctx, id)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// completeLetter renders one pending letter from its stored request; false when it was not
// pending (any more).
func (db *DB) completeLetter(ctx context.Context, docID int64) (bool, error) {
	var row struct {
		AgencyID int64  `db:"agency_id"`
		CaseID   int64  `db:"case_id"`
		Request  string `db:"request"`
	}
	err := db.R.GetContext(ctx, &row, db.R.Rebind(`SELECT agency_id, case_id, request FROM pending_letters WHERE document_id = ?`), docID)
	if err != nil {
		return false, ignoreNoRows(err)
	}
	var req cases.LetterRequest
	if err := json.Unmarshal([]byte(row.Request), &req); err != nil {
		return false, fmt.Errorf("pending letter %d: %w", docID, err)
	}
	if req.Case == nil {
		return false, fmt.Errorf("pending letter %d: no case", docID)
	}
	req.Case.ID, req.Case.AgencyID = row.CaseID, row.AgencyID
	if req.Agency, err = agencyTx(ctx, db.R, row.AgencyID); err != nil {
		return false, err
	}
	if req.Agency.LetterAssets, err = letterAssets(ctx, db.R, row.AgencyID); err != nil {
		return false, err
	}
	if req.Kind == cases.DocReply {
		var rows []agencyRow
		if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(`SELECT id, code, name, settings FROM agencies WHERE id <> ? ORDER BY id`), row.AgencyID); err != nil {
			return false, err
		}
		for _, r := range rows {
			req.Siblings = append(req.Siblings, r.agency())
		}
	}
	if err := db.renderLetters(ctx, []pendingLetter{{docID: docID, req: req}}); err != nil {
		return false, err
	}
	return true, nil
}
