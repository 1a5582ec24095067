// Package notify watches every clock of docs/rules.md §4 and acts, so that nobody has to remember a
// deadline: the deadline sweep (alerts and statutory lapses), the monthly statistics job, and the
// delivery of notices from the outbox (in-app inbox, e-mail over SMTP), run by a robfig/cron
// scheduler inside `foidesk serve` or once by `foidesk notify run-once`.
//
// # The deadline sweep
//
// Sweep(ctx, at) looks at every agency as of instant at, in the agency's time zone:
//
// Lapses are legal facts and are applied whenever the sweep runs (any day), each as an event of
// the system actor through the state machine, in one transaction with its state, outcome,
// termination letter and notice:
//   - consultation_done: a consultation whose answer due date has passed; every party without an
//     answer is recorded as silent (Art. 32: the agency decides; Art. 34: deemed consent) and the
//     pause ends on the due date;
//   - correction_lapsed: a correction not made by its due date (Art. 30: deemed abandoned);
//   - fee_lapsed: a fee not paid by its due date (国办函〔2020〕109号: deemed abandoned).
//
// Alerts are raised on working days only (the working-day calendar, not the weekday). Their kinds:
//   - due_in_N (N each of the agency's AlertThresholds, default 5, 3, 1): the reply deadline of a
//     case whose clock runs is N working days away;
//   - due_today: the reply deadline is today (or falls before the next working day);
//   - overdue: the reply deadline has passed; repeated every working day as an escalation;
//   - unregistered: an online submission still unregistered after UnregisteredAlert working days
//     (Art. 31: not yet received); repeated every working day until it is registered;
//   - correction_window: a received case on day 5 of the 7-working-day window for a correction
//     notice (Art. 30), with no notice sent.
//
// Recipients: the handling clerk, or every clerk of the agency while the case is unassigned (every
// clerk for unregistered submissions); overdue alerts also go to the agency's supervisors. Each
// recipient gets an in-app message and, when the account has an address, an e-mail.
//
// Every alert is keyed (case, kind, threshold, day) — day being the agency's date of the sweep —
// and recorded at most once (table alert_keys), in the same transaction as its outbox messages.
// Running the sweep twice, concurrently, or on two instances sharing a PostgreSQL database sends
// nothing twice and applies no lapse twice: the keys are unique, a lapse is refused by the state
// machine once applied (ECONFLICT, taken as "already done"), and the whole sweep runs under a job
// lock (PostgreSQL: pg_try_advisory_xact_lock in a transaction held for the run). Because keys
// carry the day, a deadline moved by a calendar change, an extension or a restart is alerted
// afresh against its new date by the next sweep.
//
// # Delivery
//
// Notices are written to the outbox in the transaction of the event that causes them (package
// store) and delivered only after it commits. Inbox messages are delivered by the commit; e-mails
// are claimed, sent over SMTP and marked sent by Deliver, with exponential backoff on failure
// (attempts, next try and last error stored; given up after MaxAttempts, listed for the
// administrator, who may retry).
package notify
