package notify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// Alert kinds (see the package documentation).
const (
	KindDueIn            = "due_in_" // followed by the threshold: due_in_5, due_in_3, due_in_1
	KindDueToday         = "due_today"
	KindOverdue          = "overdue"
	KindUnregistered     = "unregistered"
	KindCorrectionWindow = "correction_window"
)

// correctionAlertDay is the working day of the correction-notice window on which the window alert
// is raised (Art. 30: the notice must go out within 7 working days of receipt).
const correctionAlertDay = 5

// Store is what notify needs of the database (package store implements it).
type Store interface {
	Agencies(ctx context.Context) ([]cases.Agency, error)
	Calendar() *workflow.Calendar
	AgencyStaff(ctx context.Context, agencyID int64) ([]cases.User, error)
	ReplyDueCases(ctx context.Context, agencyID int64, from, to cases.Date, key cases.AlertKey) ([]cases.DueCase, error)
	UnregisteredCases(ctx context.Context, agencyID int64, before time.Time, key cases.AlertKey) ([]cases.DueCase, error)
	CorrectionWindowCases(ctx context.Context, agencyID int64, noticeBy cases.Date, key cases.AlertKey) ([]cases.DueCase, error)
	LapseCases(ctx context.Context, agencyID int64, today cases.Date) ([]cases.DueCase, error)
	RecordAlerts(ctx context.Context, alerts []cases.Alert) ([]bool, error)
	RemindApplicants(ctx context.Context, agencyID int64, from, to cases.Date) (int, error)
	TransitionCase(ctx context.Context, id int64, req cases.EventRequest, actor cases.Actor, at time.Time) (*cases.Case, error)
	JobLock(ctx context.Context, name string) (release func(), ok bool, err error)

	ClaimMessages(ctx context.Context, channel string, limit int, lease time.Duration) ([]cases.Message, error)
	MarkSent(ctx context.Context, id int64) error
	MarkFailed(ctx context.Context, id int64, reason string, next *time.Time) error
	OutboxDocument(ctx context.Context, id int64) (cases.Document, error)

	MonthlyStats(ctx context.Context, agencyIDs []int64, year, month int) (cases.MonthlyStats, error)
	JobRan(ctx context.Context, job, period string) (bool, error)
	PublishReport(ctx context.Context, job, period string, doc cases.Document, msgs []cases.Message) (bool, int64, error)
}

// Service runs notify's jobs.
type Service struct {
	Store  Store
	Mailer Mailer    // sends e-mail; nil leaves e-mails queued
	SMS    SMSSender // sends text messages to applicants; nil leaves them queued
	// RenderMonthly renders the monthly statistics of an agency as a PDF (package forms or the
	// reports; wired by cmd/foidesk). Nil stores the statistics as a UTF-8 text file instead.
	RenderMonthly func(a cases.Agency, s cases.MonthlyStats) ([]byte, error)
	Log           *slog.Logger
	Now           func() time.Time // the clock of delivery (backoff); default time.Now
	// BatchSize is the number of alerts recorded per transaction (default 500).
	BatchSize int
	Metrics   *Metrics // nil: not counted
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// AlertLine is one alert recorded by a sweep, with its recipients.
type AlertLine struct {
	Kind       string
	TrackingNo string
	Recipients []string
}

// LapseLine is one lapse applied by a sweep.
type LapseLine struct {
	Event      string
	TrackingNo string
}

// Report is what one sweep did: only what this run did first (a rerun reports nothing).
type Report struct {
	At      time.Time
	Skipped bool // another sweep held the lock; nothing was done
	Alerts  []AlertLine
	Lapses  []LapseLine
	Errors  []string // cases the sweep could not handle (logged; the next sweep tries again)
}

// Lines is the report as `foidesk notify run-once` prints it (docs/api.md): one line per alert
// and recipient `ALERT <kind> <tracking_no> <recipient>`, one per lapse `LAPSE <event>
// <tracking_no>`, then `alerts: N, lapses: M` with N the alert keys first recorded by this run.
func (r Report) Lines() []string {
	var out []string
	for _, a := range r.Alerts {
		for _, to := range a.Recipients {
			out = append(out, fmt.Sprintf("ALERT %s %s %s", a.Kind, a.TrackingNo, to))
		}
	}
	for _, l := range r.Lapses {
		out = append(out, fmt.Sprintf("LAPSE %s %s", l.Event, l.TrackingNo))
	}
	return append(out, fmt.Sprintf("alerts: %d, lapses: %d", len(r.Alerts), len(r.Lapses)))
}

// lapseEvents maps the state a case waits in to the event the sweep fires when its period ends:
// the event whose spec lets the system fire it in that state (consultation_done, correction_lapsed,
// fee_lapsed).
var lapseEvents = workflow.SchedulerEvents()

// Sweep runs the deadline sweep as of instant at over every agency: the lapses (any day), then
// the alerts (working days). It holds the job lock "sweep"; when another run holds it, it returns
// a Report with Skipped set.
func (s *Service) Sweep(ctx context.Context, at time.Time) (Report, error) {
	rep := Report{At: at}
	started := time.Now()
	release, ok, err := s.Store.JobLock(ctx, "sweep")
	if err != nil {
		return rep, err
	}
	if !ok {
		rep.Skipped = true
		s.log().Info("sweep skipped: another run holds the lock")
		return rep, nil
	}
	defer release()
	agencies, err := s.Store.Agencies(ctx)
	if err != nil {
		return rep, err
	}
	cal := s.Store.Calendar()
	for _, a := range agencies {
		if err := s.sweepAgency(ctx, a, cal, at, &rep); err != nil {
			return rep, fmt.Errorf("sweep of agency %s: %w", a.Code, err)
		}
	}
	s.Metrics.sweep(rep, time.Since(started).Seconds())
	s.log().Info("sweep done", "at", at.Format(time.RFC3339), "alerts", len(rep.Alerts), "lapses", len(rep.Lapses), "errors", len(rep.Errors))
	return rep, nil
}

// Location returns the time zone of an agency (Asia/Shanghai by default).
func Location(a cases.Agency) *time.Location {
	return a.Settings.Location()
}

// staffOf is an agency's active staff by role.
type staffOf struct {
	clerks, supervisors []string
	byName              map[string]cases.User
}

func (s *Service) staff(ctx context.Context, agencyID int64) (staffOf, error) {
	us, err := s.Store.AgencyStaff(ctx, agencyID)
	if err != nil {
		return staffOf{}, err
	}
	st := staffOf{byName: map[string]cases.User{}}
	for _, u := range us {
		st.byName[u.Username] = u
		if slices.Contains(u.Roles(), cases.RoleClerk) {
			st.clerks = append(st.clerks, u.Username)
		}
		if slices.Contains(u.Roles(), cases.RoleSupervisor) {
			st.supervisors = append(st.supervisors, u.Username)
		}
	}
	return st, nil
}

// handling is the handling clerk of a case, or every clerk while it is unassigned (or its
// assignee's account is gone).
func (st staffOf) handling(c cases.DueCase) []string {
	if _, ok := st.byName[c.Assignee]; ok && c.Assignee != "" {
		return []string{c.Assignee}
	}
	return st.clerks
}

func (s *Service) sweepAgency(ctx context.Context, a cases.Agency, cal *workflow.Calendar, at time.Time, rep *Report) error {
	loc := Location(a)
	today := cases.DateOf(at, loc)
	set := a.Settings.WithDefaults()

	// Lapses: legal facts, applied whenever the sweep runs.
	due, err := s.Store.LapseCases(ctx, a.ID, today)
	if err != nil {
		return err
	}
	for _, c := range due {
		ev := lapseEvents[c.State]
		if ev == "" {
			continue
		}
		_, err := s.Store.TransitionCase(ctx, c.ID, cases.EventRequest{Event: ev}, cases.SystemActor, at)
		switch {
		case err == nil:
			rep.Lapses = append(rep.Lapses, LapseLine{Event: string(ev), TrackingNo: c.TrackingNo})
		case cases.ErrorCode(err) == cases.ECONFLICT || cases.ErrorCode(err) == cases.ENOTFOUND:
			// Already applied by another run, or the case moved on meanwhile.
		default:
			s.log().Error("lapse failed", "case", c.TrackingNo, "event", ev, "err", err)
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s %s: %v", ev, c.TrackingNo, err))
		}
	}

	// Alerts: working days only (docs/rules.md §3: the calendar, not the weekday).
	if !cal.IsWorkday(today) {
		return nil
	}
	// Reminders to applicants (notices, not alerts): a correction or fee period ending
	// cases.ReminderWorkdays working days from today (Art. 30; deemed abandoned after it).
	if _, err := s.Store.RemindApplicants(ctx, a.ID, cal.AddWorkdays(today, cases.ReminderWorkdays), cal.AddWorkdays(today, cases.ReminderWorkdays+1)); err != nil {
		return err
	}
	st, err := s.staff(ctx, a.ID)
	if err != nil {
		return err
	}
	var alerts []cases.Alert
	add := func(c cases.DueCase, key cases.AlertKey, to []string, subject, body string) {
		if len(to) == 0 {
			s.log().Warn("alert without recipient: the agency has no active clerk", "agency", a.Code, "case", c.TrackingNo, "kind", key.Kind)
			return
		}
		alerts = append(alerts, s.alert(a, st, c, key, to, subject, body, today))
	}

	thresholds := slices.Clone(set.AlertThresholds)
	sort.Sort(sort.Reverse(sort.IntSlice(thresholds)))
	thresholds = slices.Compact(thresholds)
	for _, n := range thresholds {
		if n <= 0 {
			continue
		}
		key := cases.AlertKey{Kind: fmt.Sprintf("%s%d", KindDueIn, n), Threshold: n, Day: today}
		// n working days away: the n-th working day after today, up to (not including) the next.
		cs, err := s.Store.ReplyDueCases(ctx, a.ID, cal.AddWorkdays(today, n), cal.AddWorkdays(today, n+1), key)
		if err != nil {
			return err
		}
		for _, c := range cs {
			add(c, key, st.handling(c), fmt.Sprintf("案件%s距答复期限还有%d个工作日", c.TrackingNo, n),
				fmt.Sprintf("案件%s（申请人：%s）的答复期限为%s，距今还有%d个工作日，请及时办理。", c.TrackingNo, c.ApplicantName, c.ReplyDue.Chinese(), n))
		}
	}

	key := cases.AlertKey{Kind: KindDueToday, Day: today}
	cs, err := s.Store.ReplyDueCases(ctx, a.ID, today, cal.AddWorkdays(today, 1), key)
	if err != nil {
		return err
	}
	for _, c := range cs {
		add(c, key, st.handling(c), fmt.Sprintf("案件%s今日到期", c.TrackingNo),
			fmt.Sprintf("案件%s（申请人：%s）的答复期限为%s，请于今日内作出答复（《中华人民共和国政府信息公开条例》第三十三条）。", c.TrackingNo, c.ApplicantName, c.ReplyDue.Chinese()))
	}

	key = cases.AlertKey{Kind: KindOverdue, Day: today}
	cs, err = s.Store.ReplyDueCases(ctx, a.ID, cases.Date{}, today, key)
	if err != nil {
		return err
	}
	for _, c := range cs {
		to := union(st.handling(c), st.supervisors)
		late := cal.WorkdaysBetween(c.ReplyDue, today)
		add(c, key, to, fmt.Sprintf("案件%s已超过答复期限", c.TrackingNo),
			fmt.Sprintf("案件%s（申请人：%s）的答复期限为%s，已逾期%d个工作日，请立即处理。", c.TrackingNo, c.ApplicantName, c.ReplyDue.Chinese(), late))
	}

	// Art. 31: an online submission is not received until registered; alert after N working days.
	key = cases.AlertKey{Kind: KindUnregistered, Threshold: set.UnregisteredAlert, Day: today}
	cs, err = s.Store.UnregisteredCases(ctx, a.ID, today.In(loc), key)
	if err != nil {
		return err
	}
	for _, c := range cs {
		submitted := cases.DateOf(c.CreatedAt, loc)
		if !today.After(cal.AddWorkdays(submitted, set.UnregisteredAlert)) {
			continue
		}
		add(c, key, st.clerks, fmt.Sprintf("网上申请%s尚未登记", c.TrackingNo),
			fmt.Sprintf("网上申请%s（申请人：%s）于%s提交，至今尚未登记。根据《中华人民共和国政府信息公开条例》第三十一条，网上申请以双方确认之日为收到申请之日，请及时登记确认。",
				c.TrackingNo, c.ApplicantName, submitted.Chinese()))
	}

	// Art. 30: day 5 of the 7-working-day window for a correction notice.
	key = cases.AlertKey{Kind: KindCorrectionWindow, Threshold: cases.CorrectionNoticeWindow - correctionAlertDay, Day: today}
	cs, err = s.Store.CorrectionWindowCases(ctx, a.ID, cal.AddWorkdays(today, cases.CorrectionNoticeWindow-correctionAlertDay), key)
	if err != nil {
		return err
	}
	for _, c := range cs {
		add(c, key, st.handling(c), fmt.Sprintf("案件%s的补正告知期限即将届满", c.TrackingNo),
			fmt.Sprintf("案件%s（申请人：%s）于%s收到，今日为收到申请后的第%d个工作日。如需申请人补正，应当在%s前一次性告知（《中华人民共和国政府信息公开条例》第三十条）。",
				c.TrackingNo, c.ApplicantName, c.ReceivedOn.Chinese(), correctionAlertDay, c.CorrectionNoticeBy.Chinese()))
	}

	return s.record(ctx, alerts, rep)
}

// alert builds one alert with its messages: an inbox message to each recipient and an e-mail to
// each recipient with an address.
func (s *Service) alert(a cases.Agency, st staffOf, c cases.DueCase, key cases.AlertKey, to []string, subject, body string, today cases.Date) cases.Alert {
	al := cases.Alert{AlertKey: key, CaseID: c.ID, TrackingNo: c.TrackingNo, Recipients: to}
	base := fmt.Sprintf("alert:%d:%s:%d:%s", c.ID, key.Kind, key.Threshold, key.Day)
	body += fmt.Sprintf("\n办理：/staff/cases/%d", c.ID) // the case page; cleared when the case is dealt with (store/outbox_clear.go)
	for _, u := range to {
		al.Messages = append(al.Messages, cases.Message{DedupKey: base + ":inbox:" + u, Kind: "alert." + key.Kind, Channel: cases.MessageInbox,
			Recipient: u, CaseID: c.ID, Subject: subject, Body: body})
		if addr := strings.TrimSpace(st.byName[u].Email); addr != "" {
			al.Messages = append(al.Messages, cases.Message{DedupKey: base + ":email:" + u, Kind: "alert." + key.Kind, Channel: cases.MessageEmail,
				Recipient: addr, CaseID: c.ID, Subject: a.Name + "：" + subject,
				Body: st.byName[u].DisplayName + "：\n\n" + body + "\n\n" + a.Name + "\n" + today.Chinese() + "\n\n本邮件由系统自动发送，请勿直接回复。"})
		}
	}
	return al
}

// record writes alerts in batches; only those whose key is new are reported.
func (s *Service) record(ctx context.Context, alerts []cases.Alert, rep *Report) error {
	batch := s.BatchSize
	if batch <= 0 {
		batch = 500
	}
	for i := 0; i < len(alerts); i += batch {
		part := alerts[i:min(i+batch, len(alerts))]
		fresh, err := s.Store.RecordAlerts(ctx, part)
		if err != nil {
			return err
		}
		for j, ok := range fresh {
			if ok {
				rep.Alerts = append(rep.Alerts, AlertLine{Kind: part[j].Kind, TrackingNo: part[j].TrackingNo, Recipients: part[j].Recipients})
			}
		}
	}
	return nil
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
