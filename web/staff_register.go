package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// registerData is the form for an application received on paper, by post, fax, e-mail, in
// person or orally (Art. 28, 29, 31).
type registerData struct {
	adminForm // the typed input and its errors
	Today     cases.Date
	Agencies  []cases.Agency // the agencies the clerk may register for (shown when several)

	AgencyCodes   cases.CodeList
	Channels      cases.CodeList
	Kinds         cases.CodeList
	IDTypes       cases.CodeList
	OrgCategories cases.CodeList
	Deliveries    cases.CodeList
	Carriers      cases.CodeList

	NamesOnFile []cases.NameOnFile // the identity number on file under other names: a warning (staff_register_identity.go)
	IdentityAck string             // the identity document the warning was shown for
}

// registerFields is the order of the form's fields, for the error summary.
var registerFields = []string{"agency", "channel", "received_on", "applicant.kind", "applicant.name", "applicant.id_type", "applicant.id_number",
	"applicant.org_category", "applicant.legal_rep", "applicant.contact_name", "applicant.phone", "applicant.email", "applicant.address",
	"applicant.postcode", "applicant.fax", "description", "purpose", "delivery", "carrier"}

// FieldError is one entry of the error summary.
type FieldError struct{ Field, Message string }

// ErrorList lists the field errors in the order of the form.
func (d registerData) ErrorList() []FieldError {
	var out []FieldError
	seen := map[string]bool{}
	for _, f := range registerFields {
		if m, ok := d.Fields[f]; ok {
			out = append(out, FieldError{f, m})
			seen[f] = true
		}
	}
	for f, m := range d.Fields {
		if !seen[f] {
			out = append(out, FieldError{f, m})
		}
	}
	return out
}

// Anchor is the id of a field's input.
func (d registerData) Anchor(field string) string { return "r-" + strings.ReplaceAll(field, ".", "-") }

// paperChannels are the channels of a registered application (online submissions are registered
// from their case page).
func paperChannels() cases.CodeList {
	var out cases.CodeList
	for _, ch := range cases.Channels {
		if ch.Code != cases.ChannelOnline {
			out = append(out, ch)
		}
	}
	return out
}

func (s *Server) registerBase(c *gin.Context) (registerData, error) {
	ctx := c.Request.Context()
	u, _ := currentUser(c)
	a, err := s.homeAgency(ctx, u)
	if err != nil {
		return registerData{}, err
	}
	d := registerData{Today: s.staffToday(a), Channels: paperChannels(), Kinds: cases.ApplicantKinds, IDTypes: cases.IDTypes,
		OrgCategories: cases.OrgCategories, Deliveries: cases.DeliveryWays, Carriers: cases.Carriers}
	if len(userAgencies(u)) > 1 {
		for _, id := range userAgencies(u) {
			if x, err := s.db.Agency(ctx, id); err == nil {
				d.Agencies = append(d.Agencies, x)
				d.AgencyCodes = append(d.AgencyCodes, cases.Code{Code: x.Code, ZH: x.Name, EN: x.Name})
			}
		}
	}
	return d, nil
}

func (s *Server) registerForm(c *gin.Context) {
	d, err := s.registerBase(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff/register", "register.title", d)
}

// applicationFromForm reads the application fields of the register form (the names are the
// field paths of cases.Application.Validate).
func applicationFromForm(f url.Values) (cases.Application, error) {
	app := cases.Application{
		Agency: f.Get("agency"),
		Applicant: cases.Applicant{Kind: f.Get("applicant.kind"), Name: f.Get("applicant.name"), IDType: f.Get("applicant.id_type"),
			IDNumber: f.Get("applicant.id_number"), OrgCategory: f.Get("applicant.org_category"), LegalRep: f.Get("applicant.legal_rep"),
			ContactName: f.Get("applicant.contact_name"), Phone: f.Get("applicant.phone"), Email: f.Get("applicant.email"),
			Address: f.Get("applicant.address"), Postcode: f.Get("applicant.postcode"), Fax: f.Get("applicant.fax")},
		Description: f.Get("description"), Purpose: f.Get("purpose"), Delivery: f.Get("delivery"), Carrier: f.Get("carrier"),
		Channel: f.Get("channel"),
	}
	var fe cases.FieldErrors
	if v := strings.TrimSpace(f.Get("received_on")); v != "" {
		d, err := cases.ParseDate(v)
		if err != nil {
			fe.Add("received_on", "请按“年-月-日”格式填写收到申请的日期，如2026-11-03。", "Enter the date of receipt as YYYY-MM-DD, e.g. 2026-11-03.")
		}
		app.ReceivedOn = d
	}
	if strings.TrimSpace(app.Channel) == cases.ChannelOnline {
		fe.Add("channel", "网上申请由申请人在线提交，请在该申请的案件页办理登记。", "Online applications are submitted by the applicant; register them from their case page.")
	}
	return app, fe.Err()
}

// checkPaper validates a staff-registered application exactly as the store will, and merges the
// form's own field errors in.
func checkPaper(app cases.Application, formErr error, today cases.Date) error {
	err := app.Validate(today, true)
	if formErr == nil {
		return err
	}
	var fe cases.FieldErrors
	for _, e := range []error{formErr, err} {
		var ce *cases.Error
		if errors.As(e, &ce) {
			for k, v := range ce.Fields {
				fe.Add(k, v, ce.FieldsEN[k])
			}
		}
	}
	return fe.Err()
}

func (s *Server) registerSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	d, err := s.registerBase(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !s.parseForm(c) {
		return
	}
	app, formErr := applicationFromForm(c.Request.PostForm)
	err = checkPaper(app, formErr, d.Today)
	var cs *cases.Case
	if err == nil {
		if d.NamesOnFile, d.IdentityAck, err = s.identityWarning(c, app, c.Request.PostForm); err == nil && len(d.NamesOnFile) > 0 {
			d.Input = c.Request.PostForm
			s.render(c, http.StatusOK, "staff/register", "register.title", d)
			return
		}
	}
	if err == nil {
		cs, err = s.db.RegisterPaper(ctx, app, actorOf(c))
	}
	if err != nil {
		if status, ok := s.formRefused(c, &d.adminForm, err); ok {
			s.render(c, status, "staff/register", "register.title", d)
		}
		return
	}
	if sm := sessions(c); sm != nil {
		sm.Put(ctx, "flash", T(lang(c), "register.done", cs.TrackingNo, cs.ReplyDue.String()))
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/cases/%d", cs.ID))
}
