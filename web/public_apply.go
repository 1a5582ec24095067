package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// The application form (docs/rules.md §1; Art. 27–29): GET /apply asks whether a person or an
// organisation applies, GET /apply?kind=… shows the form for that kind, POST /apply submits it.
// It works without JavaScript; errors are shown next to their fields and in a summary at the top,
// in the page's language, with everything typed kept. The confirmation is the answer to the
// POST itself (no code in any URL); a resubmission of the same form (reload, double click)
// shows the same confirmation instead of making a second case.

// Form field names: the paths Application.Validate reports errors for.
const (
	keyAgency      = "agency"
	keyKind        = "applicant.kind"
	keyName        = "applicant.name"
	keyIDType      = "applicant.id_type"
	keyIDNumber    = "applicant.id_number"
	keyOrgCategory = "applicant.org_category"
	keyLegalRep    = "applicant.legal_rep"
	keyContactName = "applicant.contact_name"
	keyPhone       = "applicant.phone"
	keyEmail       = "applicant.email"
	keyAddress     = "applicant.address"
	keyPostcode    = "applicant.postcode"
	keyFax         = "applicant.fax"
	keyDescription = "description"
	keyPurpose     = "purpose"
	keyDelivery    = "delivery"
	keyCarrier     = "carrier"
	keyFile        = "file"
	keyHoneypot    = "leave_blank" // hidden from people; filled in by robots
	keyToken       = "form_token"  // one-time token of a shown form (replay protection)
	keyStep        = "step"        // review (check your answers), edit (back to the form), submit
	keyRemoveFile  = "remove_file" // the index of a kept file to drop (web/public_keep.go)
)

// pubField is one control of a form as the template draws it.
type pubField struct {
	ID, Name, Type string
	Label, Hint    string
	Value, Error   string
	Optional       bool // "(optional)" after the label
	Required       bool // aria-required
	Autocomplete   string
	InputMode      string
	MaxLength      int
	Rows           int
	Accept         string
	Multiple       bool
	Cond           string // shown only when the delivery way needs it (post, email, fax); "" always
	Options        []pubOption
	Spellcheck     bool
	OptText        string // "(optional)" in the page's language
	ErrPrefix      string // "Error:" for screen readers, in the page's language
}

type pubOption struct {
	ID, Value, Label string
	Selected         bool
}

// HintID and ErrorID are the ids aria-describedby points to.
func (f pubField) HintID() string  { return f.ID + "-hint" }
func (f pubField) ErrorID() string { return f.ID + "-error" }

// DescribedBy lists the hint and the error of the field.
func (f pubField) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.HintID())
	}
	if f.Error != "" {
		ids = append(ids, f.ErrorID())
	}
	return strings.Join(ids, " ")
}

// Target is the id an error-summary link moves to: the control, or a group's first option.
func (f pubField) Target() string {
	if f.Type == "radio" && len(f.Options) > 0 {
		return f.Options[0].ID
	}
	return f.ID
}

// pubSection is a fieldset of the form.
type pubSection struct {
	ID, Legend, Hint string
	Fields           []pubField
}

// summaryItem is one line of the error summary.
type summaryItem struct{ Target, Message string }

// applyPage is the data of the form page.
type applyPage struct {
	Kind       string
	KindLabel  string
	Sections   []pubSection
	Summary    []summaryItem
	Alert      string // a message about the whole form (flood, robot, internal error)
	Token      string
	UploadMB   string
	Honeypot   string
	ChangeKind string
	Kept       []keptFile // files kept from an earlier post of this form
}

// keptFile is a kept file as the form lists it.
type keptFile struct {
	Index int
	Name  string
}

// kindPage is the data of the first step: who applies.
type kindPage struct {
	Error string
}

// pubFieldID is the HTML id of a field path.
func pubFieldID(name string) string {
	return "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(name)
}

// pubFormBuilder makes fields from the posted values and the errors.
type pubFormBuilder struct {
	lang   string
	values url.Values
	errs   map[string]string
}

func (b *pubFormBuilder) field(name, typ, labelKey, hintKey string, opts ...func(*pubField)) pubField {
	f := pubField{ID: pubFieldID(name), Name: name, Type: typ, Label: T(b.lang, labelKey), Value: b.values.Get(name), Error: b.errs[name], Spellcheck: true,
		OptText: T(b.lang, "form.optional"), ErrPrefix: T(b.lang, "form.error.prefix")}
	if hintKey != "" {
		f.Hint = T(b.lang, hintKey)
	}
	for _, o := range opts {
		o(&f)
	}
	for i := range f.Options {
		f.Options[i].ID = f.ID + "-" + strings.ReplaceAll(f.Options[i].Value, "_", "-")
		if f.Options[i].Value == "" {
			f.Options[i].ID = f.ID + "-none"
		}
		f.Options[i].Selected = f.Options[i].Value == f.Value
	}
	return f
}

func pubOptional(f *pubField) { f.Optional = true }

// pubCond shows the field only when the delivery way way is chosen (CSS :has(), no script needed;
// browsers without it show every field), unless it already holds a value or an error.
func pubCond(way string) func(*pubField) {
	return func(f *pubField) {
		if f.Value == "" && f.Error == "" {
			f.Cond = way
		}
	}
}
func pubRequired(f *pubField) { f.Required = true }
func pubNoSpell(f *pubField)  { f.Spellcheck = false }
func pubAuto(a string) func(*pubField) {
	return func(f *pubField) { f.Autocomplete = a }
}
func pubInputMode(m string) func(*pubField) {
	return func(f *pubField) { f.InputMode = m }
}
func pubMaxLen(n int) func(*pubField) {
	return func(f *pubField) { f.MaxLength = n }
}
func pubRows(n int) func(*pubField) {
	return func(f *pubField) { f.Rows = n }
}
func pubOptions(o []pubOption) func(*pubField) {
	return func(f *pubField) { f.Options = o }
}

// codeOptions turns a closed list (or part of it) into options labelled in lang.
func codeOptions(l cases.CodeList, lang string, only ...string) []pubOption {
	var out []pubOption
	for _, c := range l {
		if len(only) > 0 && !hasString(only, c.Code) {
			continue
		}
		out = append(out, pubOption{Value: c.Code, Label: l.Label(c.Code, lang)})
	}
	return out
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ID types offered to each kind (a 统一社会信用代码 is for organisations, a 居民身份证 for persons).
var (
	personIDTypes = []string{cases.IDResident, cases.IDPassport, cases.IDHKMacau, cases.IDTaiwan, cases.IDForeignPR, cases.IDOther}
	orgIDTypes    = []string{cases.IDCredit, cases.IDOther}
)

// buildApplyPage lays out the form for kind with the values typed and the errors found.
func (s *Server) buildApplyPage(ctx context.Context, lang, kind string, values url.Values, errs map[string]string) (applyPage, error) {
	as, err := s.db.Agencies(ctx)
	if err != nil {
		return applyPage{}, err
	}
	limit := int64(0)
	if len(as) > 0 {
		limit = as[0].Settings.WithDefaults().UploadLimit
	}
	if a, err := s.agencyFor(ctx, values.Get(keyAgency)); err == nil {
		limit = a.Settings.UploadLimit
	}
	b := &pubFormBuilder{lang: lang, values: values, errs: errs}
	org := kind == cases.KindOrganization
	idTypes := personIDTypes
	if org {
		idTypes = orgIDTypes
	}
	// A type the kind may not use stays shown with its error (it came from another form).
	if t := values.Get(keyIDType); cases.IDTypes.Has(t) && !hasString(idTypes, t) {
		idTypes = append(append([]string{}, idTypes...), t)
	}
	p := applyPage{Kind: kind, KindLabel: cases.ApplicantKinds.Label(kind, lang), UploadMB: megabytes(limit)}

	// The applicant (Art. 29(一)).
	who := pubSection{ID: "sec-applicant", Legend: T(lang, "apply.sec.person")}
	if org {
		who.Legend = T(lang, "apply.sec.org")
		who.Fields = append(who.Fields,
			b.field(keyName, "text", "apply.org.name", "", pubRequired, pubAuto("organization"), pubMaxLen(100)),
			b.field(keyIDType, "select", "apply.org.id_type", "apply.org.id_type.hint", pubRequired, pubOptions(codeOptions(cases.IDTypes, lang, idTypes...))),
			b.field(keyIDNumber, "text", "apply.org.id_number", "apply.org.id_number.hint", pubRequired, pubNoSpell, pubAuto("off"), pubMaxLen(50)),
			b.field(keyOrgCategory, "radio", "apply.org.category", "apply.org.category.hint", pubRequired, pubOptions(codeOptions(cases.OrgCategories, lang))),
			b.field(keyLegalRep, "text", "apply.org.legal_rep", "", pubOptional, pubAuto("off"), pubMaxLen(100)),
			b.field(keyContactName, "text", "apply.org.contact_name", "apply.org.contact_name.hint", pubRequired, pubAuto("name"), pubMaxLen(100)),
		)
	} else {
		who.Fields = append(who.Fields,
			b.field(keyName, "text", "apply.person.name", "", pubRequired, pubAuto("name"), pubMaxLen(100)),
			b.field(keyIDType, "select", "apply.person.id_type", "", pubRequired, pubOptions(codeOptions(cases.IDTypes, lang, idTypes...))),
			b.field(keyIDNumber, "text", "apply.person.id_number", "apply.person.id_number.hint", pubRequired, pubNoSpell, pubAuto("off"), pubMaxLen(50)),
		)
	}
	p.Sections = append(p.Sections, who)

	// The information asked for (Art. 29(二)); no purpose may be demanded (Art. 27).
	info := pubSection{ID: "sec-info", Legend: T(lang, "apply.sec.info")}
	if len(as) > 1 {
		opts := []pubOption{{Value: "", Label: T(lang, "apply.agency.choose")}}
		for _, a := range as {
			opts = append(opts, pubOption{Value: a.Code, Label: a.Name})
		}
		info.Fields = append(info.Fields, b.field(keyAgency, "select", "apply.agency", "apply.agency.hint", pubRequired, pubOptions(opts)))
	}
	info.Fields = append(info.Fields,
		b.field(keyDescription, "textarea", "apply.description", "apply.description.hint", pubRequired, pubRows(6), pubMaxLen(2000)),
		b.field(keyPurpose, "textarea", "apply.purpose", "apply.purpose.hint", pubOptional, pubRows(3), pubMaxLen(500)),
	)
	p.Sections = append(p.Sections, info)

	// The form wanted (Art. 29(三)).
	how := pubSection{ID: "sec-delivery", Legend: T(lang, "apply.sec.delivery")}
	how.Fields = append(how.Fields,
		b.field(keyDelivery, "radio", "apply.delivery", "apply.delivery.hint", pubRequired, pubOptions(codeOptions(cases.DeliveryWays, lang))),
		b.field(keyCarrier, "radio", "apply.carrier", "", pubRequired, pubOptions(codeOptions(cases.Carriers, lang))),
	)
	p.Sections = append(p.Sections, how)

	// Contact details: which are required follows from the delivery way.
	contact := pubSection{ID: "sec-contact", Legend: T(lang, "apply.sec.contact"), Hint: T(lang, "apply.sec.contact.hint")}
	contact.Fields = append(contact.Fields,
		b.field(keyPhone, "tel", "apply.phone", "apply.phone.hint", pubRequired, pubAuto("tel"), pubInputMode("tel"), pubNoSpell, pubMaxLen(30)),
		b.field(keyEmail, "email", "apply.email", "apply.email.hint", pubAuto("email"), pubNoSpell, pubMaxLen(254), pubCond(cases.DeliveryEmail)),
		b.field(keyAddress, "text", "apply.address", "apply.address.hint", pubAuto("street-address"), pubMaxLen(200), pubCond(cases.DeliveryPost)),
		b.field(keyPostcode, "text", "apply.postcode", "apply.postcode.hint", pubAuto("postal-code"), pubInputMode("numeric"), pubNoSpell, pubMaxLen(6), pubCond(cases.DeliveryPost)),
		b.field(keyFax, "tel", "apply.fax", "apply.fax.hint", pubInputMode("tel"), pubNoSpell, pubMaxLen(30), pubCond(cases.DeliveryFax)),
	)
	p.Sections = append(p.Sections, contact)

	// Identity proof: optional at submission (a missing copy is a typical correction reason).
	proof := pubSection{ID: "sec-proof", Legend: T(lang, "apply.sec.proof")}
	ff := b.field(keyFile, "file", "apply.file", "", pubOptional)
	ff.Hint = T(lang, "apply.file.hint", p.UploadMB)
	ff.Accept = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"
	ff.Multiple = true
	ff.Value = ""
	proof.Fields = append(proof.Fields, ff)
	p.Sections = append(p.Sections, proof)

	// The error summary, in the order of the page.
	for _, sec := range p.Sections {
		for _, f := range sec.Fields {
			if f.Error != "" {
				p.Summary = append(p.Summary, summaryItem{Target: f.Target(), Message: f.Error})
			}
		}
	}
	// Errors of fields the page does not show (a tampered kind, say) go to the summary too.
	var rest []string
	for name := range errs {
		if !p.shows(name) {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		p.Summary = append(p.Summary, summaryItem{Target: "form-top", Message: errs[name]})
	}
	p.Token = values.Get(keyToken)
	if p.Token == "" {
		p.Token = newToken()
	}
	p.Honeypot = values.Get(keyHoneypot)
	return p, nil
}

func (p applyPage) shows(name string) bool {
	for _, sec := range p.Sections {
		for _, f := range sec.Fields {
			if f.Name == name {
				return true
			}
		}
	}
	return false
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// applyForm shows the first step (who applies) or the form for the chosen kind.
func (s *Server) applyForm(c *gin.Context) {
	kind := c.Query("kind")
	l := lang(c)
	if kind != cases.KindPerson && kind != cases.KindOrganization {
		data := kindPage{}
		status := http.StatusOK
		if kind != "" || c.Query("choose") != "" {
			data.Error = T(l, "apply.kind.error")
			status = http.StatusUnprocessableEntity
		}
		s.render(c, status, "public/apply_kind", "apply.title", data)
		return
	}
	values := url.Values{}
	if kind == cases.KindPerson {
		values.Set(keyIDType, cases.IDResident)
	} else {
		values.Set(keyIDType, cases.IDCredit)
	}
	p, err := s.buildApplyPage(c.Request.Context(), l, kind, values, nil)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	s.render(c, http.StatusOK, "public/apply", "apply.title", p)
}

// applicationFrom builds an Application from the posted form.
func applicationFrom(v url.Values) cases.Application {
	return cases.Application{
		Agency: v.Get(keyAgency),
		Applicant: cases.Applicant{
			Kind: v.Get(keyKind), Name: v.Get(keyName), IDType: v.Get(keyIDType), IDNumber: v.Get(keyIDNumber),
			OrgCategory: v.Get(keyOrgCategory), LegalRep: v.Get(keyLegalRep), ContactName: v.Get(keyContactName),
			Phone: v.Get(keyPhone), Email: v.Get(keyEmail), Address: v.Get(keyAddress), Postcode: v.Get(keyPostcode), Fax: v.Get(keyFax),
		},
		Description: v.Get(keyDescription), Purpose: v.Get(keyPurpose), Delivery: v.Get(keyDelivery), Carrier: v.Get(keyCarrier),
	}
}

// confirmation is what a stored submission shows: once, to the browser that submitted it.
type confirmation struct {
	CaseID       int64
	TrackingNo   string
	AccessCode   string
	AgencyName   string
	FormDocID    int64 // the 申请表 PDF
	Uploaded     []string
	UploadFailed bool
	codeHash     string
}

// ReplyDays is the statutory reply period (Art. 33).
func (confirmation) ReplyDays() int { return cases.ReplyDays }

// Grouped is the access code in groups of four (XXXX-XXXX-XXXX-XXXX), easier to copy by hand.
func (c confirmation) Grouped() string { return groupCode(c.AccessCode) }

func groupCode(code string) string { return cases.GroupCode(code) }

// submission is a checked application ready to be stored.
type submission struct {
	app    cases.Application
	agency cases.Agency
	files  []pubUpload
}

// checkSubmission resolves the agency and validates the application and its files; every
// problem is reported at once as EINVALID with fields.
func (s *Server) checkSubmission(ctx context.Context, app cases.Application, files []pubUpload, fileErr *uploadError) (submission, error) {
	var f cases.FieldErrors
	as, err := s.db.Agencies(ctx)
	if err != nil {
		return submission{}, err
	}
	sub := submission{app: app}
	code := strings.TrimSpace(app.Agency)
	switch {
	case code == "" && len(as) > 1:
		f.Add(keyAgency, "请选择受理机关。", "Choose the agency you apply to.")
	default:
		a, err := s.agencyFor(ctx, code)
		if err != nil {
			if cases.ErrorCode(err) != cases.ENOTFOUND {
				return sub, err
			}
			f.Add(keyAgency, "所选受理机关不存在，请从列表中选择。", "There is no such agency; choose one from the list.")
		}
		sub.agency = a
		sub.app.Agency = a.Code
	}
	today := cases.Date{}
	if sub.agency.ID != 0 {
		today = s.agencyToday(sub.agency)
	}
	if err := app.Validate(today, false); err != nil {
		var e *cases.Error
		if !errors.As(err, &e) {
			return sub, err
		}
		for k, zh := range e.Fields {
			f.Add(k, zh, e.FieldsEN[k])
		}
	}
	limit := cases.DefaultSettings().UploadLimit
	if sub.agency.ID != 0 {
		limit = sub.agency.Settings.UploadLimit
	}
	if fileErr == nil {
		sub.files, fileErr = checkUploads(files, limit)
	}
	if fileErr != nil {
		f.Add(keyFile, fileErr.zh, fileErr.en)
	}
	return sub, f.Err()
}

// store stores a checked submission under the address's rate limit: it returns the case, its
// access code and the uploads' titles. A refused submission stores nothing and does not count.
func (s *Server) storeSubmission(ctx context.Context, ip string, sub submission) (*cases.Case, string, []cases.Document, error) {
	ok, wait, cancel := s.public.submits.reserve(ip, sub.agency.Settings.SubmitRateLimit, s.public.now())
	if !ok {
		return nil, "", nil, &rateLimited{wait: wait}
	}
	kase, code, err := s.db.CreateApplication(ctx, sub.app)
	if err != nil {
		cancel()
		return nil, "", nil, err
	}
	docs, err := s.storeUploads(ctx, kase.ID, sub.files, "apply.doc.proof")
	return kase, code, docs, err
}

// storeUploads stores accepted files with a case as documents the applicant sees, all or none,
// within the applicant's quota per case (cases.ApplicantUploadFiles, ApplicantUploadBytes).
func (s *Server) storeUploads(ctx context.Context, caseID int64, files []pubUpload, titleKey string) ([]cases.Document, error) {
	docs := make([]cases.Document, len(files))
	for i, f := range files {
		docs[i] = cases.Document{Title: T(langZH, titleKey), Filename: f.Filename, ContentType: f.ContentType, Applicant: true, Body: f.Body}
	}
	return s.db.AddUploads(ctx, caseID, docs, applicantActor) // all or none, within the case's quota
}

// applicantActor is the applicant acting through the access code.
var applicantActor = cases.Actor{Kind: cases.ActorApplicant, Name: "applicant"}

// rateLimited is a submission refused by the per-address limit.
type rateLimited struct{ wait time.Duration }

func (e *rateLimited) Error() string { return "rate limited" }

// applySubmit handles the posted form.
func (s *Server) applySubmit(c *gin.Context) {
	ctx := c.Request.Context()
	l := lang(c)
	pf := s.readPublicForm(c, s.maxUploadLimit(ctx, cases.DefaultSettings().UploadLimit))
	if pf == nil {
		return
	}
	v := pf.Values
	kind := v.Get(keyKind)
	if kind != cases.KindPerson && kind != cases.KindOrganization {
		s.render(c, http.StatusUnprocessableEntity, "public/apply_kind", "apply.title", kindPage{Error: T(l, "apply.kind.error")})
		return
	}
	token := v.Get(keyToken)
	now := s.public.now()
	kept := s.public.kept.get(token, now)
	show := func(status int, errs map[string]string, alert string) {
		p, err := s.buildApplyPage(ctx, l, kind, v, errs)
		if err != nil {
			s.errorPage(c, err)
			return
		}
		p.Alert = alert
		for i, f := range kept {
			p.Kept = append(p.Kept, keptFile{Index: i, Name: f.Filename})
		}
		s.render(c, status, "public/apply", "apply.title", p)
	}

	// A resubmission of a stored form shows its confirmation again.
	var rp *replay
	if token != "" {
		r, first, err := s.public.replays.begin(ctx, token, s.public.now())
		if err != nil {
			return
		}
		if !first {
			s.showConfirmation(c, *r.result, token)
			return
		}
		rp = r
	}
	var result *confirmation
	defer func() {
		if rp != nil {
			s.public.replays.finish(token, rp, result)
		}
	}()

	// A robot filled the hidden field: refuse, store nothing, count nothing.
	if strings.TrimSpace(v.Get(keyHoneypot)) != "" {
		show(http.StatusUnprocessableEntity, nil, T(l, "apply.honeypot"))
		return
	}
	// 删除 of a kept file, or back from the check-your-answers step: the form again, nothing stored.
	if rm := v.Get(keyRemoveFile); rm != "" {
		if i, err := strconv.Atoi(rm); err == nil && i >= 0 && i < len(kept) {
			kept = append(kept[:i:i], kept[i+1:]...)
			s.public.kept.set(token, kept, now)
		}
		show(http.StatusOK, nil, "")
		return
	}
	step := v.Get(keyStep)
	if step == "edit" {
		show(http.StatusOK, nil, "")
		return
	}
	app := applicationFrom(v)
	files := append(append([]pubUpload(nil), kept...), pf.Files...)
	sub, err := s.checkSubmission(ctx, app, files, pf.FileErr)
	err = cases.RequireOnForms(app, err) // the form asks organisations for their category and a contact person; the API does not
	if pf.FileErr == nil && sub.files != nil {
		kept = sub.files // the files accepted so far survive a form shown again
		s.public.kept.set(token, kept, now)
	}
	if err != nil {
		s.showSubmitError(c, err, show)
		return
	}
	if step == "review" {
		s.showReview(c, kind, v, kept)
		return
	}
	kase, code, docs, err := s.storeSubmission(ctx, c.ClientIP(), sub)
	if kase == nil {
		s.showSubmitError(c, err, show)
		return
	}
	conf := confirmation{CaseID: kase.ID, TrackingNo: kase.TrackingNo, AccessCode: code, AgencyName: sub.agency.Name, codeHash: kase.AccessCodeHash, UploadFailed: err != nil}
	if err != nil {
		s.log.Error("upload after submission", "tracking_no", kase.TrackingNo, "err", err)
	}
	for _, d := range docs {
		conf.Uploaded = append(conf.Uploaded, d.Filename)
	}
	if full, err := s.db.Case(ctx, kase.ID); err == nil {
		for _, d := range full.Documents {
			if d.Kind == cases.DocApplicationForm {
				conf.FormDocID = d.ID
			}
		}
	}
	result = &conf
	s.public.kept.set(token, nil, now)
	s.showConfirmation(c, conf, token)
}

// showSubmitError shows the form again with what was wrong.
func (s *Server) showSubmitError(c *gin.Context, err error, show func(int, map[string]string, string)) {
	l := lang(c)
	var rl *rateLimited
	if errors.As(err, &rl) {
		secs := retryAfter(c, rl.wait)
		show(http.StatusTooManyRequests, nil, T(l, "apply.ratelimit", secs))
		return
	}
	var e *cases.Error
	if errors.As(err, &e) && e.Code == cases.EINVALID {
		fields := e.Fields
		if l == langEN && len(e.FieldsEN) > 0 {
			fields = e.FieldsEN
		}
		show(http.StatusUnprocessableEntity, fields, "")
		return
	}
	if s.clientGone(c, err) {
		return
	}
	s.log.Error("submission", "err", err)
	show(http.StatusInternalServerError, nil, T(l, "apply.internal"))
}

// showConfirmation shows the tracking number, the access code and the 申请表, and lets this
// browser open the tracking page without typing the code.
func (s *Server) showConfirmation(c *gin.Context, conf confirmation, token string) {
	c.Header("Cache-Control", "no-store")
	c.Set(repostKey, token) // the language and care switches re-post the token (web/care.go)
	s.setTrackCookie(c, conf.TrackingNo, conf.codeHash)
	s.render(c, http.StatusOK, "public/apply_done", "done.title", conf)
}

// maxUploadLimit is the largest upload limit of the deployment's agencies (the form's agency is
// known only after the body is read), at least limit.
func (s *Server) maxUploadLimit(ctx context.Context, limit int64) int64 {
	as, err := s.db.Agencies(ctx)
	if err != nil {
		return limit
	}
	for _, a := range as {
		if l := a.Settings.WithDefaults().UploadLimit; l > limit {
			limit = l
		}
	}
	return limit
}
