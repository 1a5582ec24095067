package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// The tracking pages: tracking number + access code → the case in plain words (docs/design.md
// "Users"). The code is posted once; the browser then holds a short-lived cookie naming the case,
// signed with the case's stored code hash (so any instance can check it and a new code would
// void it). A wrong code and an unknown number get the same answer after the same delay;
// repeated failures from one address are refused with 429 for every number.

const (
	trackCookieName = "foidesk_track"
	maxReasonLen    = 500  // characters of a withdrawal reason
	maxCorrection   = 5000 // characters of a correction's text
)

// errTrackNotFound is the one answer to an unknown number and a wrong code.
func errTrackNotFound() error {
	return cases.E(cases.ENOTFOUND, "申请编号或查询码不正确。", "The tracking number or the access code is wrong.")
}

// errThrottled is the answer to an address that failed too often.
func errThrottled() error {
	return cases.E(cases.ERATELIMIT, "查询失败次数过多，请稍后再试。", "Too many failed attempts; please try again later.")
}

// normalizeTracking cleans a typed tracking number and access code.
func normalizeTracking(no, code string) (string, string) {
	clean := func(s string) string {
		return strings.ToUpper(strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '\u3000' || r == '\t' {
				return -1
			}
			if r >= 0xFF01 && r <= 0xFF5E { // full-width forms typed by an input method
				return r - 0xFEE0
			}
			return r
		}, s))
	}
	return clean(no), clean(code)
}

// accessCase looks a case up by number and code under the throttle: ERATELIMIT (with the wait)
// when the address failed too often, the one ENOTFOUND after the constant delay otherwise.
func (s *Server) accessCase(ctx context.Context, ip, no, code string) (*cases.Case, time.Duration, error) {
	start := time.Now()
	if throttled, wait := s.public.trackThrottled(ip); throttled {
		return nil, wait, errThrottled()
	}
	no, code = normalizeTracking(no, code)
	var kase *cases.Case
	var err error
	if no != "" && code != "" {
		kase, err = s.db.AccessCase(ctx, no, code)
	} else {
		err = errTrackNotFound()
	}
	if err != nil {
		if cases.ErrorCode(err) != cases.ENOTFOUND {
			return nil, 0, err
		}
		s.public.trackFailed(ctx, ip, start)
		return nil, 0, errTrackNotFound()
	}
	return kase, 0, nil
}

func trackMAC(codeHash, no string, exp int64) string {
	m := hmac.New(sha256.New, []byte(codeHash))
	fmt.Fprintf(m, "foidesk-track|%s|%d", no, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// setTrackCookie lets this browser see case no for trackCookieTTL.
func (s *Server) setTrackCookie(c *gin.Context, no, codeHash string) {
	exp := s.public.now().Add(trackCookieTTL).Unix()
	v := base64.RawURLEncoding.EncodeToString([]byte(no)) + "." + strconv.FormatInt(exp, 10) + "." + trackMAC(codeHash, no, exp)
	http.SetCookie(c.Writer, &http.Cookie{Name: trackCookieName, Value: v, Path: "/track", MaxAge: int(trackCookieTTL.Seconds()),
		HttpOnly: true, Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func clearTrackCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: trackCookieName, Value: "", Path: "/track", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// trackedCase returns the case of the path's number when this browser's cookie opens it, filled
// with its documents and events, and renews the cookie. Otherwise it sends the browser to the
// look-up form and returns nil.
func (s *Server) trackedCase(c *gin.Context) *cases.Case {
	no := c.Param("no")
	fail := func() *cases.Case {
		c.Redirect(http.StatusSeeOther, "/track?no="+url.QueryEscape(no))
		c.Abort()
		return nil
	}
	ck, err := c.Cookie(trackCookieName)
	if err != nil {
		return fail()
	}
	parts := strings.Split(ck, ".")
	if len(parts) != 3 {
		return fail()
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || err2 != nil || string(b) != no || s.public.now().Unix() > exp {
		return fail()
	}
	kase, err := s.db.CaseByTracking(c.Request.Context(), no)
	if err != nil || kase.AccessCodeHash == "" || !hmac.Equal([]byte(parts[2]), []byte(trackMAC(kase.AccessCodeHash, no, exp))) {
		return fail()
	}
	s.setTrackCookie(c, no, kase.AccessCodeHash)
	return kase
}

// exampleTrackingNo is a tracking number as the deployment's (first) agency writes them this year:
// its prefix, the year and a 6-digit serial.
func (s *Server) exampleTrackingNo(c *gin.Context) string {
	prefix := cases.DefaultSettings().TrackingPrefix
	var a cases.Agency
	if as, err := s.db.Agencies(c.Request.Context()); err == nil && len(as) > 0 {
		a = as[0]
		a.Settings = a.Settings.WithDefaults()
		prefix = a.Settings.TrackingPrefix
	}
	return fmt.Sprintf("%s%d000001", prefix, cases.DateOf(s.now(), a.Settings.Location()).Year())
}

// trackFormPage is the look-up form.
type trackFormPage struct {
	Example    string // an example tracking number with the agency's prefix and this year
	TrackingNo string
	Error      string
	Left       bool
}

func (s *Server) trackForm(c *gin.Context) {
	s.render(c, http.StatusOK, "public/track", "track.title", trackFormPage{Example: s.exampleTrackingNo(c), TrackingNo: c.Query("no"), Left: c.Query("left") != ""})
}

// trackLookup checks the posted number and code and opens the case page.
func (s *Server) trackLookup(c *gin.Context) {
	no, code := c.PostForm("tracking_no"), c.PostForm("access_code")
	kase, wait, err := s.accessCase(c.Request.Context(), c.ClientIP(), no, code)
	if err != nil {
		status := statusOf[cases.ErrorCode(err)]
		if status == http.StatusTooManyRequests {
			retryAfter(c, wait)
		}
		if status == http.StatusInternalServerError {
			s.errorPage(c, err)
			return
		}
		s.render(c, status, "public/track", "track.title", trackFormPage{Example: s.exampleTrackingNo(c), TrackingNo: strings.TrimSpace(no), Error: cases.ErrorMessage(err, lang(c))})
		return
	}
	s.setTrackCookie(c, kase.TrackingNo, kase.AccessCodeHash)
	c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(kase.TrackingNo))
}

// trackPage is the case page.
type trackPage struct {
	View       trackView
	Submitted  string // the submission instant in the agency's time zone
	Docs       []pubDocRow
	Timeline   []pubTimelineRow
	Flash      string
	UploadMB   string
	Correction correctionForm
	Upload     correctionForm
	ShowUpload bool
}

// pubDocRow is a document as the page lists it.
type pubDocRow struct {
	Title, Number, When, Href, Filename, Size string
}

// pubTimelineRow is an event as the page lists it.
type pubTimelineRow struct {
	When, By, Label, Detail string
	Docs                    []pubDocRow
}

// pubSizeText writes a byte count for people.
func pubSizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// pageRows formats the view's documents and timeline in the agency's time zone.
func pageRows(v trackView, loc *time.Location, l string) ([]pubDocRow, []pubTimelineRow) {
	docs := make([]pubDocRow, 0, len(v.Documents))
	byID := map[int64]pubDocRow{}
	for _, d := range v.Documents {
		size := pubSizeText(d.Size)
		if d.SHA256 == "" && d.Size == 0 { // a letter the renderer has not got to yet (opening it renders it)
			size = T(l, "case.doc.pending")
		}
		r := pubDocRow{Title: d.Title, Number: d.Number, When: d.CreatedAt.In(loc).Format("2006-01-02"), Href: d.Href, Filename: d.Filename, Size: size}
		docs = append(docs, r)
		byID[d.ID] = r
	}
	tl := make([]pubTimelineRow, 0, len(v.Timeline))
	for _, e := range v.Timeline {
		r := pubTimelineRow{When: e.At.In(loc).Format("2006-01-02 15:04"), By: e.By, Label: e.Label, Detail: e.Detail}
		for _, id := range e.Documents {
			if d, ok := byID[id]; ok {
				r.Docs = append(r.Docs, d)
			}
		}
		tl = append(tl, r)
	}
	return docs, tl
}

// correctionForm is the state of the correction (or upload) form: what was typed and what is
// wrong.
type correctionForm struct {
	Text      string
	TextError string
	FileError string
	Summary   []summaryItem
}

func (s *Server) caseAgency(ctx context.Context, kase *cases.Case) cases.Agency {
	a, err := s.db.Agency(ctx, kase.AgencyID)
	if err != nil {
		return cases.Agency{Code: kase.Agency, Settings: cases.DefaultSettings()}
	}
	a.Settings = a.Settings.WithDefaults()
	return a
}

func (s *Server) renderTrackCase(c *gin.Context, status int, kase *cases.Case, corr, up correctionForm) {
	l := lang(c)
	agency := s.caseAgency(c.Request.Context(), kase)
	p := trackPage{View: s.buildTrackView(kase, agency, l), UploadMB: megabytes(agency.Settings.UploadLimit), Correction: corr, Upload: up}
	loc := agency.Settings.Location()
	p.Docs, p.Timeline = pageRows(p.View, loc, l)
	p.Submitted = kase.CreatedAt.In(loc).Format("2006-01-02 15:04")
	p.ShowUpload = kase.State == cases.StateSubmitted || cases.IsOpen(kase.State)
	switch c.Query("done") {
	case "correction":
		p.Flash = T(l, "track.flash.correction")
	case "withdrawn":
		p.Flash = T(l, "track.flash.withdrawn")
	case "files":
		p.Flash = T(l, "track.flash.files")
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "public/track_case", "track.case.title", p)
}

func (s *Server) trackCase(c *gin.Context) {
	kase := s.trackedCase(c)
	if kase == nil {
		return
	}
	s.renderTrackCase(c, http.StatusOK, kase, correctionForm{}, correctionForm{})
}

// trackDocument downloads a document addressed to the applicant.
func (s *Server) trackDocument(c *gin.Context) {
	kase := s.trackedCase(c)
	if kase == nil {
		return
	}
	s.sendApplicantDocument(c, kase, c.Param("doc"), func(err error) { s.errorPage(c, err) })
}

// sendApplicantDocument writes document id of kase if it is addressed to the applicant.
func (s *Server) sendApplicantDocument(c *gin.Context, kase *cases.Case, id string, fail func(error)) {
	docID, err := strconv.ParseInt(id, 10, 64)
	notFound := cases.E(cases.ENOTFOUND, "文件不存在。", "There is no such document.")
	if err != nil {
		fail(notFound)
		return
	}
	d, err := s.db.Document(c.Request.Context(), kase.ID, docID)
	if err != nil || !d.Applicant {
		if err != nil && cases.ErrorCode(err) != cases.ENOTFOUND {
			fail(err)
			return
		}
		fail(notFound)
		return
	}
	ct := d.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", contentDisposition(d.Filename))
	c.Data(http.StatusOK, ct, d.Body)
}

// contentDisposition names a download, with an ASCII fallback and the UTF-8 name (RFC 6266).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

// trackCorrection answers a correction request (Art. 30): text and files; fires submit_correction.
func (s *Server) trackCorrection(c *gin.Context) {
	kase := s.trackedCase(c)
	if kase == nil {
		return
	}
	ctx := c.Request.Context()
	l := lang(c)
	agency := s.caseAgency(ctx, kase)
	form := correctionForm{}
	pf := s.readPublicForm(c, agency.Settings.UploadLimit)
	if pf == nil {
		return
	}
	form.Text = strings.TrimSpace(pf.Values.Get("text"))
	files, fileErr := pf.checkedFiles(agency.Settings.UploadLimit)
	if fileErr != nil {
		form.FileError = pickLang(l, fileErr.zh, fileErr.en)
	}
	switch {
	case form.Text == "" && len(files) == 0 && fileErr == nil:
		form.TextError = T(l, "track.correct.empty")
	case len([]rune(form.Text)) > maxCorrection:
		form.TextError = T(l, "track.correct.long", maxCorrection)
	}
	if kase.State != cases.StateAwaitingCorrection {
		s.errorPage(c, cases.E(cases.ECONFLICT, "该申请当前无需补正。", "This application is not awaiting a correction."))
		return
	}
	if form.TextError != "" || form.FileError != "" {
		form.Summary = correctionSummary(form)
		s.renderTrackCase(c, http.StatusUnprocessableEntity, kase, form, correctionForm{})
		return
	}
	docs, err := s.storeUploads(ctx, kase.ID, files, "track.doc.correction")
	if err != nil {
		s.errorPage(c, err)
		return
	}
	ids := make([]int64, 0, len(docs))
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	payload, _ := json.Marshal(map[string]any{"text": form.Text, "files": ids})
	if _, err := s.db.TransitionCase(ctx, kase.ID, cases.EventRequest{Event: cases.EventSubmitCorrection, Payload: payload}, applicantActor, s.now()); err != nil {
		var e *cases.Error
		if errors.As(err, &e) && e.Code == cases.EINVALID {
			form.TextError = cases.ErrorMessage(err, l)
			form.Summary = correctionSummary(form)
			s.renderTrackCase(c, http.StatusUnprocessableEntity, kase, form, correctionForm{})
			return
		}
		s.errorPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(kase.TrackingNo)+"?done=correction")
}

func correctionSummary(f correctionForm) []summaryItem {
	var out []summaryItem
	if f.TextError != "" {
		out = append(out, summaryItem{Target: "correction-text", Message: f.TextError})
	}
	if f.FileError != "" {
		out = append(out, summaryItem{Target: "correction-file", Message: f.FileError})
	}
	return out
}

func pickLang(lang, zh, en string) string {
	if lang == langEN {
		return en
	}
	return zh
}

// trackUpload adds identity proof (or other material) to an open case.
func (s *Server) trackUpload(c *gin.Context) {
	kase := s.trackedCase(c)
	if kase == nil {
		return
	}
	ctx := c.Request.Context()
	l := lang(c)
	agency := s.caseAgency(ctx, kase)
	form := correctionForm{}
	pf := s.readPublicForm(c, agency.Settings.UploadLimit)
	if pf == nil {
		return
	}
	files, fileErr := pf.checkedFiles(agency.Settings.UploadLimit)
	switch {
	case fileErr != nil:
		form.FileError = pickLang(l, fileErr.zh, fileErr.en)
	case len(files) == 0:
		form.FileError = T(l, "track.upload.empty")
	}
	if form.FileError != "" {
		form.Summary = []summaryItem{{Target: "upload-file", Message: form.FileError}}
		s.renderTrackCase(c, http.StatusUnprocessableEntity, kase, correctionForm{}, form)
		return
	}
	if _, err := s.storeUploads(ctx, kase.ID, files, "apply.doc.proof"); err != nil {
		var e *cases.Error
		if errors.As(err, &e) && e.Code == cases.EINVALID { // beyond the case's quota
			form.FileError = pickLang(l, e.Fields["file"], e.FieldsEN["file"])
			form.Summary = []summaryItem{{Target: "upload-file", Message: form.FileError}}
			s.renderTrackCase(c, http.StatusUnprocessableEntity, kase, correctionForm{}, form)
			return
		}
		s.errorPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(kase.TrackingNo)+"?done=files")
}

// withdrawPage confirms a withdrawal.
type withdrawPage struct {
	TrackingNo string
	State      string
	Submitted  bool
}

func (s *Server) trackWithdrawConfirm(c *gin.Context) {
	kase := s.trackedCase(c)
	if kase == nil {
		return
	}
	s.render(c, http.StatusOK, "public/track_withdraw", "withdraw.title", withdrawPage{TrackingNo: kase.TrackingNo, State: string(kase.State), Submitted: kase.State == cases.StateSubmitted})
}

// trackWithdraw withdraws the application (fires withdraw) after the confirmation step.
func (s *Server) trackWithdraw(c *gin.Context) {
	kase := s.trackedCase(c)
	if kase == nil {
		return
	}
	if c.PostForm("confirm") != "yes" {
		c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(kase.TrackingNo)+"/withdraw")
		return
	}
	body := map[string]any{}
	if r := []rune(strings.TrimSpace(c.PostForm("reason"))); len(r) > 0 {
		body["reason"] = string(r[:min(len(r), maxReasonLen)])
	}
	payload, _ := json.Marshal(body)
	if _, err := s.db.TransitionCase(c.Request.Context(), kase.ID, cases.EventRequest{Event: cases.EventWithdraw, Payload: payload}, applicantActor, s.now()); err != nil {
		s.errorPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/track/"+url.PathEscape(kase.TrackingNo)+"?done=withdrawn")
}

// trackLeave forgets the case in this browser.
func (s *Server) trackLeave(c *gin.Context) {
	clearTrackCookie(c)
	c.Redirect(http.StatusSeeOther, "/track?left=1")
}
