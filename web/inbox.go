package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// InboxBackend is what the in-app inbox and the outbox page need of the store (package store
// implements it); a Backend without it shows neither.
type InboxBackend interface {
	Inbox(ctx context.Context, username string, f cases.InboxFilter) ([]cases.Message, int64, error)
	UnreadCount(ctx context.Context, username string) (int, error)
	MarkRead(ctx context.Context, username string, ids ...int64) (int, error)
	Message(ctx context.Context, id int64) (cases.Message, error)
	OutboxDocument(ctx context.Context, id int64) (cases.Document, error)
	FailedMessages(ctx context.Context, limit int) ([]cases.Message, error)
	RetryMessage(ctx context.Context, id int64) error
}

// inboxRoutes are the staff inbox and the administrator's list of e-mails not sent.
func (s *Server) inboxRoutes(r *gin.Engine) {
	r.GET("/staff/inbox", s.inboxPage)
	r.POST("/staff/inbox/read", s.inboxMarkRead)
	r.GET("/staff/inbox/:id/attachment", s.inboxAttachment)
	r.GET("/admin/outbox", s.outboxPage)
	r.POST("/admin/outbox/:id/retry", s.outboxRetry)
}

func (s *Server) inboxBackend(c *gin.Context) (InboxBackend, bool) {
	ib, ok := s.cfg.Inbox, s.cfg.Inbox != nil
	if !ok {
		s.pageError(c, cases.E(cases.ENOTFOUND, T(lang(c), "inbox.unavailable"), "the inbox is not available"))
	}
	return ib, ok
}

// unreadCount puts the signed-in user's number of unread messages in the page header ("unread").
func (s *Server) unreadCount(c *gin.Context) {
	if c.Request.Method == http.MethodGet && !isAPI(c.Request.URL.Path) {
		if u, ok := currentUser(c); ok {
			if ib := s.cfg.Inbox; ib != nil {
				if n, err := ib.UnreadCount(c.Request.Context(), u.Username); err == nil {
					c.Set("unread", n)
				} else {
					s.log.Warn("unread count", "err", err)
				}
			}
		}
	}
	c.Next()
}

// inboxItem is one message as the inbox shows it.
type inboxItem struct {
	cases.Message
	At     string
	Unread bool
	Doc    string // the attachment's file name
}

type inboxData struct {
	Items      []inboxItem
	UnreadOnly bool
	Unread     int
	Next       int64
	Before     int64
	Flash      string
}

func (s *Server) staffLocation(c *gin.Context, u cases.User) *time.Location {
	if a, err := s.homeAgency(c.Request.Context(), u); err == nil {
		return a.Settings.Location()
	}
	return time.FixedZone("CST", 8*3600)
}

func (s *Server) inboxPage(c *gin.Context) {
	ib, ok := s.inboxBackend(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	ctx := c.Request.Context()
	d := inboxData{UnreadOnly: c.Query("unread") == "1", Flash: s.flash(c)}
	d.Before, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	msgs, next, err := ib.Inbox(ctx, u.Username, cases.InboxFilter{Unread: d.UnreadOnly, Limit: 50, Before: d.Before})
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Next = next
	if d.Unread, err = ib.UnreadCount(ctx, u.Username); err != nil {
		s.pageError(c, err)
		return
	}
	c.Set("unread", d.Unread)
	loc := s.staffLocation(c, u)
	for _, m := range msgs {
		it := inboxItem{Message: m, At: m.CreatedAt.In(loc).Format("2006-01-02 15:04"), Unread: m.ReadAt == nil}
		if m.DocumentID != 0 {
			if doc, err := ib.OutboxDocument(ctx, m.DocumentID); err == nil {
				it.Doc = doc.Filename
			}
		}
		d.Items = append(d.Items, it)
	}
	s.render(c, http.StatusOK, "staff/inbox", "inbox.title", d)
}

// inboxMarkRead marks the checked messages read, or all of them ("all").
func (s *Server) inboxMarkRead(c *gin.Context) {
	ib, ok := s.inboxBackend(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	var ids []int64
	for _, v := range c.PostFormArray("id") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	n := 0
	if len(ids) > 0 || c.PostForm("all") == "1" {
		var err error
		if n, err = ib.MarkRead(c.Request.Context(), u.Username, ids...); err != nil {
			s.pageError(c, err)
			return
		}
	}
	s.setFlash(c, T(lang(c), "inbox.marked", n))
	to := "/staff/inbox"
	q := url.Values{}
	if c.PostForm("unread") == "1" {
		q.Set("unread", "1")
	}
	if b := c.PostForm("before"); b != "" {
		if _, err := strconv.ParseInt(b, 10, 64); err == nil {
			q.Set("before", b)
		}
	}
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	c.Redirect(http.StatusSeeOther, to)
}

// inboxAttachment serves the document attached to one of the user's own messages (e.g. the
// monthly statistics, stored without a case) and marks the message read.
func (s *Server) inboxAttachment(c *gin.Context) {
	ib, ok := s.inboxBackend(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	ctx := c.Request.Context()
	m, err := ib.Message(ctx, id)
	if err != nil || m.Channel != cases.MessageInbox || m.Recipient != u.Username || m.DocumentID == 0 {
		s.pageError(c, cases.E(cases.ENOTFOUND, "文件不存在。", "no such document"))
		return
	}
	doc, err := ib.OutboxDocument(ctx, m.DocumentID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ib.MarkRead(ctx, u.Username, m.ID)
	c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", doc.Filename))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, doc.ContentType, doc.Body)
}
