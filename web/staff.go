package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
	"foidesk/workflow"
)

// staffRoutes are the office's pages and the staff API (login or bearer token required; who may
// use which route is stated once, in authzTable).
func (s *Server) staffRoutes(r *gin.Engine) {
	s.staff = s.newStaffState()
	r.GET("/login", s.loginPage)
	r.POST("/login", s.login)
	r.POST("/logout", s.logout)
	r.GET("/staff", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/staff/queue") })
	r.GET("/staff/queue", s.queue)
	r.GET("/staff/register", s.registerForm)
	r.POST("/staff/register", s.registerSubmit)
	r.GET("/staff/cases/:id", s.casePage)
	r.GET("/staff/access-log", s.accessLogExport)
	r.POST("/staff/cases/:id/events", s.caseEvent)
	r.POST("/staff/cases/:id/uploads", s.caseUpload)
	r.GET("/staff/cases/:id/documents/:doc_id", s.caseDocument)
	r.GET("/staff/cases/:id/preview", s.replyPreview)
	r.GET("/staff/overview", s.overview)
	s.adminRoutes(r)
	s.staffAPIRoutes(r.Group("/api/v1"))
}

// userAgencies are the agencies a user may act for: the home agency and those overseen.
func userAgencies(u cases.User) []int64 {
	ids := []int64{u.AgencyID}
	for _, id := range u.Agencies {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// homeAgency returns the user's home agency with its settings.
func (s *Server) homeAgency(ctx context.Context, u cases.User) (cases.Agency, error) {
	a, err := s.db.Agency(ctx, u.AgencyID)
	if err != nil {
		return a, err
	}
	a.Settings = a.Settings.WithDefaults()
	return a, nil
}

// staffToday is the agency's calendar date now.
func (s *Server) staffToday(a cases.Agency) cases.Date {
	return cases.DateOf(s.now(), a.Settings.Location())
}

// dueWindow is the home agency's today and its "due soon" window: the cases due by Soon, SoonDays
// working days ahead (the smallest alert threshold).
type dueWindow struct {
	Today    cases.Date
	Soon     cases.Date
	SoonDays int
}

// dueWindowOf returns the due window of the user's home agency.
func (s *Server) dueWindowOf(ctx context.Context, u cases.User) (dueWindow, error) {
	a, err := s.homeAgency(ctx, u)
	if err != nil {
		return dueWindow{}, err
	}
	w := dueWindow{Today: s.staffToday(a), SoonDays: soonDays(a)}
	w.Soon = s.db.Calendar().AddWorkdays(w.Today, w.SoonDays)
	return w, nil
}

// soonDays is the smallest alert threshold of the agency: "due soon" means due within it.
func soonDays(a cases.Agency) int {
	n := 0
	for _, t := range a.Settings.WithDefaults().AlertThresholds {
		if t > 0 && (n == 0 || t < n) {
			n = t
		}
	}
	if n == 0 {
		n = 1
	}
	return n
}

// Queue tabs, in the order shown.
var queueTabs = []string{"to_register", "registered", "mine", "in_progress", "paused", "pending_approval", "replied", "due_soon", "overdue"}

// queueFilter is the filter of a queue tab for user u: the same filter gives the tab's count and
// its list. today is the agency's date, soon the last day of "due soon".
func queueFilter(tab string, u cases.User, today, soon cases.Date) (cases.CaseFilter, bool) {
	f := cases.CaseFilter{AgencyIDs: userAgencies(u), Today: today}
	switch tab {
	case "to_register":
		f.States = []cases.State{cases.StateSubmitted}
	case "registered":
		f.States = []cases.State{cases.StateRegistered}
	case "mine":
		me := u.Username
		f.States, f.Assignee = []cases.State{cases.StateInProgress}, &me
	case "in_progress":
		f.States = []cases.State{cases.StateInProgress}
	case "paused":
		f.States = []cases.State{cases.StateAwaitingCorrection, cases.StateConsulting, cases.StateAwaitingFee}
	case "pending_approval":
		f.States = []cases.State{cases.StatePendingApproval}
	case "replied":
		f.States = []cases.State{cases.StateReplied, cases.StateClosed}
	case "due_soon":
		f.States, f.DueBefore = slices.Clone(cases.RunningStates), soon
	case "overdue":
		f.Overdue = true
	default:
		return f, false
	}
	return f, true
}

func defaultTab(u cases.User) string {
	a := u.Actor()
	if !a.Has(cases.RoleClerk) && a.Has(cases.RoleSupervisor) {
		return "pending_approval"
	}
	return "mine"
}

type queueTab struct {
	Key    string
	Count  int
	More   bool // more than Count (counting stops at queueCountMax)
	Active bool
}

// queueCountMax: the tabs count up to this many cases and then show "999+" (a count of every
// concluded case of a province is not worth a scan on every page view; docs/performance.md).
const queueCountMax = 999

// queueRow is one case in a list, with its deadline as a date and in working days.
type queueRow struct {
	ID         int64
	TrackingNo string
	Applicant  string
	Summary    string
	State      string
	Assignee   string
	// AssigneeName is the assignee's display name (李静), when known.
	AssigneeName string
	ReceivedOn   cases.Date
	ReplyDue     cases.Date
	Provisional  bool
	Left         int  // working days left (deadline not passed)
	Late         int  // working days overdue
	Overdue      bool // running clock, deadline passed
	Paused       bool // clock stopped or paused
	Concluded    cases.Date
	DueToday     bool
}

func (s *Server) rowOf(c *cases.Case, today cases.Date) queueRow {
	cal := s.db.Calendar()
	r := queueRow{ID: c.ID, TrackingNo: c.TrackingNo, Applicant: c.Applicant.Name, Summary: excerpt(c.Description, 40), State: string(c.State),
		Assignee: c.Assignee, ReceivedOn: c.ReceivedOn, ReplyDue: c.ReplyDue, Provisional: c.Provisional, Concluded: c.ConcludedOn}
	if cases.IsOpen(c.State) && !cases.ClockRunning(c.State) {
		r.Paused = true
	}
	if !c.ReplyDue.IsZero() && cases.IsOpen(c.State) {
		switch {
		case c.Overdue(today):
			r.Overdue, r.Late = true, cal.WorkdaysBetween(c.ReplyDue, today)
		case !c.ReplyDue.Before(today):
			r.Left = cal.WorkdaysBetween(today, c.ReplyDue)
			r.DueToday = c.ReplyDue.Equal(today)
		}
	}
	return r
}

func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

type queueData struct {
	dueWindow
	Tabs  []queueTab
	Tab   string
	Q     string
	Rows  []queueRow
	Next  string
	Paged bool
	Count int
	More  bool // more than Count
	// The view: sort and filters, kept in the URL so that a view can be bookmarked.
	View     queueView
	Query    template.URL // the view as a query string (tab, q, sort and filters), for links
	Clerks   []cases.User
	Channels cases.CodeList
	Filtered bool // a filter beyond the tab is set
}

// queueView is the sort and the filters of the queue page beyond its tab.
type queueView struct {
	Sort     string // one of cases.SortKeys, "-" first for descending; "" is due
	Assignee string // a username, "-" for unassigned
	Channel  string
	From, To string // received from / to, YYYY-MM-DD
	Overdue  bool
	Paused   bool
}

// SortLink is the query of the page sorted by key: ascending, or descending when already
// ascending by it.
func (d queueData) SortLink(key string) template.URL {
	q, _ := url.ParseQuery(string(d.Query))
	q.Del("cursor")
	if d.View.Sort == key || (key == "due" && d.View.Sort == "") {
		q.Set("sort", "-"+key)
	} else {
		q.Set("sort", key)
	}
	return template.URL(q.Encode())
}

// SortDir is "ascending", "descending" or "" for the column of key (aria-sort).
func (d queueData) SortDir(key string) string {
	switch d.View.Sort {
	case key:
		return "ascending"
	case "-" + key:
		return "descending"
	case "":
		if key == "due" {
			return "ascending"
		}
	}
	return ""
}

// parseQueueView reads the view from the query: unknown values are dropped (a bookmark of an
// older view still opens).
func parseQueueView(c *gin.Context) queueView {
	v := queueView{Assignee: c.Query("assignee"), Overdue: c.Query("overdue") != "", Paused: c.Query("paused") != ""}
	if s := c.Query("sort"); slices.Contains(cases.SortKeys, strings.TrimPrefix(s, "-")) {
		v.Sort = s
	}
	if ch := c.Query("channel"); cases.Channels.Has(ch) {
		v.Channel = ch
	}
	if d, err := cases.ParseDate(c.Query("from")); err == nil {
		v.From = d.String()
	}
	if d, err := cases.ParseDate(c.Query("to")); err == nil {
		v.To = d.String()
	}
	return v
}

// apply narrows f by the view.
func (v queueView) apply(f *cases.CaseFilter) {
	f.Sort = v.Sort
	switch {
	case v.Assignee == "" || f.Assignee != nil: // the tab "mine" decides the assignee itself
	case v.Assignee == "-":
		f.Unassigned = true
	default:
		a := v.Assignee
		f.Assignee = &a
	}
	if v.Channel != "" {
		f.Channels = []string{v.Channel}
	}
	if v.From != "" {
		f.ReceivedFrom = cases.MustDate(v.From)
	}
	if v.To != "" {
		f.ReceivedTo = cases.MustDate(v.To)
	}
	f.Overdue = f.Overdue || v.Overdue
	f.Paused = f.Paused || v.Paused
}

// query is the view as query parameters.
func (v queueView) query(q url.Values) {
	for k, val := range map[string]string{"sort": v.Sort, "assignee": v.Assignee, "channel": v.Channel, "from": v.From, "to": v.To} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if v.Overdue {
		q.Set("overdue", "1")
	}
	if v.Paused {
		q.Set("paused", "1")
	}
}

func (s *Server) queue(c *gin.Context) {
	ctx := c.Request.Context()
	u, _ := currentUser(c)
	w, err := s.dueWindowOf(ctx, u)
	if err != nil {
		s.pageError(c, err)
		return
	}
	today, soon := w.Today, w.Soon
	tab := c.Query("tab")
	if _, ok := queueFilter(tab, u, today, soon); !ok {
		tab = defaultTab(u)
	}
	q := c.Query("q")
	view := parseQueueView(c)
	d := queueData{dueWindow: w, Tab: tab, Q: q, Paged: c.Query("cursor") != "", View: view, Channels: cases.Channels}
	d.Filtered = view.Assignee != "" || view.Channel != "" || view.From != "" || view.To != "" || view.Overdue || view.Paused
	vq := url.Values{"tab": {tab}}
	if q != "" {
		vq.Set("q", q)
	}
	view.query(vq)
	d.Query = template.URL(vq.Encode())
	if d.Clerks, err = s.clerksOf(ctx, u.AgencyID); err != nil {
		s.pageError(c, err)
		return
	}
	names := map[string]string{}
	for _, cl := range d.Clerks {
		names[cl.Username] = cl.DisplayName
	}
	for _, key := range queueTabs {
		f, _ := queueFilter(key, u, today, soon)
		f.Q, f.CountMax = q, queueCountMax
		view.apply(&f)
		cnt, err := s.db.CountCases(ctx, f)
		if err != nil {
			s.pageError(c, err)
			return
		}
		t := queueTab{Key: key, Count: min(cnt, queueCountMax), More: cnt > queueCountMax, Active: key == tab}
		d.Tabs = append(d.Tabs, t)
		if key == tab {
			d.Count, d.More = t.Count, t.More
		}
	}
	f, _ := queueFilter(tab, u, today, soon)
	view.apply(&f)
	f.Q, f.Cursor = q, c.Query("cursor")
	f.Limit, f.Brief = 25, true // a row shows only part of a case
	if l, err := strconv.Atoi(c.Query("limit")); err == nil && l > 0 && l <= 200 {
		f.Limit = l
	}
	list, next, err := s.db.FindCases(ctx, f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for _, cs := range list {
		r := s.rowOf(cs, today)
		if n := names[r.Assignee]; n != "" {
			r.AssigneeName = n
		}
		d.Rows = append(d.Rows, r)
	}
	d.Next = next
	s.render(c, http.StatusOK, "staff/queue", "queue.title", d)
}

// caseFor loads the case of the route's :id for the current user; a case of an agency the user
// may not act for is "not found".
func (s *Server) caseFor(c *gin.Context) (*cases.Case, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return nil, cases.E(cases.ENOTFOUND, "案件不存在。", "no such case")
	}
	return s.caseByID(c, id)
}

// caseIDFor checks, like caseFor, that the route's :id names a case the current user may act
// for, without reading the case and its lists (a transition reads it in its transaction).
func (s *Server) caseIDFor(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, cases.E(cases.ENOTFOUND, "案件不存在。", "no such case")
	}
	agencyID, err := s.db.CaseAgency(c.Request.Context(), id)
	if err != nil {
		return 0, err
	}
	u, _ := currentUser(c)
	if !u.Actor().MayActFor(agencyID) {
		return 0, cases.E(cases.ENOTFOUND, "案件不存在。", "no such case")
	}
	return id, nil
}

// caseByID loads case id for the signed-in user: ENOTFOUND for a case of an agency the user may
// not act for (its existence is not revealed).
func (s *Server) caseByID(c *gin.Context, id int64) (*cases.Case, error) {
	cs, err := s.db.Case(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	u, _ := currentUser(c)
	if !u.Actor().MayActFor(cs.AgencyID) {
		return nil, cases.E(cases.ENOTFOUND, "案件不存在。", "no such case")
	}
	return cs, nil
}

// clerksOf lists the active clerks of an agency (for accept and reassign).
func (s *Server) clerksOf(ctx context.Context, agencyID int64) ([]cases.User, error) {
	us, err := s.db.Users(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	var out []cases.User
	for _, u := range us {
		if u.Active && u.Actor().Has(cases.RoleClerk) {
			out = append(out, u)
		}
	}
	return out, nil
}

// eventLabel labels an event name in lang.
func eventLabel(name cases.EventName, lang string) string { return workflow.EventLabel(name, lang) }
