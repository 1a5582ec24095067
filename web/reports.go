package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// The reports (docs/rules.md §8): the annual report (tables 三 and 四 and the fees) and the monthly
// statistics, as pages and from the API, per agency or summed over the agencies the user may see.

// reportRoutes registers the report, ledger, sign-off and dashboard pages and their API.
func (s *Server) reportRoutes(r *gin.Engine) {
	r.GET("/staff/reports", s.annualPage)
	r.GET("/staff/reports/monthly", s.monthlyPage)
	r.GET("/staff/ledger", s.ledgerPage)
	r.GET("/staff/ledger/export", s.ledgerExport)
	r.GET("/staff/signoff", s.signOffPage)
	r.POST("/staff/signoff", s.signOffSubmit)
	r.POST("/staff/signoff/reopen", s.signOffReopen)
	r.GET("/staff/signoff/:id/pdf", s.signOffPDF)
	r.GET("/staff/dashboard", s.dashboardPage)
	api := r.Group("/api/v1")
	api.GET("/reports/annual", s.apiAnnual)
	api.GET("/reports/monthly", s.apiMonthly)
	api.GET("/ledger", s.apiLedger)
	api.GET("/signoffs", s.apiSignOffs)
	api.POST("/signoffs/reopen", s.apiSignOffReopen)
}

// reports returns the store's report service.
func (s *Server) reports() (cases.ReportService, error) {
	rs := s.cfg.Reports
	if rs == nil {
		return nil, cases.E(cases.EINTERNAL, "报表功能不可用。", "reports are not available")
	}
	return rs, nil
}

// reportRenderer returns the renderer of report PDFs, CSV and XLSX.
func (s *Server) reportRenderer() (cases.ReportRenderer, error) {
	rr := s.cfg.ReportRenderer
	if rr == nil {
		return nil, cases.E(cases.EINTERNAL, "报表文件生成功能不可用。", "report rendering is not available")
	}
	return rr, nil
}

// reportScope resolves the agency parameter: the named agency (one the user may see, else
// EFORBIDDEN), or every agency the user may see.
func (s *Server) reportScope(c *gin.Context, code string) ([]int64, []cases.Agency, error) {
	u, _ := currentUser(c)
	mine := userAgencies(u)
	all, err := s.db.Agencies(c.Request.Context())
	if err != nil {
		return nil, nil, err
	}
	var ids []int64
	var as []cases.Agency
	for _, a := range all {
		if !slices.Contains(mine, a.ID) || (code != "" && a.Code != code) {
			continue
		}
		ids, as = append(ids, a.ID), append(as, a)
	}
	if len(ids) == 0 {
		if code != "" {
			for _, a := range all {
				if a.Code == code {
					return nil, nil, cases.E(cases.EFORBIDDEN, "您不能查看该机关的报表。", "you may not see this agency's reports")
				}
			}
			return nil, nil, cases.E(cases.ENOTFOUND, "机关不存在。", "no such agency")
		}
		return nil, nil, cases.E(cases.EFORBIDDEN, "您不能查看任何机关的报表。", "you may see no agency")
	}
	return ids, as, nil
}

// visibleAgencies lists the agencies the user may see (for the agency choice of the pages).
func (s *Server) visibleAgencies(c *gin.Context) []cases.Agency {
	_, as, _ := s.reportScope(c, "")
	return as
}

// paramError names the query parameter name in the fields of a 422 that lacks them (docs/api.md
// "Codes": every 422 caused by one input names it); other errors pass unchanged.
func paramError(name string, err error) error {
	var e *cases.Error
	if !errors.As(err, &e) || e.Code != cases.EINVALID || len(e.Fields) > 0 {
		return err
	}
	var f cases.FieldErrors
	f.Add(name, e.Message, cases.ErrorMessage(err, "en"))
	out := f.Err().(*cases.Error)
	out.Message, out.MessageEN = e.Message, e.MessageEN
	return out
}

func intParam(c *gin.Context, name string, def int) (int, error) {
	v := c.Query(name)
	if v == "" {
		if def != 0 {
			return def, nil
		}
		return 0, paramError(name, cases.Errorf(cases.EINVALID, "缺少参数 %s。", "the parameter %s is required", name))
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, paramError(name, cases.Errorf(cases.EINVALID, "参数 %s 应为整数。", "the parameter %s must be a whole number", name))
	}
	switch {
	case name == "year" && (n < 2008 || n > 9999): // the Regulations apply from 2008
		return 0, paramError(name, cases.Errorf(cases.EINVALID, "参数 year 应为2008至9999之间的年份。", "the parameter year must be a year from 2008 to 9999"))
	case name == "month" && (n < 1 || n > 12):
		return 0, paramError(name, cases.Errorf(cases.EINVALID, "参数 month 应为1至12之间的整数。", "the parameter month must be from 1 to 12"))
	}
	return n, nil
}

func formatParam(c *gin.Context, allowed ...string) (string, error) {
	f := c.DefaultQuery("format", allowed[0])
	if !slices.Contains(allowed, f) {
		return "", paramError("format", cases.Errorf(cases.EINVALID, "format 应为 %s 之一。", "format must be one of %s", strings.Join(allowed, ", ")))
	}
	return f, nil
}

// sendReport answers with a report in format: v as JSON or the file that file renders, named
// base.format. A page (page) also names its JSON download and answers an error with the error
// page; the API answers it as a JSON error.
func (s *Server) sendReport(c *gin.Context, page bool, format, base string, v any, file func(format string) ([]byte, string, error)) {
	name := base + "." + format
	if format == "json" {
		if page {
			c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
		}
		c.JSON(http.StatusOK, v)
		return
	}
	body, ctype, err := file(format)
	if err != nil {
		if page {
			s.pageError(c, err)
		} else {
			s.apiError(c, err)
		}
		return
	}
	attachment(c, name, ctype, body)
}

// attachment sends a download.
func attachment(c *gin.Context, name, ctype string, body []byte) {
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Data(http.StatusOK, ctype, body)
}

const (
	ctypeCSV  = "text/csv; charset=utf-8"
	ctypePDF  = "application/pdf"
	ctypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// annualFile renders the annual report in format (csv, pdf; json is the caller's).
func (s *Server) annualFile(rep cases.AnnualReport, format string) ([]byte, string, error) {
	switch format {
	case "csv":
		var buf bytes.Buffer
		err := rep.WriteCSV(&buf)
		return buf.Bytes(), ctypeCSV, err
	case "pdf":
		rr, err := s.reportRenderer()
		if err != nil {
			return nil, "", err
		}
		pdf, err := rr.AnnualPDF(rep, s.now())
		return pdf, ctypePDF, err
	}
	return nil, "", paramError("format", cases.E(cases.EINVALID, "不支持的格式。", "unsupported format"))
}

// monthlyFile renders the monthly statistics in format (csv, pdf).
func (s *Server) monthlyFile(st cases.MonthlyStats, scope []cases.Agency, format string) ([]byte, string, error) {
	rr, err := s.reportRenderer()
	if err != nil {
		return nil, "", err
	}
	switch format {
	case "csv":
		var buf bytes.Buffer
		err := rr.MonthlyCSV(&buf, st)
		return buf.Bytes(), ctypeCSV, err
	case "pdf":
		pdf, err := rr.MonthlyPDF(st, scope, s.now())
		return pdf, ctypePDF, err
	}
	return nil, "", paramError("format", cases.E(cases.EINVALID, "不支持的格式。", "unsupported format"))
}

// apiAnnual answers GET /api/v1/reports/annual?year=Y[&agency=CODE][&format=json|csv|pdf].
func (s *Server) apiAnnual(c *gin.Context) {
	rep, format, err := s.annualReport(c, "json", "csv", "pdf")
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.sendReport(c, false, format, annualName(rep), rep, func(format string) ([]byte, string, error) { return s.annualFile(rep, format) })
}

func annualName(rep cases.AnnualReport) string { return fmt.Sprintf("annual-report-%d", rep.Year) }

func (s *Server) annualReport(c *gin.Context, formats ...string) (cases.AnnualReport, string, error) {
	var rep cases.AnnualReport
	format, err := formatParam(c, formats...)
	if err != nil {
		return rep, "", err
	}
	year, err := intParam(c, "year", 0)
	if err != nil {
		return rep, "", err
	}
	ids, _, err := s.reportScope(c, c.Query("agency"))
	if err != nil {
		return rep, "", err
	}
	rs, err := s.reports()
	if err != nil {
		return rep, "", err
	}
	rep, err = rs.AnnualReport(c.Request.Context(), ids, year)
	return rep, format, err
}

// apiMonthly answers GET /api/v1/reports/monthly?year=Y&month=M[&agency=CODE][&format=…].
func (s *Server) apiMonthly(c *gin.Context) {
	st, scope, format, err := s.monthlyStats(c, "json", "csv", "pdf")
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.sendReport(c, false, format, monthlyName(st), st, func(format string) ([]byte, string, error) { return s.monthlyFile(st, scope, format) })
}

func monthlyName(st cases.MonthlyStats) string {
	return fmt.Sprintf("monthly-%04d-%02d", st.Year, st.Month)
}

func (s *Server) monthlyStats(c *gin.Context, formats ...string) (cases.MonthlyStats, []cases.Agency, string, error) {
	var st cases.MonthlyStats
	format, err := formatParam(c, formats...)
	if err != nil {
		return st, nil, "", err
	}
	year, err := intParam(c, "year", 0)
	if err != nil {
		return st, nil, "", err
	}
	month, err := intParam(c, "month", 0)
	if err != nil {
		return st, nil, "", err
	}
	ids, scope, err := s.reportScope(c, c.Query("agency"))
	if err != nil {
		return st, nil, "", err
	}
	rs, err := s.reports()
	if err != nil {
		return st, nil, "", err
	}
	st, err = rs.MonthlyStats(c.Request.Context(), ids, year, month)
	return st, scope, format, err
}

// t3Cell and t3Row lay table 三 out as HTML with the merged cells of the official table.
type t3Cell struct {
	Text    string
	Rowspan int
	Colspan int
}

type t3Row struct {
	Key    string
	Labels []t3Cell
	Nums   []int
	Total  bool
}

// table3Label is the label of a line of table 三 on a page: the official label in Chinese, a
// description in English.
func table3Label(key, label, lang string) string {
	if lang != langEN {
		return label
	}
	switch key {
	case cases.RowNew:
		return T(lang, "reports.t3.new")
	case cases.RowCarriedIn:
		return T(lang, "reports.t3.in")
	case cases.RowTotal:
		return T(lang, "reports.t3.total")
	case cases.RowCarriedOut:
		return T(lang, "reports.t3.out")
	}
	if o, ok := cases.FindOutcome(key); ok {
		return o.EN
	}
	return label
}

// groupLabel names a group of table 三 in lang.
func groupLabel(group, lang string) string {
	keys := map[string]string{cases.GroupWithhold: "reports.group.withhold", cases.GroupUnavailable: "reports.group.unavailable",
		cases.GroupRejected: "reports.group.rejected", cases.GroupOther: "reports.group.other"}
	if lang == langEN {
		return T(lang, keys[group])
	}
	return group
}

func table3Rows(rep cases.AnnualReport, lang string) []t3Row {
	type info struct {
		key, label, group string
		inRes             bool
	}
	var infos []info
	inRes := false
	for _, l := range cases.Table3Lines() {
		if l.Key == "" {
			inRes = inRes || strings.HasPrefix(l.Label, "三、")
			continue
		}
		if l.Key == cases.RowNew || l.Key == cases.RowCarriedIn || l.Key == cases.RowCarriedOut {
			inRes = false
		}
		group := ""
		if o, ok := cases.FindOutcome(l.Key); ok {
			group = o.Group
		}
		infos = append(infos, info{l.Key, table3Label(l.Key, l.Label, lang), group, inRes})
	}
	span := func(i int, same func(info) bool) int {
		n := 0
		for ; i+n < len(infos) && same(infos[i+n]); n++ {
		}
		return n
	}
	var rows []t3Row
	for i, li := range infos {
		r := t3Row{Key: li.key, Total: li.key == cases.RowTotal}
		for _, col := range cases.Table3Columns {
			r.Nums = append(r.Nums, rep.Table3[li.key][col])
		}
		switch {
		case !li.inRes:
			r.Labels = []t3Cell{{Text: li.label, Rowspan: 1, Colspan: 3}}
		default:
			if i == 0 || !infos[i-1].inRes {
				r.Labels = append(r.Labels, t3Cell{Text: T(lang, "reports.t3.results"), Rowspan: span(i, func(x info) bool { return x.inRes }), Colspan: 1})
			}
			if li.group == "" {
				r.Labels = append(r.Labels, t3Cell{Text: li.label, Rowspan: 1, Colspan: 2})
				break
			}
			if infos[i-1].group != li.group {
				g := li.group
				r.Labels = append(r.Labels, t3Cell{Text: groupLabel(g, lang), Rowspan: span(i, func(x info) bool { return x.group == g }), Colspan: 1})
			}
			r.Labels = append(r.Labels, t3Cell{Text: li.label, Rowspan: 1, Colspan: 1})
		}
		rows = append(rows, r)
	}
	return rows
}

type annualPageData struct {
	Year     int
	Years    []int
	Agency   string
	Agencies []cases.Agency
	Report   cases.AnnualReport
	Rows     []t3Row
	Columns  []string
	Kinds    cases.CodeList
	Results  []string
	Query    string
}

// annualPage shows the annual report of a year; ?format=csv|pdf|json downloads it.
func (s *Server) annualPage(c *gin.Context) {
	today := s.todayOf(c)
	def := today.Year()
	if today.Month() == 1 {
		def-- // January: the report of the year just ended is due (Art. 50)
	}
	if c.Query("year") == "" {
		q := c.Request.URL.Query()
		q.Set("year", strconv.Itoa(def))
		// Redirected, not rewritten in place: gin caches the query at its first read, so a
		// rewritten RawQuery went unseen and the menu's link answered "缺少参数 year".
		c.Redirect(http.StatusFound, c.Request.URL.Path+"?"+q.Encode())
		return
	}
	rep, format, err := s.annualReport(c, "html", "csv", "pdf", "json")
	if err != nil {
		s.pageError(c, err)
		return
	}
	if format != "html" {
		s.sendReport(c, true, format, annualName(rep), rep, func(format string) ([]byte, string, error) { return s.annualFile(rep, format) })
		return
	}
	d := annualPageData{Year: rep.Year, Agency: c.Query("agency"), Agencies: s.visibleAgencies(c), Report: rep, Rows: table3Rows(rep, lang(c)),
		Columns: cases.Table3Columns, Kinds: cases.RemedyKinds, Results: cases.Table4Results}
	for y := def + 1; y >= def-5; y-- {
		d.Years = append(d.Years, y)
	}
	q := c.Request.URL.Query()
	q.Del("format")
	q.Del("lang")
	d.Query = q.Encode()
	s.render(c, http.StatusOK, "staff/reports", "reports.title", d)
}

type monthlyPageData struct {
	Year, Month int
	Years       []int
	Months      []int
	Agency      string
	Agencies    []cases.Agency
	Stats       cases.MonthlyStats
	Columns     []cases.MonthlyFigures
	Outcomes    []cases.Outcome
	Query       string
}

// monthlyPage shows the statistics of a month; ?format=csv|pdf|json downloads them.
func (s *Server) monthlyPage(c *gin.Context) {
	today := s.todayOf(c)
	prev := today.Time().AddDate(0, -1, 0)
	q := c.Request.URL.Query()
	if c.Query("year") == "" || c.Query("month") == "" {
		q.Set("year", strconv.Itoa(prev.Year()))
		q.Set("month", strconv.Itoa(int(prev.Month())))
		c.Redirect(http.StatusFound, c.Request.URL.Path+"?"+q.Encode()) // gin caches the query: see annualPage
		return
	}
	st, scope, format, err := s.monthlyStats(c, "html", "csv", "pdf", "json")
	if err != nil {
		s.pageError(c, err)
		return
	}
	if format != "html" {
		s.sendReport(c, true, format, monthlyName(st), st, func(format string) ([]byte, string, error) { return s.monthlyFile(st, scope, format) })
		return
	}
	d := monthlyPageData{Year: st.Year, Month: st.Month, Agency: c.Query("agency"), Agencies: s.visibleAgencies(c), Stats: st, Outcomes: cases.Outcomes}
	if len(st.Agencies) > 1 {
		d.Columns = append(append(d.Columns, st.Agencies...), st.Total)
		d.Columns[len(d.Columns)-1].AgencyName = ""
	} else {
		d.Columns = []cases.MonthlyFigures{st.Total}
		if len(st.Agencies) == 1 {
			d.Columns[0].AgencyName = st.Agencies[0].AgencyName
		}
	}
	for y := today.Year(); y >= today.Year()-5; y-- {
		d.Years = append(d.Years, y)
	}
	for m := 1; m <= 12; m++ {
		d.Months = append(d.Months, m)
	}
	q = c.Request.URL.Query()
	q.Del("format")
	q.Del("lang")
	d.Query = q.Encode()
	s.render(c, http.StatusOK, "staff/reports_monthly", "reports.monthly.title", d)
}

// todayOf is the current user's agency's date.
func (s *Server) todayOf(c *gin.Context) cases.Date {
	u, _ := currentUser(c)
	a, err := s.homeAgency(c.Request.Context(), u)
	if err != nil {
		a.Settings = cases.DefaultSettings()
	}
	return s.staffToday(a)
}

// supOrAdmin may use the reports: supervisors produce them, administrators look after them.
var supOrAdmin = []string{cases.RoleSupervisor, cases.RoleAdmin}
