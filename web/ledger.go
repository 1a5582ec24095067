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
	ProofText   string // the delivery's proof in a few words ("EMS 1234567890")
	ProofURL    string // its scanned document
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
		if p := r.DeliveryProof; p != nil {
			v.ProofText = p.Short(lang(c))
			if p.DocumentID != 0 && r.CaseID != 0 {
				v.ProofURL = fmt.Sprintf("/staff/cases/%d/documents/%d", r.CaseID, p.DocumentID)
			}
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
	Signed   *cases.SignOff          // the month's sign-off in force (its latest, not reopened)
	Reopened *cases.SignOffReopening // the month's latest sign-off was reopened: open until signed again
	History  []signOffHistoryRow
	Awaiting int // online applications submitted by the month's end, still awaiting registration
	Query    string
	Error    string
	Done     string // "signed" or "reopened": what the supervisor just did
}

// signOffHistoryRow is one record of the sign-off history: a sign-off or the reopening of one,
// newest first (docs/rules.md §8).
type signOffHistoryRow struct {
	Year, Month int
	Reopening   bool
	Round       int
	By          string
	At          time.Time
	ID          int64 // the sign-off (its PDF)
	Findings    int
	SHA256      string
	Text        string // the sign-off's note or the reopening's reason
}

// signOffHistory flattens the sign-offs (newest first, each with its reopening) into records,
// newest first: a reopening comes before the sign-off it reopened.
func signOffHistory(list []cases.SignOff, loc *time.Location) []signOffHistoryRow {
	var rows []signOffHistoryRow
	for _, so := range list {
		if r := so.Reopened; r != nil {
			rows = append(rows, signOffHistoryRow{Year: so.Year, Month: so.Month, Reopening: true, Round: so.Round, By: r.ReopenedBy, At: r.ReopenedAt.In(loc), ID: so.ID, Text: r.Reason})
		}
		rows = append(rows, signOffHistoryRow{Year: so.Year, Month: so.Month, Round: so.Round, By: so.SignedBy, At: so.SignedAt.In(loc), ID: so.ID,
			Findings: len(so.Findings), SHA256: so.LedgerSHA256, Text: so.Note})
	}
	return rows
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
	list, err := rs.SignOffs(ctx, []int64{a.ID})
	if err != nil {
		return d, err
	}
	loc := a.Settings.Location()
	for i := range list {
		so := &list[i]
		so.SignedAt = so.SignedAt.In(loc) // shown in the agency's time, as everything else
		if so.Reopened != nil {
			so.Reopened.ReopenedAt = so.Reopened.ReopenedAt.In(loc)
		}
		// a month's status is its latest record: the first of its sign-offs listed (latest round)
		if so.Year == year && so.Month == month && d.Signed == nil && d.Reopened == nil {
			if so.Reopened != nil {
				d.Reopened = so.Reopened
			} else {
				d.Signed = so
			}
		}
	}
	d.History = signOffHistory(list, loc)
	if d.Ended && d.Signed == nil {
		if d.Awaiting, err = rs.AwaitingRegistration(ctx, a.ID, year, month); err != nil {
			return d, err
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
	switch {
	case c.Query("signed") != "":
		d.Done = "signed"
	case c.Query("reopened") != "":
		d.Done = "reopened"
	}
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
	fail := func(err error) { s.signOffRefused(c, a, year, month, err) }
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

// signOffReopen reopens a signed month with the supervisor's reason (docs/rules.md §8: late post
// received in a signed month is registered after a reopening, then the month is signed again).
func (s *Server) signOffReopen(c *gin.Context) {
	a, year, month, err := s.signOffMonth(c, c.PostForm)
	if err != nil {
		s.pageError(c, err)
		return
	}
	rs, err := s.reports()
	if err == nil {
		_, err = rs.ReopenMonth(c.Request.Context(), cases.ReopenRequest{AgencyID: a.ID, Year: year, Month: month, Reason: c.PostForm("reason")}, actorOf(c))
	}
	if err != nil {
		s.signOffRefused(c, a, year, month, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/signoff?agency=%s&year=%d&month=%d&reopened=1", a.Code, year, month))
}

// signOffRefused shows the sign-off page again with the reason a sign-off or a reopening was
// refused; an internal or forbidden error gets the error page instead.
func (s *Server) signOffRefused(c *gin.Context, a cases.Agency, year, month int, err error) {
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

// reopenBody is the body of POST /api/v1/signoffs/reopen.
type reopenBody struct {
	Agency string `json:"agency"`
	Year   int    `json:"year"`
	Month  int    `json:"month"`
	Reason string `json:"reason"`
}

// apiSignOffReopen answers POST /api/v1/signoffs/reopen {agency?, year, month, reason}: 201 with
// the reopening; 403 for anyone but a supervisor of the agency, 409 when the month is not signed
// (or reopened already), 422 with fields.reason without a reason (docs/api.md "Sign-offs").
func (s *Server) apiSignOffReopen(c *gin.Context) {
	var b reopenBody
	if err := readBody(c, &b, 16<<10); err != nil {
		s.apiError(c, err)
		return
	}
	var f cases.FieldErrors
	if b.Year == 0 {
		f.Add("year", "请填写年份。", "The year is required.")
	}
	if b.Month == 0 {
		f.Add("month", "请填写月份。", "The month is required.")
	}
	if err := f.Err(); err != nil {
		s.apiError(c, err)
		return
	}
	get := func(k string) string {
		switch k {
		case "agency":
			return b.Agency
		case "year":
			return strconv.Itoa(b.Year)
		case "month":
			return strconv.Itoa(b.Month)
		}
		return ""
	}
	a, year, month, err := s.signOffMonth(c, get)
	if err != nil {
		s.apiError(c, err)
		return
	}
	rs, err := s.reports()
	if err != nil {
		s.apiError(c, err)
		return
	}
	ro, err := rs.ReopenMonth(c.Request.Context(), cases.ReopenRequest{AgencyID: a.ID, Year: year, Month: month, Reason: b.Reason}, actorOf(c))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusCreated, ro)
}

// apiSignOffs answers GET /api/v1/signoffs[?agency=CODE][&year=Y&month=M]: the sign-offs of the
// agencies the user may see, newest first, each with its reopening (the history of the months).
func (s *Server) apiSignOffs(c *gin.Context) {
	ids, _, err := s.reportScope(c, c.Query("agency"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	year, err := intParam(c, "year", -1)
	if err != nil {
		s.apiError(c, err)
		return
	}
	month, err := intParam(c, "month", -1)
	if err != nil {
		s.apiError(c, err)
		return
	}
	rs, err := s.reports()
	if err != nil {
		s.apiError(c, err)
		return
	}
	list, err := rs.SignOffs(c.Request.Context(), ids)
	if err != nil {
		s.apiError(c, err)
		return
	}
	items := []cases.SignOff{}
	for _, so := range list {
		if (year < 0 || so.Year == year) && (month < 0 || so.Month == month) {
			items = append(items, so)
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
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
