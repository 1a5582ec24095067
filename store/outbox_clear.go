package store

import (
	"context"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// clearInbox marks read, inside the event's transaction, the inbox messages about case n that
// event ev has answered (docs/design.md "The state machine" step 5): a message asks a person to
// act, and once the case no longer needs that act it is no longer news.
//
//   - the deadline alerts (due in n days, due today, overdue) when the reply clock stops (the case
//     is concluded, awaits a correction or a fee, or is in consultation: Art. 30, 33) or the reply
//     deadline moves later than the alert was about (an extension, a new period);
//   - the alert of an unregistered online submission when it is registered or discarded (Art. 31);
//   - the alert of the correction-notice window (Art. 30) when a correction is requested or the
//     case leaves the open states;
//   - "a reply awaits your approval" (every supervisor's copy) when the draft leaves approval:
//     approved, returned or taken back;
//   - "your draft was returned" when a new draft is sent for approval;
//   - "the applicant submitted the correction" when the staff next act on the case.
func clearInbox(ctx context.Context, tx *sqlx.Tx, old, n *cases.Case, ev cases.Event, now time.Time) error {
	var kinds []string
	dueAlerts := false
	if !cases.ClockRunning(n.State) || n.ReplyDue.After(old.ReplyDue) {
		dueAlerts = true
		kinds = append(kinds, "alert.due_today", "alert.overdue")
	}
	if old.State == cases.StateSubmitted && n.State != cases.StateSubmitted {
		kinds = append(kinds, "alert.unregistered")
	}
	if ev.Event == cases.EventRequestCorrection || !cases.IsOpen(n.State) {
		kinds = append(kinds, "alert.correction_window")
	}
	if old.State == cases.StatePendingApproval && n.State != cases.StatePendingApproval {
		kinds = append(kinds, "staff.draft_reply")
	}
	if ev.Event == cases.EventDraftReply {
		kinds = append(kinds, "staff.return")
	}
	staffAct := ev.Actor != cases.ActorApplicant && ev.Actor != cases.SystemActor.Name && ev.Event != cases.EventAddNote
	if staffAct || !cases.IsOpen(n.State) {
		kinds = append(kinds, "staff.submit_correction")
	}
	if len(kinds) == 0 && !dueAlerts {
		return nil
	}
	kinds = slices.Compact(kinds)
	q := `UPDATE outbox SET read_at = ? WHERE case_id = ? AND channel = ? AND read_at IS NULL AND (kind IN ` + inList(len(kinds))
	args := []any{now.UTC(), n.ID, cases.MessageInbox}
	for _, k := range kinds {
		args = append(args, k)
	}
	if dueAlerts {
		q += ` OR kind LIKE ?` // alert.due_in_5, alert.due_in_3, …
		args = append(args, "alert.due_in_%")
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(q+`)`), args...)
	return err
}
