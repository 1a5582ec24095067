package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// A way back in for an applicant who lost the access code (docs/api.md "JSON API": POST
// /track/recover; the page /track/recover): the tracking number, the identity number and the
// phone or e-mail address given in the application. On a match a new code is issued at once (the
// old one dead) and sent to that contact through the outbox; the answer is the same, after the
// same time, whether or not anything matched. Every attempt counts against the address's
// failed look-up limit, so the throttle says nothing about a match either.

// recoverDelay is the least time a recovery answer takes (the store's work on a match is hidden
// in it).
const recoverDelay = 600 * time.Millisecond

// recoverSentMessage is the one answer of a recovery attempt.
func recoverSentMessage(l string) string { return T(l, "recover.sent") }

// recoverBody is the body of POST /api/v1/track/recover.
type recoverBody struct {
	TrackingNo string `json:"tracking_no"`
	IDNumber   string `json:"id_number"`
	Contact    string `json:"contact"`
}

// check reports the empty fields (422).
func (b recoverBody) check() error {
	var f cases.FieldErrors
	if strings.TrimSpace(b.TrackingNo) == "" {
		f.Add("tracking_no", T(langZH, "recover.err.tracking_no"), T(langEN, "recover.err.tracking_no"))
	}
	if strings.TrimSpace(b.IDNumber) == "" {
		f.Add("id_number", T(langZH, "recover.err.id_number"), T(langEN, "recover.err.id_number"))
	}
	if strings.TrimSpace(b.Contact) == "" {
		f.Add("contact", T(langZH, "recover.err.contact"), T(langEN, "recover.err.contact"))
	}
	return f.Err()
}

// recoverAccess runs one recovery attempt from address ip: ERATELIMIT (with the wait) when the
// address failed too often; otherwise the store's attempt, answered no sooner than recoverDelay
// after it began.
func (s *Server) recoverAccess(ctx context.Context, ip string, b recoverBody) (time.Duration, error) {
	start := time.Now()
	if throttled, wait := s.public.trackThrottled(ip); throttled {
		return wait, errThrottled()
	}
	s.public.trackFails.add(ip, s.public.now())
	no, _ := normalizeTracking(b.TrackingNo, "")
	_, err := s.db.RecoverAccess(ctx, no, b.IDNumber, b.Contact)
	if d := s.public.recoverDelay - time.Since(start); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	return 0, err
}

// apiRecover: POST /track/recover → 202 {message}.
func (s *Server) apiRecover(c *gin.Context) {
	var b recoverBody
	if err := decodeJSON(c, &b); err != nil {
		s.apiError(c, err)
		return
	}
	if err := b.check(); err != nil {
		s.apiError(c, err)
		return
	}
	wait, err := s.recoverAccess(c.Request.Context(), clientAddr(c), b)
	if err != nil {
		if cases.ErrorCode(err) == cases.ERATELIMIT {
			retryAfter(c, wait)
		}
		s.apiError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusAccepted, gin.H{"message": recoverSentMessage(lang(c))})
}

// recoverPage is the data of the page /track/recover.
type recoverPage struct {
	Example                       string
	TrackingNo, IDNumber, Contact string
	Errors                        map[string]string
	Summary                       []summaryItem
	Alert                         string
	Sent                          string
}

func (s *Server) recoverForm(c *gin.Context) {
	s.render(c, http.StatusOK, "public/recover", "recover.title", recoverPage{Example: s.exampleTrackingNo(c), TrackingNo: c.Query("no")})
}

func (s *Server) recoverSubmit(c *gin.Context) {
	l := lang(c)
	b := recoverBody{TrackingNo: c.PostForm("tracking_no"), IDNumber: c.PostForm("id_number"), Contact: c.PostForm("contact")}
	p := recoverPage{Example: s.exampleTrackingNo(c), TrackingNo: strings.TrimSpace(b.TrackingNo), IDNumber: strings.TrimSpace(b.IDNumber), Contact: strings.TrimSpace(b.Contact)}
	if err := b.check(); err != nil {
		var e *cases.Error
		errors.As(err, &e)
		p.Errors = e.Fields
		if l == langEN {
			p.Errors = e.FieldsEN
		}
		for _, k := range []string{"tracking_no", "id_number", "contact"} {
			if m := p.Errors[k]; m != "" {
				p.Summary = append(p.Summary, summaryItem{Target: "recover-" + strings.ReplaceAll(k, "_", "-"), Message: m})
			}
		}
		s.render(c, http.StatusUnprocessableEntity, "public/recover", "recover.title", p)
		return
	}
	wait, err := s.recoverAccess(c.Request.Context(), clientAddr(c), b)
	if err != nil {
		status := statusOf[cases.ErrorCode(err)]
		if status == http.StatusTooManyRequests {
			retryAfter(c, wait)
			p.Alert = cases.ErrorMessage(err, l)
			s.render(c, status, "public/recover", "recover.title", p)
			return
		}
		s.errorPage(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "public/recover", "recover.title", recoverPage{TrackingNo: p.TrackingNo, Sent: recoverSentMessage(l)})
}
