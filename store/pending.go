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

// Letters rendered outside the write lock and off the request (docs/performance.md). A
// transition that issues letters reserves their numbers and stores their rows inside its
// transaction, without bodies, with a pending_letters row holding what rendering needs (the case as
// it was at the event, the date, the number, the addressee...). After the commit:
//
//   - in `serve` (StartLetterRenderer) the transition returns at once and wakes the background
//     renderer: one goroutine per instance that claims the pending letters in the order they were
//     issued, renders them and stores their bodies, each in a short transaction;
//   - elsewhere (the command-line tools, tests) the same call renders them and stores the bodies.
//
// A letter is rendered on demand when it is opened (Document) or attached to an e-mail
// (OutboxDocument) before the background renderer got to it, and an e-mail attaching a letter is
// not claimed for sending while the letter is pending (ClaimMessages). A body is stored once:
// storeLetterBody writes it only while the pending row exists and removes that row, so a second
// rendering (another instance, a request) changes nothing. Claims are leases (claimed_until) so
// that two instances on one PostgreSQL database do not render the same letters, and a letter whose
// instance died or whose rendering failed is taken up again when its lease runs out.

// letterLease is how long a claimed letter is left to the instance that claimed it.
const letterLease = 2 * time.Minute

// letterBatch is how many pending letters the background renderer claims at a time.
const letterBatch = 16

// letterPoll is how often the background renderer looks for letters nobody woke it for (issued by
// another instance, or whose lease ran out).
const letterPoll = 15 * time.Second

// pendingLetter is a letter of the current transaction to render after its commit.
type pendingLetter struct {
	docID int64
	req   cases.LetterRequest
}

// storedRequest is a pending letter's request as pending_letters keeps it: the case's JSON leaves
// out its clock (json:"-"), which letters read (the correction notice's date in a 终止办理告知书,
// an extension's period), so it is kept beside. Rows stored without it decode with a zero clock.
type storedRequest struct {
	cases.LetterRequest
	CaseClock *cases.Clock `json:"case_clock,omitempty"`
}

// addPending records a letter to render after tx commits.
func (db *DB) addPending(ctx context.Context, tx *sqlx.Tx, docID int64, req cases.LetterRequest, now time.Time) error {
	stored := storedRequest{LetterRequest: req}
	stored.Agency, stored.Siblings = cases.Agency{}, nil // read again when rendered after a crash
	if req.Case != nil {
		clk := req.Case.Clock
		stored.CaseClock = &clk
	}
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

// commit commits tx and then hands the letters it issued to the background renderer when it runs,
// or renders and stores them.
func (db *DB) commit(ctx context.Context, tx *sqlx.Tx) error {
	err := tx.Commit()
	db.endWrite(tx) // the next writer's turn (db.go beginWrite), before any rendering
	if err != nil {
		db.takePending(tx)
		return err
	}
	ps := db.takePending(tx)
	if len(ps) == 0 {
		return nil
	}
	db.pendMu.Lock()
	wake := db.wake
	db.pendMu.Unlock()
	if wake != nil {
		select {
		case wake <- struct{}{}:
		default: // already woken
		}
		return nil
	}
	return db.renderLetters(context.WithoutCancel(ctx), ps)
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

// StartLetterRenderer makes the transitions of db return after their commit, leaving the letters
// they issue to a background renderer, and starts it: one goroutine that renders the pending
// letters (those left by an earlier run first), woken by each commit that issued letters and every
// letterPoll. report, when set, is told of the errors (the letter stays pending and is taken up
// again when its lease runs out). stop ends it after the letter being rendered; transitions then
// render their letters themselves again.
func (db *DB) StartLetterRenderer(ctx context.Context, report func(error)) (stop func()) {
	wake := make(chan struct{}, 1)
	db.pendMu.Lock()
	db.wake = wake
	db.pendMu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(letterPoll)
		defer tick.Stop()
		for {
			if _, err := db.RenderPendingLetters(ctx); err != nil && ctx.Err() == nil && report != nil {
				report(err)
			}
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-tick.C:
			}
		}
	}()
	return func() {
		db.pendMu.Lock()
		if db.wake == wake {
			db.wake = nil
		}
		db.pendMu.Unlock()
		cancel()
		<-done
	}
}

// RenderPendingLetters renders the pending letters no other renderer has claimed, in the order
// they were issued, and returns how many it stored. A letter that fails stays pending (and claimed
// until its lease runs out); the others are still rendered, and the first error is returned.
func (db *DB) RenderPendingLetters(ctx context.Context) (int, error) {
	if db.Renderer == nil {
		return 0, nil
	}
	n := 0
	var firstErr error
	for ctx.Err() == nil {
		ids, err := db.claimLetters(ctx, letterBatch)
		if err != nil {
			return n, err
		}
		if len(ids) == 0 {
			break
		}
		for i, id := range ids {
			if ctx.Err() != nil { // stopping: the rest of the batch is left to the next renderer at once
				db.releaseLetters(ids[i:])
				break
			}
			ok, err := db.renderPending(context.WithoutCancel(ctx), id) // a letter begun is finished
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("pending letter %d: %w", id, err)
				}
				continue
			}
			if ok {
				n++
			}
		}
	}
	return n, firstErr
}

// CompletePendingLetters renders the letters left pending (by a crash between a transition's
// commit and the storing of its letters) and returns how many it stored.
func (db *DB) CompletePendingLetters(ctx context.Context) (int, error) {
	return db.RenderPendingLetters(ctx)
}

// claimLetters claims up to limit pending letters that nobody holds (no lease, or a lease run
// out), oldest first, for letterLease. Leases are taken on the wall clock, not db.Now: they are
// about this process being alive, not about the office's dates.
func (db *DB) claimLetters(ctx context.Context, limit int) ([]int64, error) {
	var ids []int64
	now := time.Now().UTC().Truncate(time.Second)
	err := db.tx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		ids = ids[:0]
		q := `SELECT document_id FROM pending_letters WHERE claimed_until IS NULL OR claimed_until < ? ORDER BY document_id LIMIT ?`
		if db.Dialect == Postgres {
			q += ` FOR UPDATE SKIP LOCKED` // another instance's claim in progress
		}
		if err := tx.SelectContext(ctx, &ids, tx.Rebind(q), now, limit); err != nil || len(ids) == 0 {
			return err
		}
		args := []any{now.Add(letterLease)}
		for _, id := range ids {
			args = append(args, id)
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE pending_letters SET claimed_until = ? WHERE document_id IN `+inList(len(ids))), args...)
		return err
	})
	return ids, err
}

// completeCaseLetters renders the letters of a case still pending, for what must hold every
// letter's PDF (the archive package); without a renderer it refuses rather than hand out an empty
// letter.
func (db *DB) completeCaseLetters(ctx context.Context, caseID int64) error {
	var ids []int64
	if err := db.R.SelectContext(ctx, &ids, db.R.Rebind(`SELECT document_id FROM pending_letters WHERE case_id = ? ORDER BY document_id`), caseID); err != nil || len(ids) == 0 {
		return err
	}
	if db.Renderer == nil {
		return cases.Errorf(cases.ECONFLICT, "该案件有%d份文书尚未生成，请稍后再试。", "%d letters of the case are not rendered yet", len(ids))
	}
	for _, id := range ids {
		if _, err := db.renderPending(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// releaseLetters gives up the claims on letters this renderer will not render (it is stopping).
func (db *DB) releaseLetters(ids []int64) {
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	db.W.ExecContext(ctx, db.W.Rebind(`UPDATE pending_letters SET claimed_until = NULL WHERE document_id IN `+inList(len(ids))), args...)
}

// renderPending renders one pending letter and stores it (false: it was not pending any more).
// Within this process a letter is rendered by one caller at a time: a request opening a letter the
// background renderer is rendering waits for it instead of rendering it again.
func (db *DB) renderPending(ctx context.Context, docID int64) (bool, error) {
	for {
		db.pendMu.Lock()
		busy, ok := db.rendering[docID]
		if !ok {
			if db.rendering == nil {
				db.rendering = map[int64]chan struct{}{}
			}
			mine := make(chan struct{})
			db.rendering[docID] = mine
			db.pendMu.Unlock()
			defer func() {
				db.pendMu.Lock()
				delete(db.rendering, docID)
				db.pendMu.Unlock()
				close(mine)
			}()
			return db.completeLetter(ctx, docID)
		}
		db.pendMu.Unlock()
		select {
		case <-busy: // rendered (then completeLetter finds nothing to do) or failed (then try here)
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
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
	var stored storedRequest
	if err := json.Unmarshal([]byte(row.Request), &stored); err != nil {
		return false, fmt.Errorf("pending letter %d: %w", docID, err)
	}
	req := stored.LetterRequest
	if req.Case == nil {
		return false, fmt.Errorf("pending letter %d: no case", docID)
	}
	req.Case.ID, req.Case.AgencyID = row.CaseID, row.AgencyID
	if stored.CaseClock != nil {
		req.Case.Clock = *stored.CaseClock
	}
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
