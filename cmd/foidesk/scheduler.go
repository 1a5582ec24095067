package main

import (
	"context"
	"os"

	"log/slog"

	cases "foidesk/case"
	"foidesk/notify"
	"foidesk/store"
	"foidesk/web"
)

// startScheduler starts the scheduler of `foidesk serve` (unless --no-scheduler): the deadline
// sweep, the monthly statistics and the e-mail delivery, on the cron specs FOIDESK_SWEEP_SPEC
// (default "30 8 * * *"), FOIDESK_MONTHLY_SPEC ("0 7 * * *") and FOIDESK_DELIVER_SPEC
// ("@every 30s"), in the time zone of the first agency (default Asia/Shanghai). Several instances
// on one PostgreSQL database may all run it: each job takes its lock, so it runs once.
func startScheduler(ctx context.Context, db *store.DB, srv *web.Server, font string, log *slog.Logger) (*notify.Scheduler, error) {
	s, err := notifyService(ctx, db, font)
	if err != nil {
		return nil, err
	}
	if srv != nil {
		s.Metrics = notify.NewMetrics(srv.Registry())
	}
	if s.Mailer == nil {
		log.Warn("no mail server (FOIDESK_SMTP_HOST unset): e-mails stay queued in the outbox")
	}
	if s.SMS == nil {
		log.Warn("no SMS sender (FOIDESK_SMS_WEBHOOK or FOIDESK_SMS_PROVIDER unset): text messages stay queued in the outbox")
	}
	agencies, err := db.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	loc := notify.Location(cases.Agency{})
	if len(agencies) > 0 {
		loc = notify.Location(agencies[0])
	}
	return s.Start(notify.ScheduleFromEnv(os.Getenv, loc))
}
