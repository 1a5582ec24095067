package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// trackView is the applicant's view of a case: GET /api/v1/track/{tracking_no} and the tracking
// page. It shows only what the applicant may see: the events addressed to them in plain words
// (no internal notes, no assignee or reassignment, no drafts, no consulted parties' names), and
// the documents addressed to them (never a consultation letter).
type trackView struct {
	TrackingNo      string          `json:"tracking_no"`
	Agency          agencyRef       `json:"agency"`
	State           string          `json:"state"`
	StateLabel      string          `json:"state_label"`
	StateText       string          `json:"state_text"`
	SubmittedAt     time.Time       `json:"submitted_at"`
	ReceivedOn      cases.Date      `json:"received_on"`
	ReplyDue        cases.Date      `json:"reply_due"`
	Provisional     bool            `json:"provisional"`
	Clock           string          `json:"clock"` // not_started | running | stopped | paused | ended
	Deadline        []string        `json:"deadline_explanation"`
	CorrectionDue   cases.Date      `json:"correction_due"`
	CorrectionItems []string        `json:"correction_items,omitempty"`
	Fee             *feeView        `json:"fee,omitempty"`
	Outcome         string          `json:"outcome,omitempty"`
	OutcomeLabel    string          `json:"outcome_label,omitempty"`
	OutcomeText     string          `json:"outcome_text,omitempty"` // the outcome in plain words for the applicant
	ConcludedOn     cases.Date      `json:"concluded_on"`
	LetterNo        string          `json:"letter_no,omitempty"`
	Application     applicationView `json:"application"`
	Timeline        []timelineEntry `json:"timeline"`
	Documents       []documentView  `json:"documents"`
	Actions         []string        `json:"actions"`

	lang string
}

type agencyRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// applicationView is what the applicant submitted, with the identity number masked.
type applicationView struct {
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	IDType      string `json:"id_type"`
	IDNumber    string `json:"id_number"` // masked: only the last four characters
	Description string `json:"description"`
	Purpose     string `json:"purpose,omitempty"`
	Delivery    string `json:"delivery"`
	Carrier     string `json:"carrier"`
}

type feeView struct {
	Basis        string     `json:"basis"`
	BasisLabel   string     `json:"basis_label"`
	Amount       int        `json:"amount"`
	Due          cases.Date `json:"due"`
	PaidOn       cases.Date `json:"paid_on"`
	Instructions string     `json:"instructions,omitempty"`
}

// timelineEntry is one event as the applicant sees it.
type timelineEntry struct {
	Event     string     `json:"event"`
	Label     string     `json:"label"`
	At        time.Time  `json:"at"`
	By        string     `json:"by"` // applicant | agency | system
	Detail    string     `json:"detail,omitempty"`
	ReplyDue  cases.Date `json:"reply_due"`
	Documents []int64    `json:"documents,omitempty"`
}

type documentView struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Number      string    `json:"number,omitempty"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
	Href        string    `json:"-"` // the tracking page's download link
}

// buildTrackView makes the applicant's view of c (filled with documents and events) in lang.
func (s *Server) buildTrackView(c *cases.Case, agency cases.Agency, lang string) trackView {
	v := trackView{
		TrackingNo: c.TrackingNo, Agency: agencyRef{agency.Code, agency.Name},
		State: string(c.State), StateLabel: c.State.Label(lang), StateText: T(lang, "track.state."+string(c.State)),
		SubmittedAt: c.CreatedAt, ReceivedOn: c.ReceivedOn, ReplyDue: c.ReplyDue, Provisional: c.Provisional,
		ConcludedOn: c.ConcludedOn, LetterNo: c.LetterNo,
		Timeline: []timelineEntry{}, Documents: []documentView{}, Actions: []string{}, lang: lang,
	}
	switch {
	case c.State == cases.StateSubmitted || c.State == cases.StateDiscarded:
		v.Clock = "not_started"
	case !cases.IsOpen(c.State):
		v.Clock = "ended"
	case c.State == cases.StateAwaitingCorrection:
		v.Clock = "stopped"
	case c.State == cases.StateConsulting || c.State == cases.StateAwaitingFee:
		v.Clock = "paused"
	default:
		v.Clock = "running"
	}
	if v.Clock != "ended" {
		ex := workflow.ExplainReply(c, s.db.Calendar())
		for _, st := range ex.Steps {
			if lang == langEN {
				v.Deadline = append(v.Deadline, st.TextEN)
			} else {
				v.Deadline = append(v.Deadline, st.Text)
			}
		}
	}
	if c.State == cases.StateAwaitingCorrection {
		v.CorrectionDue, v.CorrectionItems = c.CorrectionDue, c.CorrectionItems
	}
	if c.Fee != nil && (c.State == cases.StateAwaitingFee || !c.Fee.PaidOn.IsZero()) {
		v.Fee = &feeView{Basis: c.Fee.Basis, BasisLabel: cases.FeeBases.Label(c.Fee.Basis, lang), Amount: c.Fee.Amount, PaidOn: c.Fee.PaidOn}
		if c.State == cases.StateAwaitingFee {
			v.Fee.Due, v.Fee.Instructions = c.FeeDue, agency.Settings.PaymentInstructions
		}
	}
	if c.Outcome != "" && !cases.IsOpen(c.State) {
		if o, ok := cases.FindOutcome(c.Outcome); ok {
			v.Outcome = o.Code
			v.OutcomeLabel = o.EN
			if lang != langEN {
				v.OutcomeLabel = o.Label()
			}
			if txt := T(lang, "outcome.plain."+o.Code); txt != "outcome.plain."+o.Code {
				v.OutcomeText = txt
			}
		}
	}
	a := c.Applicant
	v.Application = applicationView{Kind: a.Kind, Name: a.Name, IDType: a.IDType, IDNumber: maskID(a.IDNumber),
		Description: c.Description, Purpose: c.Purpose, Delivery: c.Delivery, Carrier: c.Carrier}

	visibleDoc := map[int64]bool{}
	bySeq := map[int][]int64{}
	for _, d := range c.Documents {
		if !d.Applicant {
			continue
		}
		visibleDoc[d.ID] = true
		bySeq[d.EventSeq] = append(bySeq[d.EventSeq], d.ID)
		title := applicantDocTitle(d, lang)
		v.Documents = append(v.Documents, documentView{ID: d.ID, Kind: d.Kind, Title: title, Number: d.Number, Filename: d.Filename,
			ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256, CreatedAt: d.CreatedAt,
			URL:  fmt.Sprintf("/api/v1/track/%s/documents/%d", c.TrackingNo, d.ID),
			Href: fmt.Sprintf("/track/%s/documents/%d", c.TrackingNo, d.ID)})
	}
	// The reply letter first: it is what the applicant came for.
	sort.SliceStable(v.Documents, func(i, j int) bool {
		return v.Documents[i].Kind == cases.DocReply && v.Documents[j].Kind != cases.DocReply
	})
	// The timeline shows the events whose workflow.Spec has a Public view, with its label and
	// detail; the rest (draft_reply, return, reassign, add_note, record_remedy, imported) are the
	// office's internal work.
	for _, e := range c.Events {
		pub := workflow.PublicEvent(e.Event)
		if pub == nil {
			continue
		}
		var p workflow.Payload
		_ = json.Unmarshal(e.Payload, &p)
		if e.Event == cases.EventDocumentIssued {
			id, _ := p["document_id"].(float64)
			if !visibleDoc[int64(id)] {
				continue
			}
		}
		te := timelineEntry{Event: string(e.Event), Label: pub.Label.In(lang), At: e.At, By: actorKind(e.Actor), ReplyDue: e.ReplyDueAfter,
			Documents: bySeq[e.Seq]}
		if pub.Detail != nil {
			te.Detail = pub.Detail(e, p).In(lang)
		}
		if e.Event == cases.EventDocumentIssued {
			te.Documents = nil
			if id, ok := p["document_id"].(float64); ok {
				te.Documents = []int64{int64(id)}
			}
		}
		v.Timeline = append(v.Timeline, te)
	}
	for _, ev := range workflow.Allowed(c, applicantActor) { // the applicant's own events
		v.Actions = append(v.Actions, string(ev))
	}
	return v
}

// Can reports whether the applicant may fire ev now.
func (v trackView) Can(ev string) bool { return hasString(v.Actions, ev) }

// DocTitle returns the title of a document of the view.
func (v trackView) DocTitle(id int64) string {
	for _, d := range v.Documents {
		if d.ID == id {
			return d.Title
		}
	}
	return ""
}

// DocHref returns the tracking page's link to a document of the view.
func (v trackView) DocHref(id int64) string {
	for _, d := range v.Documents {
		if d.ID == id {
			return d.Href
		}
	}
	return ""
}

func actorKind(actor string) string {
	switch actor {
	case "applicant":
		return "applicant"
	case "system", "":
		return "system"
	}
	return "agency"
}

// maskID keeps the last four characters of an identity number.
func maskID(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// applicantDocTitle is a document's title as the applicant sees it: a letter's kind, an upload's
// stored title (身份证明, …; in English "Uploaded file").
func applicantDocTitle(d cases.Document, lang string) string {
	if d.Kind != cases.DocUpload {
		return cases.DocKinds.Label(d.Kind, lang)
	}
	if d.Title != "" && lang != langEN {
		return d.Title
	}
	return T(lang, "track.doc.upload")
}
