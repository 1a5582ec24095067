package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/workflow"
)

// calendarTTL bounds how long a cached calendar is used by readers: another foidesk instance on
// the same database may have changed a day meanwhile (transitions never use the cache).
const calendarTTL = 30 * time.Second

// Calendar returns the working-day calendar: built-in data overlaid with the stored overrides,
// cached for calendarTTL.
func (db *DB) Calendar() *workflow.Calendar {
	db.calMu.RLock()
	cal, fresh := db.cal, time.Since(db.calAt) < calendarTTL
	db.calMu.RUnlock()
	if cal != nil && fresh {
		return cal
	}
	loaded, err := db.loadCalendar(context.Background(), db.R)
	if err != nil {
		if cal != nil {
			return cal
		}
		return workflow.NewCalendar(nil)
	}
	db.setCalendar(loaded)
	return loaded
}

func (db *DB) setCalendar(cal *workflow.Calendar) {
	db.calMu.Lock()
	db.cal, db.calAt = cal, time.Now()
	db.calMu.Unlock()
}

// calendarTx loads the calendar inside a write transaction: a transition counts its deadlines with
// the overrides as committed — also those another instance recorded — never with a stale cache,
// which would silently undo the recomputation of docs/rules.md §3.
func (db *DB) calendarTx(ctx context.Context, tx *sqlx.Tx) (*workflow.Calendar, error) {
	cal, err := db.loadCalendar(ctx, tx)
	if err != nil {
		return nil, err
	}
	db.setCalendar(cal)
	return cal, nil
}

type overrideRow struct {
	Day  cases.Date `db:"day"`
	Work bool       `db:"work"`
	Note string     `db:"note"`
}

func (db *DB) loadCalendar(ctx context.Context, q getter) (*workflow.Calendar, error) {
	var rows []overrideRow
	if err := q.SelectContext(ctx, &rows, `SELECT day, work, note FROM calendar_overrides ORDER BY day`); err != nil {
		return nil, err
	}
	ovs := make([]workflow.Override, len(rows))
	for i, r := range rows {
		ovs[i] = workflow.Override{Day: r.Day, Work: r.Work, Note: r.Note}
	}
	return workflow.NewCalendar(ovs), nil
}

// SetCalendarDay records an override (a working day or a day off) and, in the same transaction,
// recomputes every stored deadline of every open case, logging a deadline_recomputed event on
// each case whose deadlines moved (docs/rules.md §3).
func (db *DB) SetCalendarDay(ctx context.Context, o workflow.Override, by string) ([]cases.Recomputed, error) {
	return db.changeCalendar(ctx, o.Day, &o, by, false)
}

// DeleteCalendarDay removes the override of day (the built-in calendar applies again) with the
// same recomputation; ENOTFOUND when the day has none.
func (db *DB) DeleteCalendarDay(ctx context.Context, day cases.Date, by string) ([]cases.Recomputed, error) {
	return db.changeCalendar(ctx, day, nil, by, false)
}

// PreviewCalendarDay answers which open cases setting o (nil: removing the override of day) would
// move, from what to what, changing nothing: the change runs through the very code of
// SetCalendarDay in a transaction that is rolled back.
func (db *DB) PreviewCalendarDay(ctx context.Context, day cases.Date, o *workflow.Override) ([]cases.Recomputed, error) {
	return db.changeCalendar(ctx, day, o, "", true)
}

// changeCalendar sets (o) or removes (o nil) the override of day and recomputes the open cases;
// with dryRun the transaction is rolled back.
func (db *DB) changeCalendar(ctx context.Context, day cases.Date, o *workflow.Override, by string, dryRun bool) ([]cases.Recomputed, error) {
	var moved []cases.Recomputed
	var cal *workflow.Calendar
	errDryRun := errors.New("dry run")
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		reason := map[string]any{"day": day, "reason": "calendar_changed"}
		if o != nil {
			_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO calendar_overrides (day, work, note, created_by, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (day) DO UPDATE SET work = excluded.work, note = excluded.note, created_by = excluded.created_by, created_at = excluded.created_at`),
				o.Day, o.Work, o.Note, by, now.UTC())
			if err != nil {
				return err
			}
			reason["work"], reason["note"] = o.Work, o.Note
		} else {
			res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM calendar_overrides WHERE day = ?`), day)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return cases.Errorf(cases.ENOTFOUND, "该日期没有调整记录。", "no override on %s", day)
			}
			reason["deleted"] = true
		}
		var err error
		if cal, err = db.loadCalendar(ctx, tx); err != nil {
			return err
		}
		if moved, err = db.recomputeOpen(ctx, tx, cal, now, reason); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if dryRun && errors.Is(err, errDryRun) {
		return moved, nil
	}
	if err != nil {
		return nil, err
	}
	db.setCalendar(cal)
	return moved, nil
}

// recomputeOpen recomputes the deadlines of every open case under cal.
func (db *DB) recomputeOpen(ctx context.Context, tx *sqlx.Tx, cal *workflow.Calendar, now time.Time, reason map[string]any) ([]cases.Recomputed, error) {
	var ids []int64
	args := []any{}
	for _, s := range cases.OpenStates {
		args = append(args, s)
	}
	if err := tx.SelectContext(ctx, &ids, tx.Rebind(`SELECT id FROM cases WHERE state IN (?`+repeat(", ?", len(cases.OpenStates)-1)+`) ORDER BY id`), args...); err != nil {
		return nil, err
	}
	var moved []cases.Recomputed
	for _, id := range ids {
		c, err := db.caseByID(ctx, tx, id, true)
		if err != nil {
			return nil, err
		}
		n := workflow.Clone(c)
		workflow.Recompute(n, cal)
		if deadlines(n) == deadlines(c) && reflect.DeepEqual(n.Clock.Pauses, c.Clock.Pauses) {
			continue
		}
		payload := map[string]any{}
		for k, v := range reason {
			payload[k] = v
		}
		payload["before"], payload["after"] = deadlines(c), deadlines(n)
		n.Version++
		ev := cases.Event{Event: cases.EventDeadlineRecomputed, Actor: "system", At: now, FromState: c.State, ToState: c.State,
			ReplyDueBefore: c.ReplyDue, ReplyDueAfter: n.ReplyDue, Payload: mustCanonical(payload)}
		if err := appendEvent(ctx, tx, n, &ev); err != nil {
			return nil, err
		}
		n.UpdatedAt = now.UTC()
		if _, err := tx.ExecContext(ctx, tx.Rebind(caseUpdate), append(caseValues(n), n.ID, c.Version, c.State)...); err != nil {
			return nil, err
		}
		if err := clearInbox(ctx, tx, c, n, ev, now); err != nil { // deadline alerts of a deadline moved later (outbox_clear.go)
			return nil, err
		}
		// A reply deadline moved by a calendar change is texted to the applicant.
		if to, ok := cases.MobileNumber(n.Applicant.Phone); ok && reason["reason"] == "calendar_changed" && !n.ReplyDue.Equal(c.ReplyDue) && !n.ReplyDue.IsZero() {
			m := cases.SMSMessage(fmt.Sprintf("event:%d:%d:sms", n.ID, ev.Seq), cases.SMSDeadlineMoved, n, to, n.ReplyDue, 0, "")
			if _, err := insertMessage(ctx, tx, m, now); err != nil {
				return nil, err
			}
		}
		moved = append(moved, cases.Recomputed{TrackingNo: c.TrackingNo, AgencyID: c.AgencyID, Before: c.ReplyDue, After: n.ReplyDue})
	}
	return moved, nil
}

type deadlineSet struct {
	ReplyDue           string `json:"reply_due"`
	Provisional        bool   `json:"provisional"`
	CorrectionNoticeBy string `json:"correction_notice_by"`
	CorrectionDue      string `json:"correction_due"`
	ConsultationDue    string `json:"consultation_due"`
	FeeDue             string `json:"fee_due"`
	PausedDays         int    `json:"paused_days"`
}

func deadlines(c *cases.Case) deadlineSet {
	return deadlineSet{c.ReplyDue.String(), c.Provisional, c.CorrectionNoticeBy.String(), c.CorrectionDue.String(), c.ConsultationDue.String(), c.FeeDue.String(), c.PausedDays}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
