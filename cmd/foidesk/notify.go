package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	cases "foidesk/case"
	"foidesk/forms"
	"foidesk/notify"
	"foidesk/store"
)

const notifyUsage = `Usage:
  foidesk notify run-once [--at RFC3339] [--deliver]   run the deadline sweep once
  foidesk notify deliver                              send the e-mails and SMS waiting in the outbox
  foidesk notify monthly [--at RFC3339]               publish last month's statistics if due
  foidesk notify failures                             list the e-mails not sent
  foidesk notify retry ID                             try an e-mail again now

run-once runs the deadline sweep as of an instant (default now): it applies the lapses whose
period has ended (consultation_done recording silence, correction_lapsed, fee_lapsed) and, on a
working day, records the alerts (due_in_N for each alert threshold, due_today, overdue,
unregistered, correction_window). It prints one line per alert and recipient
"ALERT <kind> <tracking_no> <recipient>", one line per lapse "LAPSE <event> <tracking_no>", then
"alerts: N, lapses: M" counting only what this run did first: an immediate rerun prints
"alerts: 0, lapses: 0". --deliver also sends the e-mails queued.

deliver sends the queued e-mails over SMTP (FOIDESK_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM,
_TLS=starttls|tls|none) and the queued text messages, and prints "sent: N, failed: M".

Text messages (SMS) go to the applicant's mobile number for a correction request and its
reminder, a fee notice and its reminder (3 working days before the period ends), an extension, a
reply issued, a reply deadline moved by a calendar change, and a new access code (POST
/api/v1/track/recover); retried like e-mail. Senders:
  FOIDESK_SMS_WEBHOOK=URL          each SMS POSTed as JSON {to, text, tracking_no, kind}; 2xx = sent
  FOIDESK_SMS_PROVIDER=aliyun      Alibaba Cloud SMS (dysmsapi SendSms, signature v1 HMAC-SHA1) with
    FOIDESK_ALIYUN_SMS_ACCESS_KEY_ID, FOIDESK_ALIYUN_SMS_ACCESS_KEY_SECRET, FOIDESK_ALIYUN_SMS_SIGN_NAME,
    FOIDESK_ALIYUN_SMS_TEMPLATE (TemplateCode; parameters no, date, amount, code),
    optional FOIDESK_ALIYUN_SMS_TEMPLATES ("kind=CODE,…"), _ENDPOINT, _REGION.
While serve runs its scheduler the outbox is delivered every 30 s (FOIDESK_DELIVER_SPEC).

failures prints one line per message not sent: "<id> <attempts> <next try or given-up> <recipient> <last error>". retry schedules one for
an immediate try. monthly publishes the previous month's statistics (on or after the first working
day of a month, once) and prints one line per agency published.
Flags: --db DSN (FOIDESK_DB), --font PATH (FOIDESK_FONT, for the letters and the statistics PDF).`

// runNotify runs the subcommand of "foidesk notify" named by args[0].
func runNotify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, notifyUsage,
		subcommand{Name: "run-once", Summary: "run the deadline sweep once", Run: runNotifyOnce},
		subcommand{Name: "deliver", Summary: "send the queued e-mails", Run: runNotifyDeliver},
		subcommand{Name: "monthly", Summary: "publish last month's statistics", Run: runNotifyMonthly},
		subcommand{Name: "failures", Summary: "list the e-mails not sent", Run: runNotifyFailures},
		subcommand{Name: "retry", Summary: "try an e-mail again", Run: runNotifyRetry})
}

// notifyService wires the notify service on db: the SMTP mailer when configured and the
// statistics renderer when the font loads.
func notifyService(ctx context.Context, db *store.DB, font string) (*notify.Service, error) {
	s := &notify.Service{Store: db, Log: logger(ctx), Now: db.Now}
	cfg, err := notify.SMTPConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	if cfg.Enabled() {
		m, err := notify.NewSMTPMailer(cfg)
		if err != nil {
			return nil, err
		}
		s.Mailer = m
	}
	if s.SMS, err = notify.SMSFromEnv(os.Getenv); err != nil {
		return nil, err
	}
	if font != "" {
		if f, err := forms.LoadFont(font); err == nil {
			s.RenderMonthly = monthlyPDF(f)
		} else {
			logger(ctx).Warn("font not loaded: the monthly statistics are stored as text", "font", font, "err", err)
		}
	}
	return s, nil
}

// openExistingMigrated opens an existing database (never creating a SQLite file) and applies the
// pending migrations.
func openExistingMigrated(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := openExistingDB(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// atFlag parses --at (RFC 3339; empty: now).
func atFlag(ctx context.Context, s string) (time.Time, error) {
	if s == "" {
		return opts(ctx).Now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, usagef("--at %q is not an RFC 3339 instant (e.g. 2026-10-09T08:30:00+08:00)", s)
	}
	return t, nil
}

// openAt parses --at and opens the existing database, migrated, with the store's clock at that
// instant: the lapses and publications of a run are events of the instant it runs for.
func openAt(ctx context.Context, dsn, atText string) (*store.DB, time.Time, error) {
	at, err := atFlag(ctx, atText)
	if err != nil {
		return nil, at, err
	}
	db, err := openExistingMigrated(ctx, dsn)
	if err != nil {
		return nil, at, err
	}
	db.Now = func() time.Time { return at }
	return db, at, nil
}

func runNotifyOnce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "notify run-once")
	dsn, font := f.DB(), f.Font()
	atText := f.String("at", "", "the instant to run the sweep for (RFC 3339; default now)")
	deliver := f.Bool("deliver", false, "send the queued e-mails after the sweep")
	if err := f.parseNone(args, notifyUsage, stdout); err != nil {
		return err
	}
	db, at, err := openAt(ctx, *dsn, *atText)
	if err != nil {
		return err
	}
	defer db.Close()
	if r, err := loadRenderer(ctx, *font); err == nil {
		db.Renderer = r
	} else {
		logger(ctx).Warn("letters will not be issued: no font", "err", err)
	}
	s, err := notifyService(ctx, db, "")
	if err != nil {
		return err
	}
	rep, err := s.Sweep(ctx, at)
	if err != nil {
		return err
	}
	if rep.Skipped {
		return fmt.Errorf("another deadline sweep is running; nothing done")
	}
	for _, l := range rep.Lines() {
		fmt.Fprintln(stdout, l)
	}
	if *deliver {
		if _, err := s.Deliver(ctx); err != nil {
			return err
		}
	}
	if len(rep.Errors) > 0 {
		return exitError{1}
	}
	return nil
}

func runNotifyDeliver(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "notify deliver")
	dsn := f.DB()
	if err := f.parseNone(args, notifyUsage, stdout); err != nil {
		return err
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := notifyService(ctx, db, "")
	if err != nil {
		return err
	}
	if s.Mailer == nil && s.SMS == nil {
		return fmt.Errorf("no mail server nor SMS sender: set FOIDESK_SMTP_HOST and FOIDESK_SMTP_FROM, or FOIDESK_SMS_WEBHOOK")
	}
	d, err := s.Deliver(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sent: %d, failed: %d\n", d.Sent, d.Failed)
	return nil
}

func runNotifyMonthly(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "notify monthly")
	dsn, font := f.DB(), f.Font()
	atText := f.String("at", "", "the instant to run the job for (RFC 3339; default now)")
	if err := f.parseNone(args, notifyUsage, stdout); err != nil {
		return err
	}
	db, at, err := openAt(ctx, *dsn, *atText)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := notifyService(ctx, db, *font)
	if err != nil {
		return err
	}
	pub, err := s.Monthly(ctx, at)
	if err != nil {
		return err
	}
	for _, p := range pub {
		fmt.Fprintf(stdout, "MONTHLY %s %04d-%02d document=%d recipients=%d\n", p.Agency, p.Year, p.Month, p.DocumentID, len(p.Recipients))
	}
	return nil
}

func runNotifyFailures(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "notify failures")
	dsn := f.DB()
	if err := f.parseNone(args, notifyUsage, stdout); err != nil {
		return err
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ms, err := db.FailedMessages(ctx, 500)
	if err != nil {
		return err
	}
	for _, m := range ms {
		next := "given-up"
		if m.NextTryAt != nil {
			next = m.NextTryAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(stdout, "%d %d %s %s %s\n", m.ID, m.Attempts, next, m.Recipient, m.LastError)
	}
	return nil
}

func runNotifyRetry(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "notify retry")
	dsn := f.DB()
	pos, err := f.parse(args, notifyUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one message ID")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usagef("%q is not a message ID", pos[0])
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.RetryMessage(ctx, id)
}

// monthlyPDF renders the monthly statistics of an agency (docs/rules.md §8) on the letters' font.
func monthlyPDF(font *forms.Font) func(a cases.Agency, s cases.MonthlyStats) ([]byte, error) {
	return func(a cases.Agency, s cases.MonthlyStats) ([]byte, error) {
		title := fmt.Sprintf("%d年%d月政府信息公开工作统计月报", s.Year, s.Month)
		d := forms.NewDoc(font, nil, forms.Layout{Title: title, PageNumbers: true, HeaderLeft: a.Name})
		d.Text(a.Name, forms.Style{Size: 16, Align: forms.AlignCenter, Bold: true})
		d.Text(title, forms.Style{Size: 16, Align: forms.AlignCenter, Bold: true})
		d.Space(4)
		d.Text(fmt.Sprintf("统计期间：%s至%s", s.From.Chinese(), s.To.Chinese()), forms.Style{Size: 11})
		d.Text(fmt.Sprintf("逾期未办结情况统计截至：%s", s.AsOf.Chinese()), forms.Style{Size: 11})
		d.Space(3)
		t := s.Total
		rows := [][]string{
			{"本月新收申请（件）", strconv.Itoa(t.Received)},
			{"本月办结（件）", strconv.Itoa(t.Concluded)},
			{"作出答复（件）", strconv.Itoa(t.Replied)},
			{"已送达答复（件）", strconv.Itoa(t.Delivered)},
			{"其中：按期送达（件）", strconv.Itoa(t.OnTime)},
			{"　　　逾期送达（件）", strconv.Itoa(t.Late)},
			{"平均办理用时（工作日，扣除中止计算的期间）", fmt.Sprintf("%.1f", t.AvgWorkdays)},
			{"征求意见或收费中止计算期限（次）", strconv.Itoa(t.Paused)},
			{"延期答复（件）", strconv.Itoa(t.Extended)},
			{"已超过答复期限仍未办结（件）", strconv.Itoa(t.OverdueOpen)},
		}
		d.Table(forms.Table{Columns: []forms.Column{{Header: "项目", Shade: true}, {Header: "数量", Width: 35, Align: forms.AlignRight}}, Rows: rows})
		d.Space(5)
		d.Text("本月办结情况（按办理结果）", forms.Style{Size: 12, Bold: true})
		d.Space(2)
		var out [][]string
		for _, o := range cases.Outcomes {
			out = append(out, []string{o.Label(), strconv.Itoa(t.ByOutcome[o.Code])})
		}
		d.Table(forms.Table{Columns: []forms.Column{{Header: "办理结果", Shade: true}, {Header: "件数", Width: 35, Align: forms.AlignRight}}, Rows: out})
		return d.PDF()
	}
}
