package web

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// The public part of the JSON API (docs/api.md "JSON API", public): the same rules as the
// pages — validation, the per-address submission limit, upload limits, the tracking throttle.

//go:embed openapi.yaml
var openapiYAML []byte

const maxJSONBody = 256 << 10

func (s *Server) publicAPIRoutes(g *gin.RouterGroup) {
	g.GET("/openapi.yaml", s.openapi)
	g.GET("/agencies", s.apiAgencies)
	g.POST("/applications", s.apiApply)
	g.POST("/applications/:tracking_no/files", s.apiUpload)
	g.GET("/track/:tracking_no", s.apiTrack)
	g.POST("/track/recover", s.apiRecover)
	g.POST("/track/:tracking_no/events", s.apiTrackEvent)
	g.GET("/track/:tracking_no/documents/:doc_id", s.apiTrackDocument)
}

func (s *Server) openapi(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", openapiYAML)
}

// apiAgencies: GET /agencies → [{code, name}].
func (s *Server) apiAgencies(c *gin.Context) {
	as, err := s.db.Agencies(c.Request.Context())
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := make([]agencyRef, len(as))
	for i, a := range as {
		out[i] = agencyRef{a.Code, a.Name}
	}
	c.JSON(http.StatusOK, out)
}

// decodeJSON reads a JSON body into v, refusing unknown fields, trailing data and invalid
// UTF-8 (readBody).
func decodeJSON(c *gin.Context, v any) error { return readBody(c, v, maxJSONBody) }

// apiApply: POST /applications → 201 {id, tracking_no, access_code, state}.
func (s *Server) apiApply(c *gin.Context) {
	ctx := c.Request.Context()
	var app cases.Application
	if err := decodeJSON(c, &app); err != nil {
		s.apiError(c, err)
		return
	}
	app.Channel, app.ReceivedOn = "", cases.Date{}
	sub, err := s.checkSubmission(ctx, app, nil, nil)
	if err != nil {
		s.apiError(c, err)
		return
	}
	kase, code, _, err := s.storeSubmission(ctx, c.ClientIP(), sub)
	if err != nil {
		var rl *rateLimited
		if errors.As(err, &rl) {
			retryAfter(c, rl.wait)
			s.apiError(c, cases.E(cases.ERATELIMIT, "提交过于频繁，请稍后再试。", "Too many submissions from this address; please try again later."))
			return
		}
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/track/"+kase.TrackingNo)
	c.JSON(http.StatusCreated, gin.H{"id": kase.ID, "tracking_no": kase.TrackingNo, "access_code": code, "state": kase.State})
}

// apiAccess looks up the path's case with the X-Access-Code header; on failure it answers (404
// or 429 with Retry-After) and returns nil.
func (s *Server) apiAccess(c *gin.Context) *cases.Case {
	kase, wait, err := s.accessCase(c.Request.Context(), c.ClientIP(), c.Param("tracking_no"), c.GetHeader("X-Access-Code"))
	if err != nil {
		if cases.ErrorCode(err) == cases.ERATELIMIT {
			retryAfter(c, wait)
		}
		s.apiError(c, err)
		return nil
	}
	c.Header("Cache-Control", "no-store")
	return kase
}

// apiUpload: POST /applications/{tracking_no}/files (multipart) → 201 {documents}.
func (s *Server) apiUpload(c *gin.Context) {
	kase := s.apiAccess(c)
	if kase == nil {
		return
	}
	ctx := c.Request.Context()
	agency := s.caseAgency(ctx, kase)
	limit := agency.Settings.UploadLimit
	pf, err := readPostedForm(c.Writer, c.Request, limit)
	if err != nil {
		var ue *uploadError
		if errors.As(err, &ue) {
			s.apiError(c, ue.field(keyFile))
			return
		}
		s.apiError(c, cases.E(cases.EINVALID, "请以multipart/form-data格式上传文件。", "Send the files as multipart/form-data."))
		return
	}
	if err := checkFormValues(pf.Values); err != nil {
		s.apiError(c, err)
		return
	}
	files, fileErr := pf.checkedFiles(limit)
	if fileErr == nil && len(files) == 0 {
		fileErr = &uploadError{"请选择要上传的文件。", "Attach at least one file."}
	}
	if fileErr != nil {
		s.apiError(c, fileErr.field(keyFile))
		return
	}
	docs, err := s.storeUploads(ctx, kase.ID, files, "apply.doc.proof")
	if err != nil {
		s.apiError(c, err)
		return
	}
	l := lang(c)
	out := make([]documentView, len(docs))
	for i, d := range docs {
		out[i] = documentView{ID: d.ID, Kind: d.Kind, Title: applicantDocTitle(d, l), Filename: d.Filename, ContentType: d.ContentType,
			Size: d.Size, SHA256: d.SHA256, CreatedAt: d.CreatedAt, URL: fmt.Sprintf("/api/v1/track/%s/documents/%d", kase.TrackingNo, d.ID)}
	}
	c.JSON(http.StatusCreated, gin.H{"documents": out})
}

// apiTrack: GET /track/{tracking_no} → the applicant's view.
func (s *Server) apiTrack(c *gin.Context) {
	kase := s.apiAccess(c)
	if kase == nil {
		return
	}
	c.JSON(http.StatusOK, s.buildTrackView(kase, s.caseAgency(c.Request.Context(), kase), lang(c)))
}

// applicantEventBody is the body of POST /track/{tracking_no}/events.
type applicantEventBody struct {
	Event  cases.EventName `json:"event"`
	Text   string          `json:"text,omitempty"`
	Files  []int64         `json:"files,omitempty"`
	Reason string          `json:"reason,omitempty"`
}

// apiTrackEvent: POST /track/{tracking_no}/events → submit_correction {text, files?} or
// withdraw {reason?}; 200 the applicant's view.
func (s *Server) apiTrackEvent(c *gin.Context) {
	kase := s.apiAccess(c)
	if kase == nil {
		return
	}
	ctx := c.Request.Context()
	var body applicantEventBody
	if err := decodeJSON(c, &body); err != nil {
		s.apiError(c, err)
		return
	}
	payload := map[string]any{}
	switch body.Event {
	case cases.EventSubmitCorrection:
		if len([]rune(body.Text)) > maxCorrection {
			s.apiError(c, oneFieldError("text", fmt.Sprintf("补正内容不得超过%d个字。", maxCorrection), fmt.Sprintf("The correction may not exceed %d characters.", maxCorrection)))
			return
		}
		for _, id := range body.Files {
			if !isApplicantUpload(kase, id) {
				s.apiError(c, oneFieldError("files", "所列文件不是本申请已上传的文件。", "A listed file is not a file uploaded to this application."))
				return
			}
		}
		payload["text"] = body.Text
		if len(body.Files) > 0 {
			payload["files"] = body.Files
		}
	case cases.EventWithdraw:
		if len([]rune(body.Reason)) > maxReasonLen {
			s.apiError(c, oneFieldError("reason", fmt.Sprintf("撤回理由不得超过%d个字。", maxReasonLen), fmt.Sprintf("The reason may not exceed %d characters.", maxReasonLen)))
			return
		}
		if body.Reason != "" {
			payload["reason"] = body.Reason
		}
	case "":
		s.apiError(c, oneFieldError("event", "请指定操作：submit_correction或withdraw。", "Name the event: submit_correction or withdraw."))
		return
	}
	raw, _ := json.Marshal(payload)
	// Any other event goes to the workflow, which refuses it (422 unknown, 403 not the applicant's).
	after, err := s.db.TransitionCase(ctx, kase.ID, cases.EventRequest{Event: body.Event, Payload: raw}, applicantActor, s.now())
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.buildTrackView(after, s.caseAgency(ctx, after), lang(c)))
}

// isApplicantUpload reports whether id is a file the applicant uploaded to kase.
func isApplicantUpload(kase *cases.Case, id int64) bool {
	for _, d := range kase.Documents {
		if d.ID == id && d.Kind == cases.DocUpload && d.Applicant {
			return true
		}
	}
	return false
}

func oneFieldError(field, zh, en string) error {
	var f cases.FieldErrors
	f.Add(field, zh, en)
	e := f.Err().(*cases.Error)
	e.Message, e.MessageEN = zh, en
	return e
}

// apiTrackDocument: GET /track/{tracking_no}/documents/{doc_id} → the file.
func (s *Server) apiTrackDocument(c *gin.Context) {
	kase := s.apiAccess(c)
	if kase == nil {
		return
	}
	s.sendApplicantDocument(c, kase, c.Param("doc_id"), func(err error) { s.apiError(c, err) })
}
