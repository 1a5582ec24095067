package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// DocMonthlyStatistics is the document kind of the stored monthly statistics (stored without a
// case).
const DocMonthlyStatistics = "monthly_statistics"

// Published is one monthly statistics report the job stored and sent.
type Published struct {
	Agency     string
	Year       int
	Month      int
	DocumentID int64
	Recipients []string
}

// FirstWorkday returns the first working day of the month of d.
func FirstWorkday(cal *workflow.Calendar, d cases.Date) cases.Date {
	first := cases.NewDate(d.Year(), d.Month(), 1)
	if cal.IsWorkday(first) {
		return first
	}
	return cal.AddWorkdays(first, 1)
}

// Monthly is the monthly statistics job (docs/rules.md §8: monthly statistics go to the superior
// disclosure office early each month). Run daily, it acts for each agency on a working day on or
// after the first working day of the month — so a day the server was down is caught up — and
// publishes the previous month's statistics once: a PDF stored as a document, an inbox message to
// each supervisor and an e-mail with the PDF to the agency's SuperiorEmail.
func (s *Service) Monthly(ctx context.Context, at time.Time) ([]Published, error) {
	release, ok, err := s.Store.JobLock(ctx, "monthly")
	if err != nil || !ok {
		return nil, err
	}
	defer release()
	agencies, err := s.Store.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	cal := s.Store.Calendar()
	var out []Published
	for _, a := range agencies {
		today := cases.DateOf(at, Location(a))
		if !cal.IsWorkday(today) || today.Before(FirstWorkday(cal, today)) {
			continue
		}
		p, err := s.publishMonth(ctx, a, today)
		if err != nil {
			return out, fmt.Errorf("monthly statistics of %s: %w", a.Code, err)
		}
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// PublishMonth publishes the statistics of the month before today's for agency a, unless they
// were published already (nil, nil).
func (s *Service) publishMonth(ctx context.Context, a cases.Agency, today cases.Date) (*Published, error) {
	prev := today.Time().AddDate(0, 0, -today.Day()) // the last day of the previous month
	year, month := prev.Year(), int(prev.Month())
	job, period := "monthly_statistics:"+a.Code, fmt.Sprintf("%04d-%02d", year, month)
	if done, err := s.Store.JobRan(ctx, job, period); err != nil || done {
		return nil, err
	}
	stats, err := s.Store.MonthlyStats(ctx, []int64{a.ID}, year, month)
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("%s%d年%d月政府信息公开工作统计月报", a.Name, year, month)
	doc := cases.Document{Kind: DocMonthlyStatistics, Title: title, Filename: fmt.Sprintf("monthly-%s-%s.pdf", a.Code, period), ContentType: "application/pdf"}
	if s.RenderMonthly != nil {
		if doc.Body, err = s.RenderMonthly(a, stats); err != nil {
			return nil, err
		}
	} else {
		doc.Body = []byte(title + "\n\n" + Summary(stats) + "\n")
		doc.Filename = strings.TrimSuffix(doc.Filename, ".pdf") + ".txt"
		doc.ContentType = "text/plain; charset=utf-8"
	}
	st, err := s.staff(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	summary := Summary(stats)
	var msgs []cases.Message
	key := "monthly:" + a.Code + ":" + period
	for _, u := range st.supervisors {
		msgs = append(msgs, cases.Message{DedupKey: key + ":inbox:" + u, Kind: DocMonthlyStatistics, Channel: cases.MessageInbox, Recipient: u,
			Subject: title, Body: "上月统计月报已生成并报送上级主管部门，详见附件。\n\n" + summary})
	}
	recipients := append([]string(nil), st.supervisors...)
	if to := strings.TrimSpace(a.Settings.SuperiorEmail); to != "" {
		msgs = append(msgs, cases.Message{DedupKey: key + ":email:" + to, Kind: DocMonthlyStatistics, Channel: cases.MessageEmail, Recipient: to,
			Subject: title,
			Body: fmt.Sprintf("您好：\n\n现将%s%d年%d月依申请公开政府信息工作统计情况报送如下，统计月报见附件。\n\n%s\n\n%s\n%s\n\n本邮件由系统自动发送，请勿直接回复。",
				a.Name, year, month, summary, a.Name, today.Chinese())})
		recipients = append(recipients, to)
	}
	ok, id, err := s.Store.PublishReport(ctx, job, period, doc, msgs)
	if err != nil || !ok {
		return nil, err
	}
	s.log().Info("monthly statistics published", "agency", a.Code, "period", period, "document", id, "recipients", len(recipients))
	return &Published{Agency: a.Code, Year: year, Month: month, DocumentID: id, Recipients: recipients}, nil
}

// Summary is the monthly statistics of docs/rules.md §8 as lines of text.
func Summary(s cases.MonthlyStats) string {
	f := s.Total
	var b strings.Builder
	fmt.Fprintf(&b, "统计期间：%s至%s\n", s.From.Chinese(), s.To.Chinese())
	fmt.Fprintf(&b, "本月新收申请：%d件\n", f.Received)
	fmt.Fprintf(&b, "本月办结：%d件\n", f.Concluded)
	for _, o := range cases.Outcomes {
		if n := f.ByOutcome[o.Code]; n > 0 {
			fmt.Fprintf(&b, "　　%s：%d件\n", o.Label(), n)
		}
	}
	fmt.Fprintf(&b, "作出答复：%d件，已送达%d件，其中按期送达%d件、逾期送达%d件\n", f.Replied, f.Delivered, f.OnTime, f.Late)
	fmt.Fprintf(&b, "平均办理用时（扣除中止计算的期间）：%.1f个工作日\n", f.AvgWorkdays)
	fmt.Fprintf(&b, "本月征求意见或收费中止计算期限：%d次\n", f.Paused)
	fmt.Fprintf(&b, "本月延期答复：%d件\n", f.Extended)
	fmt.Fprintf(&b, "截至%s已超过答复期限仍未办结：%d件", s.AsOf.Chinese(), f.OverdueOpen)
	return b.String()
}
