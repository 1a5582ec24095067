package main

import (
	"context"
	"os"

	cases "foidesk/case"
	"foidesk/notify"
)

// The scheduler of `foidesk serve` (unless --no-scheduler): the deadline sweep, the monthly
// statistics and the e-mail delivery, on the cron specs FOIDESK_SWEEP_SPEC (default "30 8 * * *"),
// FOIDESK_MONTHLY_SPEC ("0 7 * * *") and FOIDESK_DELIVER_SPEC ("@every 30s"), in the time zone
// of the first agency (default Asia/Shanghai). Several instances on one PostgreSQL database may
// all run it: each job takes its lock, so it runs once.
func init() {
	serveHooks = append(serveHooks, startScheduler)
}

func startScheduler(ctx context.Context, env *serveEnv) (func(), error) {
	if env.NoScheduler {
		env.Logger.Info("scheduler disabled (--no-scheduler)")
		return nil, nil
	}
	s, err := notifyService(ctx, env.DB, env.Font)
	if err != nil {
		return nil, err
	}
	if env.Web != nil {
		s.Metrics = notify.NewMetrics(env.Web.Registry())
	}
	if s.Mailer == nil {
		env.Logger.Warn("no mail server (FOIDESK_SMTP_HOST unset): e-mails stay queued in the outbox")
	}
	agencies, err := env.DB.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	loc := notify.Location(cases.Agency{})
	if len(agencies) > 0 {
		loc = notify.Location(agencies[0])
	}
	sc, err := s.Start(notify.ScheduleFromEnv(os.Getenv, loc))
	if err != nil {
		return nil, err
	}
	return sc.Stop, nil
}
