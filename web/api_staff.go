package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
	"foidesk/workflow"
)

// staffAPIRoutes are the staff part of the JSON API (docs/api.md), for bearer tokens.
func (s *Server) staffAPIRoutes(g *gin.RouterGroup) {
	g.POST("/cases", s.apiCreateCase)
	g.GET("/cases", s.apiListCases)
	g.GET("/cases/:id", s.apiCase)
	g.POST("/cases/:id/events", s.apiCaseEvent)
	g.POST("/cases/bulk", s.apiBulk)
	g.GET("/cases/:id/documents/:doc_id", s.apiCaseDocument)
	g.GET("/calendar/due", s.apiCalendarDue)
	g.GET("/calendar/preview", s.apiCalendarPreview)
}

const maxAPIBody = 1 << 20

// caseJSON is a case as the staff API answers it (docs/api.md): the case's own JSON, with
// the lists always present and every document carrying its number ("" for unnumbered ones).
func caseJSON(c *cases.Case) any {
	out := apiCase{Case: c, Events: c.Events, Remedies: c.Remedies, Documents: make([]apiDocument, len(c.Documents))}
	for i, d := range c.Documents {
		out.Documents[i] = apiDocument{Document: d, Number: d.Number}
	}
	if out.Events == nil {
		out.Events = []cases.Event{}
	}
	if out.Remedies == nil {
		out.Remedies = []cases.Remedy{}
	}
	return out
}

// apiCase is a case as the API shows it: its lists always present ([] when empty), each document
// with its number ("" when none). Encoded once, straight from the case (a list page encodes
// fifty).
type apiCase struct {
	*cases.Case
	Documents []apiDocument  `json:"documents"`
	Events    []cases.Event  `json:"events"`
	Remedies  []cases.Remedy `json:"remedies"`
}

type apiDocument struct {
	cases.Document
	Number string `json:"number"`
}

// readJSON decodes a JSON body strictly (readBody) into v.
func readJSON(c *gin.Context, v any) error { return readBody(c, v, maxAPIBody) }

// apiCreateCase registers an application with its channel (any of docs/rules.md §1, online included:
// Art. 31 counts an online application from the day staff confirm it): 201 with the case, in
// registered (the receipt date is received_on, not in the future).
func (s *Server) apiCreateCase(c *gin.Context) {
	var app cases.Application
	if err := readJSON(c, &app); err != nil {
		s.apiError(c, err)
		return
	}
	u, _ := currentUser(c)
	a, err := s.homeAgency(c.Request.Context(), u)
	if err != nil {
		s.apiError(c, err)
		return
	}
	if app.Agency != "" {
		x, err := s.db.AgencyByCode(c.Request.Context(), strings.TrimSpace(app.Agency))
		if err != nil {
			if cases.ErrorCode(err) != cases.ENOTFOUND {
				s.apiError(c, err)
				return
			}
			var fe cases.FieldErrors
			fe.Add("agency", "机关代码不存在。", "No such agency code.")
			s.apiError(c, fe.Err())
			return
		}
		a = x
		a.Settings = a.Settings.WithDefaults()
	}
	if err := checkPaper(app, nil, s.staffToday(a)); err != nil {
		s.apiError(c, err)
		return
	}
	cs, err := s.db.RegisterPaper(c.Request.Context(), app, actorOf(c))
	if err != nil {
		s.apiError(c, err)
		return
	}
	full, err := s.db.Case(c.Request.Context(), cs.ID)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10))
	c.JSON(http.StatusCreated, caseJSON(full))
}

// apiListCases lists the cases of the caller's agencies by deadline with keyset pagination:
// {items, next}; next is null on the last page.
func (s *Server) apiListCases(c *gin.Context) {
	u, _ := currentUser(c)
	a, err := s.homeAgency(c.Request.Context(), u)
	if err != nil {
		s.apiError(c, err)
		return
	}
	f := cases.CaseFilter{AgencyIDs: userAgencies(u), Today: s.staffToday(a), Q: c.Query("q"), Cursor: c.Query("cursor")}
	var fe cases.FieldErrors
	for _, v := range c.QueryArray("state") {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st == "" {
				continue
			}
			if !cases.States.Has(st) {
				fe.Add("state", "未知的状态“"+st+"”。", "unknown state "+strconv.Quote(st))
				continue
			}
			f.States = append(f.States, cases.State(st))
		}
	}
	if v := c.Query("assignee"); v != "" {
		f.Assignee = &v
	}
	date := func(name string) cases.Date {
		v := c.Query(name)
		if v == "" {
			return cases.Date{}
		}
		d, err := cases.ParseDate(v)
		if err != nil {
			fe.Add(name, "日期格式应为YYYY-MM-DD。", name+" must be YYYY-MM-DD")
		}
		return d
	}
	flag := func(name string) bool {
		switch c.Query(name) {
		case "", "false":
			return false
		case "true":
			return true
		}
		fe.Add(name, name+"只能为true或false。", name+" must be true or false")
		return false
	}
	f.DueBefore = date("due_before")
	f.ReceivedFrom, f.ReceivedTo = date("received_from"), date("received_to")
	f.Overdue, f.Paused = flag("overdue"), flag("paused")
	for _, v := range c.QueryArray("channel") {
		for _, ch := range strings.Split(v, ",") {
			if ch = strings.TrimSpace(ch); ch == "" {
				continue
			}
			if !cases.Channels.Has(ch) {
				fe.Add("channel", "未知的受理渠道“"+ch+"”。", "unknown channel "+strconv.Quote(ch))
				continue
			}
			f.Channels = append(f.Channels, ch)
		}
	}
	f.Sort = c.Query("sort")
	if !slices.Contains(cases.SortKeys, strings.TrimPrefix(f.Sort, "-")) && f.Sort != "" {
		fe.Add("sort", "排序方式应为due、received、tracking_no或state（前加“-”为降序）。", "sort must be due, received, tracking_no or state (a leading - for descending)")
	}
	if len([]rune(f.Q)) > 200 {
		fe.Add("q", "检索内容不能超过200个字符。", "q is at most 200 characters")
	}
	f.Limit = 50
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			fe.Add("limit", "limit应为1至500之间的整数。", "limit must be a whole number from 1 to 500")
		}
		f.Limit = n
	}
	if err := fe.Err(); err != nil {
		s.apiError(c, err)
		return
	}
	list, next, err := s.db.FindCases(c.Request.Context(), f)
	if err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.db.FillCases(c.Request.Context(), list); err != nil { // with their documents, events and remedies
		s.apiError(c, err)
		return
	}
	// {"items": [case], "next": cursor or null}, each case encoded once per state of the database
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i, x := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		j, err := s.listJSON.of(x)
		if err != nil {
			s.apiError(c, err)
			return
		}
		b.Write(j)
	}
	b.WriteString(`],"next":`)
	if next == "" {
		b.WriteString("null")
	} else {
		j, _ := json.Marshal(next)
		b.Write(j)
	}
	b.WriteByte('}')
	c.Data(http.StatusOK, "application/json; charset=utf-8", b.Bytes())
}

// listJSONCache keeps the JSON of the cases of list pages by ID for one state of the database
// (cases.Case.ReadAt): encoding fifty whole cases was half the CPU of GET /cases once the store
// kept them (docs/performance.md). A case read in a newer state empties it.
type listJSONCache struct {
	mu sync.Mutex
	at int64
	m  map[int64][]byte
}

// of returns the JSON of a listed case as the API answers it (caseJSON).
func (l *listJSONCache) of(x *cases.Case) ([]byte, error) {
	if x.ReadAt == 0 {
		return json.Marshal(caseJSON(x))
	}
	l.mu.Lock()
	if x.ReadAt > l.at || l.m == nil {
		l.at, l.m = x.ReadAt, make(map[int64][]byte)
	}
	if j, ok := l.m[x.ID]; ok && x.ReadAt == l.at {
		l.mu.Unlock()
		return j, nil
	}
	l.mu.Unlock()
	j, err := json.Marshal(caseJSON(x))
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if x.ReadAt == l.at && len(l.m) < 4096 {
		l.m[x.ID] = j
	}
	l.mu.Unlock()
	return j, nil
}

func (s *Server) apiCase(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.recordView(c, cs, "api_case") // identity numbers and contacts (web/accesslog.go)
	writeCase(c, http.StatusOK, cs)
}

// apiCaseEvent fires {event, expected_version?, ...payload}: 200 with the case, or the coded
// error (422 unknown event or bad payload, 403 role or relation, 409 state, history or a lost race).
func (s *Server) apiCaseEvent(c *gin.Context) {
	id, err := s.caseIDFor(c) // the case itself is read by the transition, in its transaction
	if err != nil {
		s.apiError(c, err)
		return
	}
	var body map[string]json.RawMessage
	if err := readJSON(c, &body); err != nil {
		s.apiError(c, err)
		return
	}
	if body == nil {
		s.apiError(c, bodyError("body", "请求内容应为JSON对象。", "The body must be a JSON object."))
		return
	}
	var req cases.EventRequest
	if err := json.Unmarshal(body["event"], &req.Event); err != nil || req.Event == "" {
		var fe cases.FieldErrors
		fe.Add("event", "请指定操作（event）。", "event is required")
		s.apiError(c, fe.Err())
		return
	}
	if raw, ok := body["expected_version"]; ok && string(raw) != "null" {
		var n int
		if err := json.Unmarshal(raw, &n); err != nil {
			var fe cases.FieldErrors
			fe.Add("expected_version", "expected_version应为整数。", "expected_version must be an integer")
			s.apiError(c, fe.Err())
			return
		}
		req.ExpectedVersion = &n
	}
	delete(body, "event")
	delete(body, "expected_version")
	if req.Payload, err = json.Marshal(body); err != nil {
		s.apiError(c, err)
		return
	}
	out, err := s.db.TransitionCase(c.Request.Context(), id, req, actorOf(c), s.now())
	if err != nil {
		s.apiError(c, err)
		return
	}
	writeCase(c, http.StatusOK, out)
}

// bulkEvents are the events POST /cases/bulk fires (docs/api.md): those whose workflow.Spec says
// Bulk.
var bulkEvents = workflow.BulkEvents()

// maxBulk bounds the cases of one bulk request.
const maxBulk = 500

// apiBulk fires {event, ids, ...payload} on every case of ids, each with its own transition and
// event, all or nothing: 200 {results: [{id, status: 200}]}, or the status of the first failing
// case with its error and every case's status and error in results, and nothing changed.
func (s *Server) apiBulk(c *gin.Context) {
	var body map[string]json.RawMessage
	if err := readJSON(c, &body); err != nil {
		s.apiError(c, err)
		return
	}
	var fe cases.FieldErrors
	var req cases.EventRequest
	if err := json.Unmarshal(body["event"], &req.Event); err != nil || !slices.Contains(bulkEvents, req.Event) {
		fe.Add("event", "批量操作只能是归档（archive）、送达登记（record_delivery）或改派（reassign）。", "event must be archive, record_delivery or reassign")
	}
	var ids []int64
	if err := json.Unmarshal(body["ids"], &ids); err != nil || len(ids) == 0 || len(ids) > maxBulk {
		fe.Add("ids", fmt.Sprintf("ids应为1至%d个案件编号的数组。", maxBulk), fmt.Sprintf("ids must be an array of 1 to %d case ids", maxBulk))
	} else {
		seen := map[int64]bool{}
		for _, id := range ids {
			if seen[id] {
				fe.Add("ids", "ids中有重复的案件编号。", "ids holds a case twice")
				break
			}
			seen[id] = true
		}
	}
	if !fe.Empty() {
		s.apiError(c, fe.Err())
		return
	}
	delete(body, "event")
	delete(body, "ids")
	var err error
	if req.Payload, err = json.Marshal(body); err != nil {
		s.apiError(c, err)
		return
	}
	// Every case is tried, so that each gets its own answer and the first failing one gives the
	// status; a case the caller may not see is not found, as GET /cases/{id} answers (the workflow
	// refuses it too, so nothing is written when one is among ids).
	hidden := make([]error, len(ids))
	for i, id := range ids {
		if _, err := s.caseByID(c, id); err != nil {
			hidden[i] = err
		}
	}
	errs, err := s.db.TransitionCases(c.Request.Context(), ids, req, actorOf(c), s.now())
	if err != nil {
		s.apiError(c, err)
		return
	}
	for i := range ids {
		if hidden[i] != nil {
			errs[i] = hidden[i]
		}
	}
	results := make([]gin.H, len(ids))
	var first error
	for i, id := range ids {
		results[i] = gin.H{"id": id, "status": http.StatusOK}
		if errs[i] != nil {
			code := cases.ErrorCode(errs[i])
			results[i]["status"] = statusOf[code]
			results[i]["error"] = gin.H{"code": code, "message": cases.ErrorMessage(errs[i], lang(c))}
			if first == nil {
				first = errs[i]
			}
		}
	}
	if first == nil {
		c.JSON(http.StatusOK, gin.H{"results": results})
		return
	}
	code := cases.ErrorCode(first)
	c.JSON(statusOf[code], gin.H{"error": gin.H{"code": code, "message": cases.ErrorMessage(first, lang(c))}, "results": results})
}

func (s *Server) apiCaseDocument(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.recordView(c, cs, "document:"+c.Param("doc_id"))
	s.sendDocument(c, cs, c.Param("doc_id"), s.apiError)
}

// apiCalendarPreview answers which open cases marking date a working day (work=true) or a day
// off (work=false) would move, with nothing else about them, changing nothing (docs/api.md):
// deployment administrators see every agency's cases, supervisors their own agencies'.
func (s *Server) apiCalendarPreview(c *gin.Context) {
	u, _ := currentUser(c)
	deployment := u.AllAgencies && slices.Contains(u.Roles(), cases.RoleAdmin)
	if !deployment && !slices.Contains(u.Roles(), cases.RoleSupervisor) {
		s.apiError(c, cases.E(cases.EFORBIDDEN, "只有全系统管理员和负责人可以预览日历调整。", "only deployment administrators and supervisors may preview a calendar change"))
		return
	}
	var fe cases.FieldErrors
	day, err := cases.ParseDate(c.Query("date"))
	if err != nil || day.Year() < 2019 || day.Year() > 2100 {
		fe.Add("date", "date应为2019年至2100年间YYYY-MM-DD格式的日期。", "date must be a date YYYY-MM-DD from 2019 to 2100")
	}
	work := c.Query("work")
	if work != "true" && work != "false" {
		fe.Add("work", "work应为true（工作日）或false（休息日）。", "work must be true (a working day) or false (a day off)")
	}
	if !fe.Empty() {
		s.apiError(c, fe.Err())
		return
	}
	moved, err := s.db.PreviewCalendarDay(c.Request.Context(), day, &workflow.Override{Day: day, Work: work == "true", Note: "preview"})
	if err != nil {
		s.apiError(c, err)
		return
	}
	mine := userAgencies(u)
	moves := []gin.H{}
	for _, m := range moved {
		if deployment || slices.Contains(mine, m.AgencyID) {
			moves = append(moves, gin.H{"tracking_no": m.TrackingNo, "before": m.Before, "after": m.After})
		}
	}
	c.JSON(http.StatusOK, gin.H{"moves": moves})
}

// apiCalendarDue answers when a period of days working days from a day ends, with the
// explanation (docs/rules.md §3), one line per step.
func (s *Server) apiCalendarDue(c *gin.Context) {
	var fe cases.FieldErrors
	from, err := cases.ParseDate(c.Query("from"))
	if err != nil {
		fe.Add("from", "from应为YYYY-MM-DD格式的日期。", "from must be a date YYYY-MM-DD")
	}
	days, err := strconv.Atoi(c.Query("days"))
	if err != nil || days < 0 || days > 1000 {
		fe.Add("days", "days应为0至1000之间的整数。", "days must be a whole number from 0 to 1000")
	}
	if err := fe.Err(); err != nil {
		s.apiError(c, err)
		return
	}
	ex := s.db.Calendar().ExplainDue(from, days)
	if ex.Due.Year() > 9999 || from.Year() < 1000 {
		fe.Add("from", "from应为1000年至9999年之间的日期，且期限不得超过9999年。", "from must be a date from the year 1000 to 9999, with the due date not beyond 9999")
		s.apiError(c, fe.Err())
		return
	}
	lines := ex.Lines()
	if lang(c) == langEN {
		lines = ex.LinesEN()
	}
	c.JSON(http.StatusOK, gin.H{"due": ex.Due, "days": days, "from": from, "provisional": ex.Provisional, "explanation": lines})
}
