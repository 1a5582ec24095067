package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// The filing ledger (台账) page, its exports and the API, and the supervisor's monthly audit and
// sign-off (docs/rules.md §8).

// ledgerFilter reads the ledger's filters from the query: from, to (default: this month so far),
// by, agency, state, outcome, clerk, overdue, full.
func (s *Server) ledgerFilter(c *gin.Context, defaults bool) (cases.LedgerFilter, error) {
	f := cases.LedgerFilter{By: c.DefaultQuery("by", cases.ByReceived), Outcome: c.Query("outcome"), Clerk: c.Query("clerk"),
		OverdueOnly: truthy(c.Query("overdue")), Full: truthy(c.Query("full")), RequestedFrom: c.ClientIP()}
	today := s.todayOf(c)
	for _, p := range []struct {
		name string
		dst  *cases.Date
		def  cases.Date
	}{{"from", &f.From, cases.NewDate(today.Year(), today.Month(), 1)}, {"to", &f.To, today}} {
		v := c.Query(p.name)
		if v == "" {
			if !defaults {
				return f, paramError(p.name, cases.Errorf(cases.EINVALID, "缺少参数 %s（YYYY-MM-DD）。", "the parameter %s (YYYY-MM-DD) is required", p.name))
			}
			*p.dst = p.def
			continue
		}
		d, err := cases.ParseDate(v)
		if err != nil {
			return f, paramError(p.name, err)
		}
		*p.dst = d
	}
	if st := c.Query("state"); st != "" {
		f.States = strings.Split(st, ",")
	}
	ids, _, err := s.reportScope(c, c.Query("agency"))
	if err != nil {
		return f, err
	}
	f.AgencyIDs = ids
	return f, nil
}

func truthy(s string) bool { return s == "1" || s == "true" || s == "on" || s == "yes" }

// ledger computes the ledger of the request's filter.
func (s *Server) ledger(c *gin.Context, defaults bool) (cases.Ledger, cases.LedgerFilter, error) {
	f, err := s.ledgerFilter(c, defaults)
	if err != nil {
		return cases.Ledger{}, f, err
	}
	rs, err := s.reports()
	if err != nil {
		return cases.Ledger{}, f, err
	}
	l, err := rs.Ledger(c.Request.Context(), f, actorOf(c))
	return l, f, err
}

// ledgerFile renders a ledger in format.
func (s *Server) ledgerFile(l cases.Ledger, format string) ([]byte, string, error) {
	rr, err := s.reportRenderer()
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	switch format {
	case "pdf":
		pdf, err := rr.LedgerPDF(l)
		return pdf, ctypePDF, err
	case "csv":
		err := rr.LedgerCSV(&buf, l)
		return buf.Bytes(), ctypeCSV, err
	case "xlsx":
		err := rr.LedgerXLSX(&buf, l)
		return buf.Bytes(), ctypeXLSX, err
	}
	return nil, "", paramError("format", cases.E(cases.EINVALID, "不支持的格式。", "unsupported format"))
}

func ledgerName(l cases.Ledger) string { return fmt.Sprintf("ledger-%s-%s-%s", l.From, l.To, l.By) }

// apiLedger answers GET /api/v1/ledger?from=&to=&by=received|concluded[&agency=][&format=json|csv|xlsx|pdf].
func (s *Server) apiLedger(c *gin.Context) {
	format, err := formatParam(c, "json", "csv", "xlsx", "pdf")
	if err != nil {
		s.apiError(c, err)
		return
	}
	l, _, err := s.ledger(c, false)
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.sendReport(c, false, format, ledgerName(l), l, func(format string) ([]byte, string, error) { return s.ledgerFile(l, format) })
}

// ledgerExport downloads the ledger of the page's filters.
func (s *Server) ledgerExport(c *gin.Context) {
	format, err := formatParam(c, "pdf", "csv", "xlsx", "json")
	if err != nil {
		s.pageError(c, err)
		return
	}
	l, _, err := s.ledger(c, true)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.sendReport(c, true, format, ledgerName(l), l, func(format string) ([]byte, string, error) { return s.ledgerFile(l, format) })
}

// ledgerPageLimit bounds the rows shown on the page; the exports hold them all.
const ledgerPageLimit = 500

// ledgerViewRow is a ledger row with its labels for the page.
type ledgerViewRow struct {
	cases.LedgerRow
	OutcomeText string
	OnTimeText  string // yes, no or ""
}

type ledgerPageData struct {
	Filter   cases.LedgerFilter
	Ledger   cases.Ledger
	Rows     []ledgerViewRow
	More     int
	Agency   string
	State    string
	Agencies []cases.Agency
	States   cases.CodeList
	Outcomes []cases.Outcome
	Clerks   []string
	Admin    bool
	Query    string
	Error    string
	// The year's archival transfer (web/archive.go), for supervisors: the years with archived cases.
	Supervisor   bool
	ArchiveYears []int
}

func (s *Server) ledgerPage(c *gin.Context) {
	d := ledgerPageData{Agency: c.Query("agency"), State: c.Query("state"), Agencies: s.visibleAgencies(c), States: cases.States, Outcomes: cases.Outcomes}
	u, _ := currentUser(c)
	d.Admin = u.Actor().Has(cases.RoleAdmin)
	if d.Supervisor = u.Actor().Has(cases.RoleSupervisor); d.Supervisor {
		if b, err := s.archiveBackend(); err == nil {
			ids, _, err := s.reportScope(c, d.Agency)
			if err == nil {
				d.ArchiveYears, err = b.ArchiveYears(c.Request.Context(), ids)
			}
			if err != nil {
				s.pageError(c, err)
				return
			}
		}
	}
	for _, a := range d.Agencies {
		us, err := s.db.Users(c.Request.Context(), a.ID)
		if err != nil {
			s.pageError(c, err)
			return
		}
		for _, x := range us {
			if x.Actor().Has(cases.RoleClerk) && !slices.Contains(d.Clerks, x.Username) {
				d.Clerks = append(d.Clerks, x.Username)
			}
		}
	}
	l, f, err := s.ledger(c, true)
	d.Filter = f
	if err != nil {
		if cases.ErrorCode(err) != cases.EINVALID {
			s.pageError(c, err)
			return
		}
		d.Error = cases.ErrorMessage(err, lang(c))
	}
	d.Ledger = l
	rows := l.Rows
	if len(rows) > ledgerPageLimit {
		d.More = len(rows) - ledgerPageLimit
		rows = rows[:ledgerPageLimit]
	}
	for _, r := range rows {
		v := ledgerViewRow{LedgerRow: r}
		if o, ok := cases.FindOutcome(r.Outcome); ok {
			v.OutcomeText = o.Label()
			if lang(c) == langEN {
				v.OutcomeText = o.EN
			}
		}
		if r.OnTime != nil {
			v.OnTimeText = map[bool]string{true: "yes", false: "no"}[*r.OnTime]
		}
		d.Rows = append(d.Rows, v)
	}
	q := c.Request.URL.Query()
	q.Del("lang")
	q.Del("format")
	q.Del("full")
	q.Set("from", f.From.String())
	q.Set("to", f.To.String())
	q.Set("by", f.By)
	d.Query = q.Encode()
	s.render(c, http.StatusOK, "staff/ledger", "ledger.title", d)
}

// Sign-off.

type signOffPageData struct {
	Agency   cases.Agency
	Agencies []cases.Agency
	Year     int
	Month    int
	Years    []int
	Ended    bool
	Findings []cases.Finding
	Ledger   cases.Ledger
	Signed   *cases.SignOff
	History  []cases.SignOff
	Query    string
	Error    string
	Done     bool
}

// signOffMonth reads agency, year and month (default: the home agency and the previous month).
func (s *Server) signOffMonth(c *gin.Context, get func(string) string) (cases.Agency, int, int, error) {
	u, _ := currentUser(c)
	today := s.todayOf(c)
	prev := today.Time().AddDate(0, -1, 0)
	year, month := prev.Year(), int(prev.Month())
	if v := get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return cases.Agency{}, 0, 0, paramError("year", cases.E(cases.EINVALID, "年份不正确。", "bad year"))
		}
		year = n
	}
	if v := get("month"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 12 {
			return cases.Agency{}, 0, 0, paramError("month", cases.E(cases.EINVALID, "月份不正确。", "bad month"))
		}
		month = n
	}
	code := get("agency")
	if code == "" {
		a, err := s.homeAgency(c.Request.Context(), u)
		return a, year, month, err
	}
	_, as, err := s.reportScope(c, code)
	if err != nil {
		return cases.Agency{}, 0, 0, err
	}
	return as[0], year, month, nil
}

func (s *Server) signOffData(c *gin.Context, a cases.Agency, year, month int) (signOffPageData, error) {
	d := signOffPageData{Agency: a, Agencies: s.visibleAgencies(c), Year: year, Month: month}
	rs, err := s.reports()
	if err != nil {
		return d, err
	}
	ctx := c.Request.Context()
	today := s.todayOf(c)
	last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC)
	d.Ended = cases.NewDate(last.Year(), last.Month(), last.Day()).Before(today)
	for y := today.Year(); y >= today.Year()-3; y-- {
		d.Years = append(d.Years, y)
	}
	if d.Findings, err = rs.AuditMonth(ctx, a.ID, year, month); err != nil {
		return d, err
	}
	if d.Ledger, err = rs.SignOffLedger(ctx, a.ID, year, month, actorOf(c)); err != nil {
		return d, err
	}
	if d.History, err = rs.SignOffs(ctx, []int64{a.ID}); err != nil {
		return d, err
	}
	loc := a.Settings.Location()
	for i := range d.History {
		d.History[i].SignedAt = d.History[i].SignedAt.In(loc) // shown in the agency's time, as everything else
		if d.History[i].Year == year && d.History[i].Month == month {
			d.Signed = &d.History[i]
		}
	}
	d.Query = fmt.Sprintf("agency=%s&from=%s&to=%s&by=received", a.Code, d.Ledger.From, d.Ledger.To)
	return d, nil
}

// signOffPage shows a month's audit findings and ledger, and the sign-off form.
func (s *Server) signOffPage(c *gin.Context) {
	a, year, month, err := s.signOffMonth(c, c.Query)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d, err := s.signOffData(c, a, year, month)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Done = c.Query("signed") != ""
	s.render(c, http.StatusOK, "staff/signoff", "signoff.title", d)
}

// signOffSubmit signs a month off: the ledger PDF is rendered now and stored with its SHA-256,
// provided the ledger's chain digest and the findings are still those the supervisor reviewed.
func (s *Server) signOffSubmit(c *gin.Context) {
	a, year, month, err := s.signOffMonth(c, c.PostForm)
	if err != nil {
		s.pageError(c, err)
		return
	}
	fail := func(err error) {
		if code := cases.ErrorCode(err); code == cases.EINTERNAL || code == cases.EFORBIDDEN {
			s.pageError(c, err)
			return
		}
		d, e2 := s.signOffData(c, a, year, month)
		if e2 != nil {
			s.pageError(c, e2)
			return
		}
		d.Error = cases.ErrorMessage(err, lang(c))
		s.render(c, statusOf[cases.ErrorCode(err)], "staff/signoff", "signoff.title", d)
	}
	ack, _ := strconv.Atoi(c.PostForm("acknowledged"))
	if ack > 0 && !truthy(c.PostForm("confirm")) {
		fail(cases.E(cases.EINVALID, "请先确认已审阅本月的全部审计发现。", "confirm that you reviewed every finding of the month"))
		return
	}
	rs, err := s.reports()
	if err != nil {
		fail(err)
		return
	}
	rr, err := s.reportRenderer()
	if err != nil {
		fail(err)
		return
	}
	l, err := rs.SignOffLedger(c.Request.Context(), a.ID, year, month, actorOf(c))
	if err != nil {
		fail(err)
		return
	}
	pdf, err := rr.LedgerPDF(l)
	if err != nil {
		fail(err)
		return
	}
	so, err := rs.SignOffMonth(c.Request.Context(), cases.SignOffRequest{AgencyID: a.ID, Year: year, Month: month, LedgerPDF: pdf,
		LedgerDigest: c.PostForm("digest"), Acknowledged: ack, Note: c.PostForm("note")}, actorOf(c))
	if err != nil {
		fail(err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/signoff?agency=%s&year=%d&month=%d&signed=%d", a.Code, year, month, so.ID))
}

// signOffPDF downloads the ledger PDF a sign-off signed.
func (s *Server) signOffPDF(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.pageError(c, cases.E(cases.ENOTFOUND, "签核记录不存在。", "no such sign-off"))
		return
	}
	rs, err := s.reports()
	if err != nil {
		s.pageError(c, err)
		return
	}
	u, _ := currentUser(c)
	list, err := rs.SignOffs(c.Request.Context(), userAgencies(u))
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !slices.ContainsFunc(list, func(so cases.SignOff) bool { return so.ID == id }) {
		s.pageError(c, cases.E(cases.ENOTFOUND, "签核记录不存在。", "no such sign-off"))
		return
	}
	doc, err := rs.SignOffPDF(c.Request.Context(), id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	attachment(c, doc.Filename, ctypePDF, doc.Body)
}
