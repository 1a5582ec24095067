package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
	"foidesk/workflow"
)

// casePageData is everything the case page shows: the applicant, the request, the dates and
// the deadline with its explanation, the timeline, the documents, the notes, and one form per
// action the user may take now (workflow.Allowed).
type casePageData struct {
	Case        *cases.Case
	Access      []accessRow // the latest views of the case, for supervisors (web/accesslog.go)
	Lang        string
	Agency      cases.Agency
	Row         queueRow
	Explain     []string
	Timeline    []staffEventRow
	Documents   []staffDocRow
	Uploads     []staffDocRow
	Notes       []noteRow
	Actions     []actionView
	Clerks      []cases.User
	Me          string
	Outcomes    []outcomeGroup
	Siblings    []cases.Agency
	Draft       *draftView
	Fee         feeInfo
	Today       cases.Date
	Version     int
	Flash       string
	Error       string
	Fields      map[string]string
	Failed      string // the action whose form was submitted and refused
	Input       url.Values
	UploadLimit string
	Parties     []cases.Party
	// Earlier are the applicant's earlier concluded cases asking for the same information
	// (重复申请, Art. 36(六); docs/rules.md §8), shown at registration and when drafting.
	Earlier []cases.EarlierRequest

	// ProofDocs are the files uploaded to the case, offered as the scanned proof of a delivery
	// (record_delivery); DeliveryProof is the proof of the recorded delivery.
	ProofDocs     []staffDocRow
	DeliveryProof *proofView

	// Unavailable are the actions the user's role allows whose guards fail today (an overdue case
	// is not offered an extension): shown with the reason instead of a form (workflow.Unavailable).
	Unavailable []unavailableView
	// Review is the approval's confirmation step: the letter to be issued, embedded, and the
	// final button (caseEvent without confirm).
	Review bool
	// Phrases are the agency's phrases per outcome (Settings.Phrases), offered on the draft form.
	Phrases []phraseGroup

	DefaultAssignee string // accept: the clerk themself
	OutcomeLabel    string
	CanUpload       bool
	PartyKinds      cases.CodeList
	Answers         cases.CodeList
	FeeBases        cases.CodeList
	DeliveryWays    cases.CodeList
	ProofKinds      cases.CodeList
	RemedyKinds     cases.CodeList
	OrgCategories   cases.CodeList
	RemedyResults   cases.CodeList
}

type phraseGroup struct {
	Label   string
	Phrases []string
}

type unavailableView struct{ Event, Label, Reason string }

type actionView struct {
	Event string
	Label string
	Open  bool
}

type staffEventRow struct {
	Seq       int
	At        string
	Actor     string
	Event     string
	Label     string
	From, To  string
	Changed   bool
	DueBefore cases.Date
	DueAfter  cases.Date
	DueMoved  bool
	Details   []staffKV
	Proof     *proofView // record_delivery's proof
}

// proofView is a delivery proof as the case page shows it: the kind, the number, and a link to
// the scanned document.
type proofView struct {
	Kind     string
	Number   string
	DocTitle string
	DocURL   string
}

// newProofView labels a delivery proof; nil for none.
func newProofView(p *cases.DeliveryProof, l string, caseID int64, docTitle map[int64]string) *proofView {
	if p == nil {
		return nil
	}
	v := &proofView{Kind: cases.ProofKinds.Label(p.Kind, l), Number: p.Number}
	if p.DocumentID != 0 {
		v.DocURL = fmt.Sprintf("/staff/cases/%d/documents/%d", caseID, p.DocumentID)
		if v.DocTitle = docTitle[p.DocumentID]; v.DocTitle == "" {
			v.DocTitle = "#" + strconv.FormatInt(p.DocumentID, 10)
		}
	}
	return v
}

type staffKV struct{ K, V string }

type staffDocRow struct {
	ID          int64
	Kind        string
	Number      string
	Title       string
	Filename    string
	Created     string
	Size        string
	Warnings    []string
	ToApplicant bool
	URL         string
}

type noteRow struct {
	At, Actor, Text string
}

type outcomeOpt struct{ Code, Label string }

type outcomeGroup struct {
	Label   string
	Options []outcomeOpt
}

type draftView struct {
	Outcome           string
	Reasons           string
	LegalBasis        string
	ResponsibleAgency string
	WherePublic       string
	Documents         []string
	DraftedBy         string
}

type feeInfo struct {
	MonthCount int
	PerRequest int
	Preview    *cases.Fee
}

// In returns the submitted value of a field of the refused action form, or def.
func (d *casePageData) In(event, field, def string) string {
	if d.Failed == event && d.Input != nil {
		if _, ok := d.Input[field]; ok {
			return d.Input.Get(field)
		}
	}
	return def
}

// InAt returns the i-th submitted value of a repeated field of the refused action form.
func (d *casePageData) InAt(event, field string, i int) string {
	if d.Failed == event && d.Input != nil {
		return formAt(d.Input[field], i)
	}
	return ""
}

// Checked reports whether value was among the submitted values of field.
func (d *casePageData) Checked(event, field, value string) bool {
	return d.Failed == event && d.Input != nil && slices.Contains(d.Input[field], value)
}

// Err returns the error of a field of the refused action form.
func (d *casePageData) Err(event, field string) string {
	if d.Failed != event {
		return ""
	}
	return d.Fields[field]
}

// Rows returns n indexes for repeated form rows.
func (d *casePageData) Rows(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func (s *Server) casePage(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d, err := s.caseData(c, cs)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if sm := sessions(c); sm != nil {
		d.Flash = sm.PopString(c.Request.Context(), "flash")
	}
	s.recordView(c, cs, "case_page") // the page shows identity numbers and contacts (web/accesslog.go)
	d.Access = s.accessRows(c, cs, d.Agency.Settings.Location())
	s.render(c, http.StatusOK, "staff/case", "case.title", d)
}

// caseData builds the case page for the current user.
func (s *Server) caseData(c *gin.Context, cs *cases.Case) (*casePageData, error) {
	ctx := c.Request.Context()
	l := lang(c)
	u, _ := currentUser(c)
	a, err := s.db.Agency(ctx, cs.AgencyID)
	if err != nil {
		return nil, err
	}
	a.Settings = a.Settings.WithDefaults()
	loc := a.Settings.Location()
	today := s.staffToday(a)
	cal := s.db.Calendar()
	d := &casePageData{Case: cs, Lang: l, Agency: a, Row: s.rowOf(cs, today), Today: today, Version: cs.Version, Me: u.Username,
		Parties: cs.Parties, UploadLimit: fmt.Sprintf("%.0f", float64(a.Settings.UploadLimit)/(1<<20)),
		PartyKinds: cases.ConsultPartyKinds, Answers: cases.ConsultAnswers, FeeBases: cases.FeeBases, DeliveryWays: cases.DeliveryWays, ProofKinds: cases.ProofKinds,
		RemedyKinds: cases.RemedyKinds, RemedyResults: cases.RemedyResults, OrgCategories: cases.OrgCategories,
		CanUpload: cs.State != cases.StateDiscarded && cs.State != cases.StateArchived}
	if cs.State == cases.StateSubmitted || cases.IsOpen(cs.State) {
		if d.Earlier, err = s.db.EarlierRequests(ctx, cs.AgencyID, cs.Applicant.IDType, cs.Applicant.IDNumber, cs.Description, cs.ID); err != nil {
			return nil, err
		}
	}
	if u.Actor().Has(cases.RoleClerk) {
		d.DefaultAssignee = u.Username
	}
	if o, ok := cases.FindOutcome(cs.Outcome); ok {
		d.OutcomeLabel = outcomeLabel(o, l)
	}
	ex := workflow.ExplainReply(cs, cal)
	if l == langEN {
		d.Explain = ex.LinesEN()
	} else {
		d.Explain = ex.Lines()
	}
	docTitle := map[int64]string{}
	uploader := map[int]string{} // event seq → actor
	for _, ev := range cs.Events {
		uploader[ev.Seq] = ev.Actor
	}
	for _, doc := range cs.Documents {
		size := staffFileSize(doc.Size)
		if doc.SHA256 == "" && doc.Size == 0 { // a letter the renderer has not got to yet (opening it renders it)
			size = T(l, "case.doc.pending")
		}
		r := staffDocRow{ID: doc.ID, Kind: cases.DocKinds.Label(doc.Kind, l), Number: doc.Number, Title: doc.Title, Filename: doc.Filename,
			Created: doc.CreatedAt.In(loc).Format("2006-01-02 15:04"), Size: size, ToApplicant: doc.Applicant,
			URL: fmt.Sprintf("/staff/cases/%d/documents/%d", cs.ID, doc.ID)}
		for _, w := range strings.Split(doc.Warnings, "\n") {
			if w = strings.TrimSpace(w); w != "" {
				r.Warnings = append(r.Warnings, w)
			}
		}
		docTitle[doc.ID] = doc.Title
		d.Documents = append(d.Documents, r)
		if doc.Kind == cases.DocUpload && doc.ForRelease {
			d.Uploads = append(d.Uploads, r)
		}
		if doc.Kind == cases.DocUpload && uploader[doc.EventSeq] != applicantActor.Name {
			d.ProofDocs = append(d.ProofDocs, r) // staff's scans, not the applicant's own files
		}
	}
	for _, ev := range cs.Events {
		row := staffEventRow{Seq: ev.Seq, At: ev.At.In(loc).Format("2006-01-02 15:04"), Actor: ev.Actor, Event: string(ev.Event), Label: eventLabel(ev.Event, l),
			From: string(ev.FromState), To: string(ev.ToState), Changed: ev.FromState != ev.ToState,
			DueBefore: ev.ReplyDueBefore, DueAfter: ev.ReplyDueAfter, DueMoved: !ev.ReplyDueBefore.Equal(ev.ReplyDueAfter)}
		row.Details = payloadDetails(ev.Payload, l, docTitle)
		if ev.Event == cases.EventRecordDelivery {
			row.Proof = newProofView(cases.ProofOf(ev.Payload), l, cs.ID, docTitle)
		}
		d.Timeline = append(d.Timeline, row)
		if ev.Event == cases.EventAddNote {
			var p struct {
				Text string `json:"text"`
			}
			_ = json.Unmarshal(ev.Payload, &p)
			d.Notes = append(d.Notes, noteRow{At: row.At, Actor: ev.Actor, Text: p.Text})
		}
	}
	slices.Reverse(d.Timeline)
	if !cs.DeliveredOn.IsZero() {
		d.DeliveryProof = newProofView(cases.DeliveryProofOf(cs.Events), l, cs.ID, docTitle)
	}
	allowed := workflow.Allowed(cs, u.Actor())
	unav := workflow.Unavailable(cs, u.Actor(), allowed, workflow.Env{Now: s.now(), Today: today, Cal: cal, Settings: a.Settings})
	for _, e := range allowed {
		if err, ok := unav[e]; ok {
			d.Unavailable = append(d.Unavailable, unavailableView{Event: string(e), Label: eventLabel(e, l), Reason: cases.ErrorMessage(err, l)})
			continue
		}
		d.Actions = append(d.Actions, actionView{Event: string(e), Label: eventLabel(e, l)})
	}
	slices.SortStableFunc(d.Unavailable, func(a, b unavailableView) int { return actionRank(a.Event) - actionRank(b.Event) })
	slices.SortStableFunc(d.Actions, func(a, b actionView) int { return actionRank(a.Event) - actionRank(b.Event) })
	if d.Clerks, err = s.clerksOf(ctx, cs.AgencyID); err != nil {
		return nil, err
	}
	d.Outcomes = outcomeGroups(l, !cs.Clock.CorrectedOn.IsZero())
	for _, o := range cases.Outcomes {
		if ps := a.Settings.Phrases[o.Code]; len(ps) > 0 {
			d.Phrases = append(d.Phrases, phraseGroup{Label: outcomeLabel(o, l), Phrases: ps})
		}
	}
	if all, err := s.db.Agencies(ctx); err == nil {
		for _, x := range all {
			if x.ID != cs.AgencyID {
				d.Siblings = append(d.Siblings, x)
			}
		}
	}
	if dr := cs.Draft; dr != nil {
		o, _ := cases.FindOutcome(dr.Outcome)
		v := &draftView{Outcome: outcomeLabel(o, l), Reasons: dr.Reasons, LegalBasis: dr.LegalBasis, ResponsibleAgency: dr.ResponsibleAgency,
			WherePublic: dr.WherePublic, DraftedBy: dr.DraftedBy}
		for _, id := range dr.Documents {
			t := docTitle[id]
			if t == "" {
				t = "#" + strconv.FormatInt(id, 10)
			}
			v.Documents = append(v.Documents, t)
		}
		d.Draft = v
	}
	if slices.ContainsFunc(d.Actions, func(a actionView) bool { return a.Event == string(cases.EventRequestFee) }) {
		n, err := s.db.MonthCount(ctx, cs)
		if err != nil {
			return nil, err
		}
		d.Fee = feeInfo{MonthCount: n, PerRequest: workflow.PerRequestRate(n)}
	}
	return d, nil
}

// actionOrder is the order the case page shows the allowed actions in (each event's
// workflow.Spec.Rank): the usual next steps first, the rarely used ones (withdrawal,
// reassignment, notes, remedies) last.
var actionOrder = workflow.StaffActions()

func actionRank(e string) int { return workflow.ActionRank(cases.EventName(e)) }

func outcomeLabel(o cases.Outcome, l string) string {
	if l == langEN {
		return o.EN
	}
	return o.Label()
}

// outcomeGroups is the outcome catalogue for the draft form, grouped as table 三; the lapse
// outcomes (recorded only by their lapse events) are left out, and 补正后仍不明确 is offered
// only after a correction was received (Art. 30).
func outcomeGroups(l string, corrected bool) []outcomeGroup {
	var out []outcomeGroup
	for _, o := range cases.Outcomes {
		if o.Code == cases.OutcomeCorrectionLapsed || o.Code == cases.OutcomeFeeLapsed || (o.Code == cases.OutcomeUnclear && !corrected) {
			continue
		}
		label := o.Row
		if l == langEN {
			label = o.EN
		}
		group := o.Group
		if group == "" {
			group = "（一）（二）"
		}
		if l == langEN {
			group = map[string]string{"（一）（二）": "Disclosed", cases.GroupWithhold: "Withheld", cases.GroupUnavailable: "Cannot be provided",
				cases.GroupRejected: "Not processed", cases.GroupOther: "Other"}[group]
		} else if group == "（一）（二）" {
			group = "予以公开 / 部分公开"
		}
		if len(out) == 0 || out[len(out)-1].Label != group {
			out = append(out, outcomeGroup{Label: group})
		}
		out[len(out)-1].Options = append(out[len(out)-1].Options, outcomeOpt{Code: o.Code, Label: label})
	}
	return out
}

func staffFileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// payloadKeys labels the payload keys shown in the timeline (record_delivery's proof is
// staffEventRow.Proof, with its link).
var payloadKeys = map[string][2]string{
	"reason": {"理由", "Reason"}, "comment": {"意见", "Comment"}, "text": {"内容", "Text"}, "items": {"补正事项", "Items to correct"},
	"period_days": {"补正期限（工作日）", "Correction period (working days)"}, "correction_due": {"补正期限届满", "Correction due"},
	"received_on": {"收到日期", "Received on"}, "assignee": {"经办人", "Clerk"}, "from": {"原经办人", "Previous clerk"},
	"parties": {"被征求意见方", "Parties"}, "answers": {"意见", "Answers"}, "consultation_due": {"征求意见期限", "Consultation due"},
	"pause_end": {"暂停结束", "Pause ends"}, "basis": {"收费方式", "Fee basis"}, "amount": {"金额（元）", "Amount (yuan)"},
	"pages": {"页数", "Pages"}, "count": {"本月第几件", "Request of the month"}, "fee_due": {"缴费期限", "Fee due"},
	"paid_on": {"缴费日期", "Paid on"}, "days": {"延长（工作日）", "Extension (working days)"}, "due_on": {"答复期限", "Due on"},
	"outcome": {"答复结果", "Outcome"}, "reasons": {"答复理由", "Reasons"}, "legal_basis": {"法律依据", "Legal basis"},
	"responsible_agency": {"负责机关", "Responsible agency"}, "where_public": {"公开途径", "Where public"}, "documents": {"提供的文件", "Documents released"},
	"way": {"送达方式", "Delivery way"}, "delivered_on": {"送达日期", "Delivered on"}, "on_time": {"按期", "On time"},
	"kind": {"类型", "Kind"}, "filed_on": {"申请（起诉）日期", "Filed on"}, "result": {"结果", "Result"}, "decided_on": {"审结日期", "Decided on"},
	"channel": {"申请方式", "Channel"}, "title": {"标题", "Title"}, "document_id": {"文件编号", "Document id"},
	"files": {"附件", "Files"}, "day": {"日期", "Day"}, "work": {"工作日", "Working day"}, "note": {"说明", "Note"},
}

// payloadDetails summarises an event's payload for the timeline, in a stable order.
func payloadDetails(raw json.RawMessage, l string, docTitle map[int64]string) []staffKV {
	var m map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if _, ok := payloadKeys[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []staffKV
	for _, k := range keys {
		label := payloadKeys[k][0]
		if l == langEN {
			label = payloadKeys[k][1]
		}
		out = append(out, staffKV{label, payloadValue(k, m[k], l, docTitle)})
	}
	return out
}

func payloadValue(key string, v any, l string, docTitle map[int64]string) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if l == langEN {
			return map[bool]string{true: "yes", false: "no"}[x]
		}
		return map[bool]string{true: "是", false: "否"}[x]
	case float64:
		if key == "document_id" || key == "documents" {
			if t := docTitle[int64(x)]; t != "" {
				return t
			}
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		switch key {
		case "outcome":
			if o, ok := cases.FindOutcome(x); ok {
				return outcomeLabel(o, l)
			}
		case "channel":
			return cases.Channels.Label(x, l)
		case "basis":
			return cases.FeeBases.Label(x, l)
		case "way":
			return cases.DeliveryWays.Label(x, l)
		case "kind":
			if cases.RemedyKinds.Has(x) {
				return cases.RemedyKinds.Label(x, l)
			}
			return cases.DocKinds.Label(x, l)
		case "result":
			return cases.RemedyResults.Label(x, l)
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = payloadValue(key, e, l, docTitle)
		}
		return strings.Join(parts, T(l, "p.semi"))
	case map[string]any:
		var b strings.Builder
		if n, ok := x["name"].(string); ok {
			b.WriteString(n)
		}
		if k, ok := x["kind"].(string); ok {
			b.WriteString(T(l, "p.lp") + cases.ConsultPartyKinds.Label(k, l) + T(l, "p.rp"))
		}
		if a, ok := x["answer"].(string); ok && a != "" {
			b.WriteString(T(l, "p.colon") + cases.ConsultAnswers.Label(a, l))
		}
		if t, ok := x["text"].(string); ok && t != "" {
			b.WriteString(" " + t)
		}
		return b.String()
	}
	return fmt.Sprint(v)
}

// caseEvent fires the action of a case-page form. The payload comes from the form fields
// (formPayload), the expected version from a hidden field; a refused action re-renders the page
// with the message, the field errors and the typed input, with the status of its error code.
func (s *Server) caseEvent(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := c.Request.ParseForm(); err != nil {
		s.caseRefused(c, cs, "", cases.E(cases.EINVALID, "提交的内容格式不正确。", "malformed form"))
		return
	}
	form := c.Request.PostForm
	event := form.Get("event")
	req := cases.EventRequest{Event: cases.EventName(event)}
	if v := form.Get("expected_version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.caseRefused(c, cs, event, cases.E(cases.EINVALID, "案件版本号不正确。", "bad expected_version"))
			return
		}
		req.ExpectedVersion = &n
	}
	if req.Event == cases.EventRequestFee && form.Get("preview") != "" {
		s.feePreview(c, cs, form)
		return
	}
	if event == "approve" && form.Get("confirm") == "" && s.approveReview(c, cs, req, form) {
		return
	}
	if event == string(cases.EventDraftReply) && form.Get("insert_phrase") != "" {
		s.insertPhrase(c, cs, form)
		return
	}
	payload, err := formPayload(event, form, cs)
	if err != nil {
		s.caseRefused(c, cs, event, err)
		return
	}
	req.Payload = payload
	if event == string(cases.EventDraftReply) && form.Get("preview") != "" {
		s.draftPreview(c, cs, payload)
		return
	}
	if _, err := s.db.TransitionCase(ctx, cs.ID, req, actorOf(c), s.now()); err != nil {
		s.caseRefused(c, cs, event, err)
		return
	}
	if sm := sessions(c); sm != nil {
		sm.Put(ctx, "flash", T(lang(c), "case.done", eventLabel(req.Event, lang(c))))
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/cases/%d#timeline", cs.ID))
}

// caseRefused re-renders the case page (reloaded: nothing changed) with the error of an action.
func (s *Server) caseRefused(c *gin.Context, cs *cases.Case, event string, refusal error) {
	code := cases.ErrorCode(refusal)
	if code == cases.EINTERNAL {
		s.pageError(c, refusal)
		return
	}
	fresh, err := s.db.Case(c.Request.Context(), cs.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d, err := s.caseData(c, fresh)
	if err != nil {
		s.pageError(c, err)
		return
	}
	l := lang(c)
	d.Error = cases.ErrorMessage(refusal, l)
	var e *cases.Error
	if errors.As(refusal, &e) {
		d.Fields = e.Fields
		if l == langEN && len(e.FieldsEN) > 0 {
			d.Fields = e.FieldsEN
		}
	}
	d.Failed, d.Input = event, c.Request.PostForm
	for i := range d.Actions {
		d.Actions[i].Open = d.Actions[i].Event == event
	}
	s.render(c, statusOf[code], "staff/case", "case.title", d)
}

// approveReview is the approval's confirmation step: the case page with the approve form open,
// the reply letter the approval would issue embedded (the draft preview, by the code that issues
// it) and the final button, which posts confirm=1. Nothing is stored. It is shown only when the
// approval could go through now; otherwise the form goes to the machine, which refuses it with
// its own code and message.
func (s *Server) approveReview(c *gin.Context, cs *cases.Case, req cases.EventRequest, form url.Values) bool {
	u, _ := currentUser(c)
	if !slices.Contains(workflow.Allowed(cs, u.Actor()), "approve") || req.ExpectedVersion != nil && *req.ExpectedVersion != cs.Version {
		return false
	}
	d, err := s.caseData(c, cs)
	if err != nil {
		s.pageError(c, err)
		return true
	}
	d.Failed, d.Input, d.Review = "approve", form, true
	for i := range d.Actions {
		d.Actions[i].Open = d.Actions[i].Event == "approve"
	}
	s.render(c, http.StatusOK, "staff/case", "case.title", d)
	return true
}

// feePreview shows the fee the rules give before the clerk confirms the notice (docs/rules.md §5:
// the system computes, the clerk confirms). Nothing is stored.
func (s *Server) feePreview(c *gin.Context, cs *cases.Case, form url.Values) {
	d, err := s.caseData(c, cs)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Failed, d.Input = string(cases.EventRequestFee), form
	for i := range d.Actions {
		d.Actions[i].Open = d.Actions[i].Event == string(cases.EventRequestFee)
	}
	pages, _ := strconv.Atoi(strings.TrimSpace(form.Get("pages")))
	fee, err := workflow.ComputeFee(form.Get("basis"), max(d.Fee.MonthCount, 1), pages)
	status := http.StatusOK
	if err != nil {
		status = statusOf[cases.ErrorCode(err)]
		d.Error = cases.ErrorMessage(err, lang(c))
		var e *cases.Error
		if errors.As(err, &e) {
			d.Fields = e.Fields
			if lang(c) == langEN && len(e.FieldsEN) > 0 {
				d.Fields = e.FieldsEN
			}
		}
	} else {
		d.Fee.Preview = &fee
	}
	s.render(c, status, "staff/case", "case.title", d)
}

// staffFileTypes are the files staff may attach to a case (released documents, scanned
// letters): recognised by content, with the name's extension deciding between zip formats.
var staffFileTypes = map[string]string{
	".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".doc":  "application/msword", ".xls": "application/vnd.ms-excel", ".ofd": "application/ofd", ".txt": "text/plain; charset=utf-8",
	".zip": "application/zip",
}

func sniffStaffFile(name string, body []byte) (string, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	want, ok := staffFileTypes[ext]
	if !ok {
		return "", false
	}
	got := http.DetectContentType(body)
	switch ext {
	case ".pdf", ".jpg", ".jpeg", ".png":
		return want, strings.HasPrefix(got, want)
	case ".docx", ".xlsx", ".ofd", ".zip":
		return want, bytes.HasPrefix(body, []byte("PK\x03\x04"))
	case ".doc", ".xls":
		return want, bytes.HasPrefix(body, []byte{0xD0, 0xCF, 0x11, 0xE0})
	case ".txt":
		return want, strings.HasPrefix(got, "text/plain")
	}
	return "", false
}

// caseUpload attaches a file to the case (db.AddUpload); the draft form then lists it among the
// documents to release.
func (s *Server) caseUpload(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx := c.Request.Context()
	a, err := s.db.Agency(ctx, cs.AgencyID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	limit := a.Settings.WithDefaults().UploadLimit
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+1<<20)
	refuse := func(zh, en string) {
		if c.Request.PostForm == nil {
			c.Request.PostForm = url.Values{}
		}
		s.caseRefused(c, cs, "upload", cases.E(cases.EINVALID, zh, en))
	}
	fh, err := c.FormFile("file")
	if err != nil {
		refuse("请选择要上传的文件（单个文件不超过上传限额）。", "Choose a file to upload (within the upload limit).")
		return
	}
	if fh.Size > limit {
		refuse(fmt.Sprintf("文件超过%.0f MB的上传限额。", float64(limit)/(1<<20)), fmt.Sprintf("The file exceeds the upload limit of %.0f MB.", float64(limit)/(1<<20)))
		return
	}
	f, err := fh.Open()
	if err != nil {
		s.pageError(c, err)
		return
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		s.pageError(c, err)
		return
	}
	name := filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	ct, ok := sniffStaffFile(name, body)
	if !ok || len(body) == 0 {
		refuse("仅可上传PDF、JPG、PNG、Word、Excel、OFD、TXT或ZIP文件，且文件内容须与扩展名一致。", "Only PDF, JPG, PNG, Word, Excel, OFD, TXT or ZIP files whose content matches their extension may be uploaded.")
		return
	}
	title := strings.TrimSpace(c.PostForm("title"))
	if title == "" {
		title = name
	}
	_, err = s.db.AddUpload(ctx, cs.ID, cases.Document{Title: title, Filename: name, ContentType: ct, Body: body,
		Applicant: c.PostForm("to_applicant") != "" || c.PostForm("for_release") != "", ForRelease: c.PostForm("for_release") != ""}, actorOf(c))
	if err != nil {
		if cases.ErrorCode(err) == cases.EINTERNAL {
			s.pageError(c, err)
			return
		}
		s.caseRefused(c, cs, "upload", err)
		return
	}
	if sm := sessions(c); sm != nil {
		sm.Put(ctx, "flash", T(lang(c), "case.uploaded", title))
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/cases/%d#documents", cs.ID))
}

// caseDocument sends a document of the case.
func (s *Server) caseDocument(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.recordView(c, cs, "document:"+c.Param("doc_id"))
	s.sendDocument(c, cs, c.Param("doc_id"), s.pageError)
}

func (s *Server) sendDocument(c *gin.Context, cs *cases.Case, docID string, fail func(*gin.Context, error)) {
	id, err := strconv.ParseInt(docID, 10, 64)
	if err != nil {
		fail(c, cases.E(cases.ENOTFOUND, "文件不存在。", "no such document"))
		return
	}
	doc, err := s.db.Document(c.Request.Context(), cs.ID, id)
	if err != nil {
		fail(c, err)
		return
	}
	name := doc.Filename
	if name == "" {
		name = fmt.Sprintf("%s-%d.pdf", cs.TrackingNo, doc.ID)
	}
	ct := doc.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Header("Content-Disposition", "attachment; filename=\""+asciiName(name)+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, ct, doc.Body)
}

// asciiName is a plain-ASCII fallback for a download's file name.
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			b.WriteByte('_')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
