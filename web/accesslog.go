package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// The access log of personal data (docs/design.md "Users"; GB/T 22239-2019 8.1.4.3): every staff
// view of a case page, the API's case, a document of a case, or a full ledger export (identity
// numbers and contacts unmasked) is recorded — who, when, which case, from where — in the
// append-only access_log table. Lists and search results are not views. Entries are queued in
// memory and written in batches (every accessFlushEvery or accessBatch entries), so that viewing
// a case costs no database write of its own; at most accessQueue entries wait (beyond, one is
// written at once, never dropped).
const (
	accessFlushEvery = time.Second
	accessBatch      = 200
	accessQueue      = 10000
)

type accessLogger struct {
	s       *Server
	mu      sync.Mutex
	pending []cases.AccessEntry
	kick    chan struct{}
}

func (s *Server) accessLog() *accessLogger {
	s.accessOnce.Do(func() {
		s.access = &accessLogger{s: s, kick: make(chan struct{}, 1)}
		go s.access.run()
	})
	return s.access
}

// recordView queues a view of case cs by the request's user.
func (s *Server) recordView(c *gin.Context, cs *cases.Case, what string) {
	u, ok := currentUser(c)
	if !ok || cs == nil {
		return
	}
	e := cases.AccessEntry{At: s.now(), UserID: u.ID, Username: u.Username, CaseID: cs.ID, AgencyID: cs.AgencyID, What: what, Address: clientAddr(c)}
	l := s.accessLog()
	l.mu.Lock()
	if len(l.pending) >= accessQueue { // the writer is behind: this one is written now
		l.mu.Unlock()
		if err := s.db.LogAccess(context.WithoutCancel(c.Request.Context()), []cases.AccessEntry{e}); err != nil {
			s.log.Error("access log", "err", err)
		}
		return
	}
	l.pending = append(l.pending, e)
	full := len(l.pending) >= accessBatch
	l.mu.Unlock()
	if full {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

func (l *accessLogger) run() {
	t := time.NewTicker(accessFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-l.kick:
		}
		l.flush()
	}
}

// flush writes the queued entries (also called by FlushAccessLog at shutdown and by tests).
func (l *accessLogger) flush() {
	l.mu.Lock()
	batch := l.pending
	l.pending = nil
	l.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	if err := l.s.db.LogAccess(context.Background(), batch); err != nil {
		l.s.log.Error("access log", "err", err, "entries", len(batch))
		l.mu.Lock()
		if len(l.pending)+len(batch) <= accessQueue { // try again at the next flush
			l.pending = append(batch, l.pending...)
		}
		l.mu.Unlock()
	}
}

// FlushAccessLog writes the access log's queued entries now (serve calls it at shutdown).
func (s *Server) FlushAccessLog() { s.accessLog().flush() }

type accessRow struct {
	At, Who, What, Address string
}

// accessRows are the latest views of a case for its page (supervisors only).
func (s *Server) accessRows(c *gin.Context, cs *cases.Case, loc *time.Location) []accessRow {
	u, _ := currentUser(c)
	if !u.Actor().Has(cases.RoleSupervisor) {
		return nil
	}
	s.FlushAccessLog()
	es, err := s.db.AccessLog(c.Request.Context(), cs.ID, 50)
	if err != nil {
		s.log.Error("access log", "err", err)
		return nil
	}
	out := make([]accessRow, len(es))
	for i, e := range es {
		out[i] = accessRow{At: e.At.In(loc).Format("2006-01-02 15:04:05"), Who: e.Username, What: e.What, Address: e.Address}
	}
	return out
}

// accessLogExport answers GET /staff/access-log?from=D&to=D (supervisors): the views of their
// agencies' cases in the period as CSV (UTF-8 with BOM), oldest first.
func (s *Server) accessLogExport(c *gin.Context) {
	u, _ := currentUser(c)
	a, err := s.homeAgency(c.Request.Context(), u)
	if err != nil {
		s.pageError(c, err)
		return
	}
	loc := a.Settings.WithDefaults().Location()
	var fe cases.FieldErrors
	from, err1 := cases.ParseDate(c.Query("from"))
	to, err2 := cases.ParseDate(c.Query("to"))
	if err1 != nil {
		fe.Add("from", "from应为YYYY-MM-DD格式的日期。", "from must be a date YYYY-MM-DD")
	}
	if err2 != nil {
		fe.Add("to", "to应为YYYY-MM-DD格式的日期。", "to must be a date YYYY-MM-DD")
	}
	if err := fe.Err(); err != nil {
		s.pageError(c, err)
		return
	}
	s.FlushAccessLog()
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	es, err := s.db.AccessLogRange(c.Request.Context(), userAgencies(u), start, end)
	if err != nil {
		s.pageError(c, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write([]string{"时间", "用户", "案件ID", "查看内容", "来源地址"})
	for _, e := range es {
		w.Write(cases.SpreadsheetRecord([]string{e.At.In(loc).Format("2006-01-02 15:04:05"), e.Username, strconv.FormatInt(e.CaseID, 10), e.What, e.Address}))
	}
	w.Flush()
	c.Header("Content-Disposition", `attachment; filename="access-log-`+from.String()+`-`+to.String()+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
