package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule holds the cron specs of the jobs (standard five fields, or descriptors such as
// "@every 30s"), read in the agency's time zone.
type Schedule struct {
	Sweep    string // the deadline sweep (FOIDESK_SWEEP_SPEC, default "30 8 * * *": 08:30 daily)
	Monthly  string // the monthly statistics (FOIDESK_MONTHLY_SPEC, default "0 7 * * *": 07:00 daily, acting on the first working day)
	Deliver  string // e-mail delivery from the outbox (FOIDESK_DELIVER_SPEC, default "@every 30s")
	Location *time.Location
}

// Default job specs.
const (
	DefaultSweepSpec   = "30 8 * * *"
	DefaultMonthlySpec = "0 7 * * *"
	DefaultDeliverSpec = "@every 30s"
)

// ScheduleFromEnv reads the job specs from FOIDESK_SWEEP_SPEC, FOIDESK_MONTHLY_SPEC and
// FOIDESK_DELIVER_SPEC (getenv is os.Getenv in production), with the defaults for unset ones.
func ScheduleFromEnv(getenv func(string) string, loc *time.Location) Schedule {
	or := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	return Schedule{Sweep: or("FOIDESK_SWEEP_SPEC", DefaultSweepSpec), Monthly: or("FOIDESK_MONTHLY_SPEC", DefaultMonthlySpec),
		Deliver: or("FOIDESK_DELIVER_SPEC", DefaultDeliverSpec), Location: loc}
}

// Scheduler runs the jobs of a Service on their schedule.
type Scheduler struct {
	cron   *cron.Cron
	cancel context.CancelFunc
}

// Start schedules the jobs and starts the cron runner. A job still running when its next time
// comes is skipped; a panic in a job is logged. An invalid spec is an error.
func (s *Service) Start(sch Schedule) (*Scheduler, error) {
	loc := sch.Location
	if loc == nil {
		loc = time.Local
	}
	lg := cronLogger{s.log()}
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(lg), cron.WithChain(cron.Recover(lg), cron.SkipIfStillRunning(lg)))
	// The specs are read on the service's clock: with FOIDESK_NOW the sweep runs when that clock
	// reads 08:30, not the wall clock (docs/api.md "Clock and deployment settings").
	offset := s.now().Sub(time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	jobs := []struct {
		name, spec string
		run        func()
	}{
		{"sweep", sch.Sweep, func() {
			if _, err := s.Sweep(ctx, s.now()); err != nil {
				s.log().Error("deadline sweep failed", "err", err)
			}
			s.deliverNow(ctx)
		}},
		{"monthly", sch.Monthly, func() {
			if _, err := s.Monthly(ctx, s.now()); err != nil {
				s.log().Error("monthly statistics failed", "err", err)
			}
			s.deliverNow(ctx)
		}},
		{"deliver", sch.Deliver, func() { s.deliverNow(ctx) }},
	}
	for _, j := range jobs {
		if j.spec == "" || j.spec == "off" {
			continue
		}
		spec, err := cron.ParseStandard(j.spec)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("schedule of the %s job %q: %w", j.name, j.spec, err)
		}
		c.Schedule(shifted{spec, offset}, cron.FuncJob(j.run))
		s.log().Info("job scheduled", "job", j.name, "spec", j.spec, "tz", loc.String())
	}
	c.Start()
	return &Scheduler{cron: c, cancel: cancel}, nil
}

// shifted is a schedule read on a clock that runs offset ahead of the wall clock (FOIDESK_NOW):
// the cron runner waits on the wall clock, so each next time is found on the shifted clock and
// brought back. A zero offset is the schedule itself.
type shifted struct {
	cron.Schedule
	offset time.Duration
}

func (s shifted) Next(t time.Time) time.Time {
	return s.Schedule.Next(t.Add(s.offset)).Add(-s.offset)
}

func (s *Service) deliverNow(ctx context.Context) {
	if _, err := s.Deliver(ctx); err != nil {
		s.log().Error("outbox delivery failed", "err", err)
	}
}

// Stop stops scheduling, cancels the running jobs and waits for them to return.
func (sc *Scheduler) Stop() {
	done := sc.cron.Stop()
	sc.cancel()
	<-done.Done()
}

// cronLogger adapts slog to cron.Logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
