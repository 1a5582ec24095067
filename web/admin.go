package web

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"foidesk/archive"
	cases "foidesk/case"
	"foidesk/workflow"
)

// adminRoutes are the administrator's pages: agencies and their settings, users and roles with
// API tokens, and calendar corrections.
func (s *Server) adminRoutes(r *gin.Engine) {
	r.GET("/admin", s.adminHome)
	r.GET("/admin/agencies", s.adminAgencies)
	r.POST("/admin/agencies", s.adminAgencyCreate)
	r.GET("/admin/agencies/:id", s.adminAgency)
	r.POST("/admin/agencies/:id", s.adminAgencyUpdate)
	r.POST("/admin/agencies/:id/seal", s.adminAgencySeal)
	r.GET("/admin/agencies/:id/seal.png", s.adminAgencySealImage)
	r.GET("/admin/users", s.adminUsers)
	r.POST("/admin/users", s.adminUserCreate)
	r.GET("/admin/users/:id", s.adminUser)
	r.POST("/admin/users/:id", s.adminUserUpdate)
	r.POST("/admin/users/:id/tokens", s.adminTokenCreate)
	r.POST("/admin/users/:id/tokens/:token_id/revoke", s.adminTokenRevoke)
	r.POST("/admin/users/:id/unlock", s.adminUserUnlock)
	r.GET("/admin/calendar", s.adminCalendar)
	r.POST("/admin/calendar", s.adminCalendarSet)
	r.POST("/admin/calendar/delete", s.adminCalendarDelete)
}

// adminForm carries a form's typed input and its errors.
type adminForm struct {
	Input  url.Values
	Fields map[string]string
	Error  string
	Flash  string
}

// V returns the typed value of a field, or def.
func (f adminForm) V(field, def string) string {
	if f.Input != nil {
		if _, ok := f.Input[field]; ok {
			return f.Input.Get(field)
		}
	}
	return def
}

// E returns the error of a field.
func (f adminForm) E(field string) string { return f.Fields[field] }

// Has reports whether value was submitted for field (checkboxes), or def without input.
func (f adminForm) Has(field, value string, def bool) bool {
	if f.Input == nil {
		return def
	}
	return slices.Contains(f.Input[field], value)
}

// parseForm parses the posted form of a staff page; a malformed one is answered with the error
// page and false.
func (s *Server) parseForm(c *gin.Context) bool {
	if err := c.Request.ParseForm(); err != nil {
		s.pageError(c, cases.E(cases.EINVALID, "提交的内容格式不正确。", "malformed form"))
		return false
	}
	return true
}

// formRefused fills f from the error refusing a submission and returns the status to show the
// form again with; an internal error is answered with the error page instead, and ok is false.
func (s *Server) formRefused(c *gin.Context, f *adminForm, err error) (status int, ok bool) {
	if cases.ErrorCode(err) == cases.EINTERNAL {
		s.pageError(c, err)
		return 0, false
	}
	l := lang(c)
	f.Input, f.Error = c.Request.PostForm, cases.ErrorMessage(err, l)
	var e *cases.Error
	if errors.As(err, &e) {
		f.Fields = e.Fields
		if l == langEN && len(e.FieldsEN) > 0 {
			f.Fields = e.FieldsEN
		}
	}
	return statusOf[cases.ErrorCode(err)], true
}

func (s *Server) flash(c *gin.Context) string {
	if sm := sessions(c); sm != nil {
		return sm.PopString(c.Request.Context(), "flash")
	}
	return ""
}

func (s *Server) setFlash(c *gin.Context, msg string) {
	if sm := sessions(c); sm != nil {
		sm.Put(c.Request.Context(), "flash", msg)
	}
}

// Administrators manage their own agency only (docs/design.md "Users"); a deployment
// administrator (`user add --all-agencies`) manages every agency, creates agencies, corrects
// the shared calendar and sees the outbox of the whole deployment.

// adminScope is the agency an administrator manages, 0 for a deployment administrator.
func adminScope(c *gin.Context) int64 {
	me, _ := currentUser(c)
	if me.AllAgencies {
		return 0
	}
	return me.AgencyID
}

// adminMay reports whether the administrator manages agency id.
func adminMay(c *gin.Context, id int64) bool {
	scope := adminScope(c)
	return scope == 0 || scope == id
}

var errDeploymentOnly = cases.E(cases.EFORBIDDEN, "此项操作仅限全系统管理员。", "only the deployment's administrator may do this")
var errOtherAgency = cases.E(cases.EFORBIDDEN, "您只能管理本机关的账户和设置。", "you manage your own agency only")

// deploymentOnly refuses (403 page) an administrator of one agency.
func (s *Server) deploymentOnly(c *gin.Context) bool {
	if adminScope(c) != 0 {
		s.pageError(c, errDeploymentOnly)
		return false
	}
	return true
}

func (s *Server) adminHome(c *gin.Context) {
	s.render(c, http.StatusOK, "admin/index", "admin.title", nil)
}

// --- Agencies ---------------------------------------------------------------------------------

type agenciesData struct {
	adminForm
	Agencies []cases.Agency
}

func (s *Server) adminAgencies(c *gin.Context) {
	s.agenciesPage(c, http.StatusOK, adminForm{Flash: s.flash(c)})
}

func (s *Server) agenciesPage(c *gin.Context, status int, f adminForm) {
	as, err := s.db.Agencies(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	as = slices.DeleteFunc(as, func(a cases.Agency) bool { return !adminMay(c, a.ID) })
	s.render(c, status, "admin/agencies", "admin.agencies", agenciesData{adminForm: f, Agencies: as})
}

func (s *Server) adminAgencyCreate(c *gin.Context) {
	if !s.deploymentOnly(c) {
		return
	}
	code, name := strings.TrimSpace(c.PostForm("code")), strings.TrimSpace(c.PostForm("name"))
	var fe cases.FieldErrors
	if name == "" {
		fe.Add("name", "请填写机关名称。", "Enter the agency's name.")
	}
	if code == "" {
		fe.Add("code", "请填写机关代码。", "Enter the agency's code.")
	}
	err := fe.Err()
	var a cases.Agency
	if err == nil {
		st := cases.DefaultSettings()
		st.TrackingPrefix, err = s.freePrefix(c, code)
		if err == nil {
			a, err = s.db.CreateAgency(c.Request.Context(), code, name, st)
		}
	}
	if err != nil {
		var f adminForm
		status, ok := s.formRefused(c, &f, err)
		if !ok {
			return
		}
		if len(f.Fields) == 0 {
			f.Fields = map[string]string{"code": f.Error}
		}
		s.agenciesPage(c, status, f)
		return
	}
	s.setFlash(c, T(lang(c), "admin.agency.created", a.Name))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/agencies/%d", a.ID))
}

// freePrefix proposes a tracking-number prefix for a new agency that no agency uses yet
// (tracking numbers are unique across the deployment): the code in capitals when it fits.
func (s *Server) freePrefix(c *gin.Context, code string) (string, error) {
	as, err := s.db.Agencies(c.Request.Context())
	if err != nil {
		return "", err
	}
	used := map[string]bool{}
	for _, a := range as {
		used[a.Settings.WithDefaults().TrackingPrefix] = true
	}
	p := strings.ToUpper(strings.NewReplacer("_", "", "-", "").Replace(code))
	if len(p) > 8 {
		p = p[:8]
	}
	if p == "" {
		p = "GK"
	}
	cand := p
	for i := 2; used[cand]; i++ {
		cand = p + strconv.Itoa(i)
	}
	return cand, nil
}

type agencyData struct {
	adminForm
	Agency  cases.Agency
	Letters cases.CodeList // the numbered letter classes
	HasSeal bool           // a seal image is printed on the agency's letters
	Signing string         // the signing certificate's subject and expiry, "" without a key
}

// RetentionGroups are the archive's retention groups with the agency's choice ("" for the default).
func (d agencyData) RetentionGroups() []retentionChoice {
	var out []retentionChoice
	for _, g := range archive.RetentionGroups {
		def, _ := retentionPeriods.Find(archive.DefaultRetention[g.Code])
		out = append(out, retentionChoice{Code: g, Value: d.Agency.Settings.Retention[g.Code], Default: def, Options: retentionPeriods})
	}
	return out
}

// PhraseChoices are the outcomes with the agency's phrases (one a line) for the settings form.
func (d agencyData) PhraseChoices(l string) []phraseChoice {
	var out []phraseChoice
	for _, o := range cases.Outcomes {
		if o.Code == cases.OutcomeCorrectionLapsed || o.Code == cases.OutcomeFeeLapsed {
			continue
		}
		out = append(out, phraseChoice{Code: o.Code, Label: outcomeLabel(o, l), Value: strings.Join(d.Agency.Settings.Phrases[o.Code], "\n")})
	}
	return out
}

type phraseChoice struct{ Code, Label, Value string }

type retentionChoice struct {
	Code    cases.Code
	Value   string // the setting; "" means the default
	Default cases.Code
	Options cases.CodeList
}

var retentionPeriods = cases.CodeList{
	{Code: archive.RetentionPermanent, ZH: "永久", EN: "Permanent"},
	{Code: archive.Retention30, ZH: "30年", EN: "30 years"},
	{Code: archive.Retention10, ZH: "10年", EN: "10 years"},
}

// Thresholds is the alert thresholds as typed: "5,3,1".
func (d agencyData) Thresholds() string {
	var parts []string
	for _, n := range d.Agency.Settings.AlertThresholds {
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ",")
}

// UploadMB is the upload limit in megabytes.
func (d agencyData) UploadMB() string {
	return strconv.FormatInt(d.Agency.Settings.UploadLimit>>20, 10)
}

// letterClasses are the document kinds with numbers (each has its prefix setting).
func letterClasses() cases.CodeList {
	var out cases.CodeList
	for _, k := range cases.DocKinds {
		if k.Code != cases.DocApplicationForm && k.Code != cases.DocUpload {
			out = append(out, k)
		}
	}
	return out
}

func (s *Server) agencyOf(c *gin.Context) (cases.Agency, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return cases.Agency{}, cases.E(cases.ENOTFOUND, "机关不存在。", "no such agency")
	}
	if !adminMay(c, id) {
		return cases.Agency{}, errOtherAgency
	}
	a, err := s.db.Agency(c.Request.Context(), id)
	a.Settings = a.Settings.WithDefaults()
	return a, err
}

func (s *Server) adminAgency(c *gin.Context) {
	a, err := s.agencyOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.renderAgency(c, http.StatusOK, agencyData{adminForm: adminForm{Flash: s.flash(c)}, Agency: a})
}

// renderAgency shows the agency page with its letter assets.
func (s *Server) renderAgency(c *gin.Context, status int, d agencyData) {
	d.Letters = letterClasses()
	if as, err := s.db.AgencyLetterAssets(c.Request.Context(), d.Agency.ID); err == nil {
		d.HasSeal = len(as.Seal) > 0
		if len(as.SigningCert) > 0 {
			d.Signing = signingSummary(as.SigningCert)
		}
	}
	s.render(c, status, "admin/agency", "admin.agency", d)
}

// signingSummary is the subject and expiry date of the first certificate of a PEM chain.
func signingSummary(certPEM []byte) string {
	b, _ := pem.Decode(certPEM)
	if b == nil {
		return "?"
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return "?"
	}
	return cert.Subject.CommonName + " (" + cert.NotAfter.Format("2006-01-02") + ")"
}

// adminAgencySeal stores or removes the seal image (multipart field "seal"; "remove" removes it).
func (s *Server) adminAgencySeal(c *gin.Context) {
	a, err := s.agencyOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, cases.MaxSealBytes+1<<20)
	var seal []byte
	if c.PostForm("remove") == "" {
		fh, ferr := c.FormFile("seal")
		if ferr == nil && fh.Size <= cases.MaxSealBytes {
			if f, oerr := fh.Open(); oerr == nil {
				seal, _ = io.ReadAll(io.LimitReader(f, cases.MaxSealBytes+1))
				f.Close()
			}
		}
		if len(seal) == 0 {
			seal = []byte{} // refused below as not a PNG
		}
	}
	if err := s.db.SetAgencySeal(c.Request.Context(), a.ID, seal, actorOf(c).Name); err != nil {
		var f adminForm
		status, ok := s.formRefused(c, &f, err)
		if !ok {
			return
		}
		s.renderAgency(c, status, agencyData{adminForm: f, Agency: a})
		return
	}
	s.setFlash(c, T(lang(c), "admin.saved"))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/agencies/%d#seal", a.ID))
}

// adminAgencySealImage sends the stored seal image.
func (s *Server) adminAgencySealImage(c *gin.Context) {
	a, err := s.agencyOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	as, err := s.db.AgencyLetterAssets(c.Request.Context(), a.ID)
	if err != nil || len(as.Seal) == 0 {
		s.pageError(c, cases.E(cases.ENOTFOUND, "未上传印章图片。", "no seal image"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "image/png", as.Seal)
}

// settingsFromForm reads the settings form; cases.Settings.Validate checks the settings (the same
// check the store applies to every write), this only what is not a setting: the name, and numbers
// that are not numbers.
func settingsFromForm(f url.Values, old cases.Settings) (string, cases.Settings, error) {
	var fe cases.FieldErrors
	st := old
	text := func(field string) string { return strings.TrimSpace(f.Get(field)) }
	num := func(field string, dst *int) {
		n, err := strconv.Atoi(text(field))
		if err != nil {
			n = 0 // out of every range: Validate names the range
		}
		*dst = n
	}
	name := text("name")
	if name == "" || utf8.RuneCountInString(name) > 100 {
		fe.Add("name", "请填写机关名称（不超过100个字）。", "Enter the agency's name (at most 100 characters).")
	}
	st.TrackingPrefix = text("tracking_prefix")
	st.LetterPrefixes = map[string]string{}
	for _, k := range letterClasses() {
		if v := text("letter_prefix." + k.Code); v != "" {
			st.LetterPrefixes[k.Code] = v
		}
	}
	st.ReconsiderationBody, st.Court, st.Address = text("reconsideration_body"), text("court"), text("address")
	st.Postcode, st.Phone, st.Email, st.SuperiorEmail = text("postcode"), text("phone"), text("email"), text("superior_email")
	st.SealText, st.PaymentInstructions = text("seal_text"), text("payment_instructions")
	num("correction_period", &st.CorrectionPeriod)
	num("unregistered_alert", &st.UnregisteredAlert)
	num("submit_rate_limit", &st.SubmitRateLimit)
	// The archive (docs/operations.md "Archive"): 全宗号, 机构（问题） and its code, 保管期限 per
	// retention group ("" keeps the default).
	st.FondsNo, st.ArchiveOrg, st.ArchiveOrgCode = text("fonds_no"), text("archive_org"), text("archive_org_code")
	st.Retention = map[string]string{}
	for _, g := range archive.RetentionGroups {
		if v := text("retention." + g.Code); v != "" {
			st.Retention[g.Code] = v
		}
	}
	// 答复常用语: one phrase a line per outcome.
	st.Phrases = map[string][]string{}
	for _, o := range cases.Outcomes {
		var ps []string
		for _, line := range strings.Split(f.Get("phrases."+o.Code), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				ps = append(ps, line)
			}
		}
		if len(ps) > 0 {
			st.Phrases[o.Code] = ps
		}
	}
	var mb int
	num("upload_limit_mb", &mb)
	st.UploadLimit = int64(mb) << 20
	var th []int
	for _, p := range strings.FieldsFunc(f.Get("alert_thresholds"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 20 {
			th = nil
			break
		}
		if !slices.Contains(th, n) {
			th = append(th, n)
		}
	}
	slices.Sort(th)
	slices.Reverse(th)
	st.AlertThresholds = th
	st.TimeZone = text("time_zone")
	if err := st.Validate(); err != nil {
		var e *cases.Error
		if errors.As(err, &e) {
			for k, v := range e.Fields {
				fe.Add(k, v, e.FieldsEN[k])
			}
		}
	}
	return name, st, fe.Err()
}

func (s *Server) adminAgencyUpdate(c *gin.Context) {
	a, err := s.agencyOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !s.parseForm(c) {
		return
	}
	name, st, err := settingsFromForm(c.Request.PostForm, a.Settings)
	if err == nil {
		// A prefix another agency has is refused by the store (a UNIQUE index), on its field.
		upd := a
		upd.Name, upd.Settings = name, st
		err = s.db.UpdateAgency(c.Request.Context(), upd)
	}
	if err != nil {
		var f adminForm
		status, ok := s.formRefused(c, &f, err)
		if !ok {
			return
		}
		s.renderAgency(c, status, agencyData{adminForm: f, Agency: a})
		return
	}
	s.setFlash(c, T(lang(c), "admin.saved"))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/agencies/%d", a.ID))
}

// --- Users ------------------------------------------------------------------------------------

type usersData struct {
	adminForm
	Users    []userRow
	Agencies []cases.Agency
	Roles    cases.CodeList
}

type userRow struct {
	cases.User
	Agency string
}

func (s *Server) adminUsers(c *gin.Context) {
	s.usersPage(c, http.StatusOK, adminForm{Flash: s.flash(c)})
}

func (s *Server) usersPage(c *gin.Context, status int, f adminForm) {
	ctx := c.Request.Context()
	us, err := s.db.Users(ctx, adminScope(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	as, err := s.db.Agencies(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	names := map[int64]string{}
	for _, a := range as {
		names[a.ID] = a.Name
	}
	as = slices.DeleteFunc(as, func(a cases.Agency) bool { return !adminMay(c, a.ID) })
	d := usersData{adminForm: f, Agencies: as, Roles: cases.Roles}
	for _, u := range us {
		d.Users = append(d.Users, userRow{User: u, Agency: names[u.AgencyID]})
	}
	s.render(c, status, "admin/users", "admin.users", d)
}

func (s *Server) adminUserCreate(c *gin.Context) {
	ctx := c.Request.Context()
	if !s.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	var fe cases.FieldErrors
	roles := f["roles"]
	if len(roles) == 0 {
		fe.Add("roles", "请至少选择一个角色。", "Choose at least one role.")
	}
	agencyID, _ := strconv.ParseInt(f.Get("agency"), 10, 64)
	username := strings.TrimSpace(f.Get("username"))
	if username == "" {
		fe.Add("username", "请填写用户名。", "Enter a username.")
	}
	if f.Get("password") == "" {
		fe.Add("password", "请设置初始密码（至少12个字符）。", "Set a password (at least 12 characters).")
	} else if err := cases.ValidatePassword(username, f.Get("password")); err != nil {
		addFieldErrors(&fe, err)
	}
	if agencyID == 0 {
		agencyID = adminScope(c)
	}
	if agencyID != 0 && !adminMay(c, agencyID) {
		fe.Add("agency", "您只能在本机关创建账户。", "You create accounts of your own agency only.")
	}
	if err := s.roleSeparation(roles); err != nil {
		addFieldErrors(&fe, err)
	}
	err := fe.Err()
	var u cases.User
	if err == nil {
		u, err = s.db.CreateUser(ctx, username, f.Get("password"), roles, agencyID, strings.TrimSpace(f.Get("display_name")))
	}
	if err == nil { // the administrator knows this password: the user chooses their own at the first login
		yes := true
		_, err = s.db.UpdateUser(ctx, u.ID, cases.UserPatch{MustChangePassword: &yes})
	}
	if err == nil && strings.TrimSpace(f.Get("email")) != "" {
		email := strings.TrimSpace(f.Get("email"))
		_, err = s.db.UpdateUser(ctx, u.ID, cases.UserPatch{Email: &email})
	}
	if err != nil {
		var af adminForm
		status, ok := s.formRefused(c, &af, err)
		if !ok {
			return
		}
		s.usersPage(c, status, af)
		return
	}
	s.setFlash(c, T(lang(c), "admin.user.created", u.Username))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d", u.ID))
}

type userData struct {
	adminForm
	User     cases.User
	Agencies []cases.Agency
	Tokens   []tokenRow
	NewToken string
	Self     bool
	Locked   bool // too many failed logins: the unlock button shows
	Roles    cases.CodeList
}

// Oversees reports whether the user acts for agency id besides the home agency.
func (d userData) Oversees(id int64) bool {
	if d.Input != nil {
		return slices.Contains(d.Input["agencies"], strconv.FormatInt(id, 10))
	}
	return slices.Contains(d.User.Agencies, id)
}

type tokenRow struct {
	ID        int64
	Label     string
	Created   string
	Revoked   string
	IsRevoked bool
}

func (s *Server) userOf(c *gin.Context) (cases.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return cases.User{}, cases.E(cases.ENOTFOUND, "用户不存在。", "no such user")
	}
	u, err := s.db.UserByID(c.Request.Context(), id)
	if err == nil && !adminMay(c, u.AgencyID) {
		return cases.User{}, errOtherAgency
	}
	return u, err
}

func (s *Server) userPage(c *gin.Context, status int, u cases.User, f adminForm, newToken string) {
	ctx := c.Request.Context()
	as, err := s.db.Agencies(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	as = slices.DeleteFunc(as, func(a cases.Agency) bool { return !adminMay(c, a.ID) })
	ts, err := s.db.Tokens(ctx, u.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	me, _ := currentUser(c)
	d := userData{adminForm: f, User: u, Agencies: as, NewToken: newToken, Self: me.ID == u.ID, Roles: cases.Roles}
	if d.Locked, err = s.db.AccountLocked(ctx, u.Username, loginPolicy); err != nil {
		s.pageError(c, err)
		return
	}
	for _, t := range ts {
		r := tokenRow{ID: t.ID, Label: t.Label, Created: t.CreatedAt.Local().Format("2006-01-02 15:04")}
		if t.RevokedAt != nil {
			r.IsRevoked, r.Revoked = true, t.RevokedAt.Local().Format("2006-01-02 15:04")
		}
		d.Tokens = append(d.Tokens, r)
	}
	s.render(c, status, "admin/user", "admin.user", d)
}

func (s *Server) adminUser(c *gin.Context) {
	u, err := s.userOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.userPage(c, http.StatusOK, u, adminForm{Flash: s.flash(c)}, "")
}

// adminUserUpdate changes roles, agencies, name, e-mail, active flag and (optionally) the
// password. An administrator cannot deactivate or demote their own account (no lock-out).
func (s *Server) adminUserUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	u, err := s.userOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !s.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	me, _ := currentUser(c)
	roles := f["roles"]
	active := f.Get("active") != ""
	display, email := f.Get("display_name"), f.Get("email")
	var agencies []int64
	for _, v := range f["agencies"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			agencies = append(agencies, id)
		}
	}
	home, _ := strconv.ParseInt(f.Get("agency"), 10, 64)
	p := cases.UserPatch{DisplayName: &display, Email: &email, Roles: &roles, Active: &active, Agencies: &agencies, AgencyID: &home}
	var fe cases.FieldErrors
	if pw := f.Get("password"); pw != "" {
		p.Password = &pw
		if err := cases.ValidatePassword(u.Username, pw); err != nil {
			addFieldErrors(&fe, err)
		}
		// A password set by an administrator for someone else is changed at the next login.
		must := me.ID != u.ID
		p.MustChangePassword = &must
	}
	if !adminMay(c, home) {
		fe.Add("agency", "您只能将账户归属本机关。", "You assign accounts to your own agency only.")
	}
	for _, a := range agencies {
		if !adminMay(c, a) {
			fe.Add("agencies", "您只能管理本机关的账户。", "You manage your own agency only.")
		}
	}
	if err := s.roleSeparation(roles); err != nil {
		addFieldErrors(&fe, err)
	}
	if me.ID == u.ID && !active {
		fe.Add("active", "不能停用当前登录的账户。", "You cannot deactivate your own account.")
	}
	if me.ID == u.ID && !slices.Contains(roles, cases.RoleAdmin) {
		fe.Add("roles", "不能取消本人的管理员角色。", "You cannot remove your own administrator role.")
	}
	err = fe.Err()
	if err == nil {
		_, err = s.db.UpdateUser(ctx, u.ID, p)
	}
	if err != nil {
		var af adminForm
		status, ok := s.formRefused(c, &af, err)
		if !ok {
			return
		}
		s.userPage(c, status, u, af, "")
		return
	}
	s.setFlash(c, T(lang(c), "admin.saved"))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d", u.ID))
}

// adminTokenCreate issues an API token and shows it once; only its hash is kept. An
// administrator creates tokens of its own account only: a token of another user would let the
// administrator act as that user (docs/design.md "Users").
func (s *Server) adminTokenCreate(c *gin.Context) {
	u, err := s.userOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if me, _ := currentUser(c); me.ID != u.ID {
		s.pageError(c, cases.E(cases.EFORBIDDEN, T("zh", "admin.token.own_only"), T("en", "admin.token.own_only")))
		return
	}
	label := strings.TrimSpace(c.PostForm("label"))
	if utf8.RuneCountInString(label) > 100 {
		label = string([]rune(label)[:100])
	}
	tok, err := s.db.CreateToken(c.Request.Context(), u.ID, label)
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.userPage(c, http.StatusCreated, u, adminForm{}, tok)
}

func (s *Server) adminTokenRevoke(c *gin.Context) {
	u, err := s.userOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.revokeToken(c, u.ID, fmt.Sprintf("/admin/users/%d", u.ID))
}

// adminUserUnlock lifts the lock of an account that reached the per-account ceiling of failed
// logins (web/auth.go).
func (s *Server) adminUserUnlock(c *gin.Context) {
	u, err := s.userOf(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	me, _ := currentUser(c)
	if err := s.db.UnlockUser(c.Request.Context(), u.Username, me.Username); err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, T(lang(c), "admin.unlocked"))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d", u.ID))
}

// --- Calendar ---------------------------------------------------------------------------------

type calendarData struct {
	adminForm
	Overrides []workflow.Override
	Moved     []cases.Recomputed
	Applied   *workflow.Override
	Deleted   cases.Date         // the override removed
	Preview   *workflow.Override // the change shown for confirmation (Note "" with Delete)
	Delete    bool               // the preview is of removing the override of Preview.Day
	Today     cases.Date
	Cal       calYear // the year view (web/admin_calendar.go)
}

func (s *Server) adminCalendar(c *gin.Context) {
	s.calendarPage(c, http.StatusOK, calendarData{adminForm: adminForm{Flash: s.flash(c)}})
}

func (s *Server) calendarPage(c *gin.Context, status int, d calendarData) {
	u, _ := currentUser(c)
	if a, err := s.homeAgency(c.Request.Context(), u); err == nil {
		d.Today = s.staffToday(a)
	}
	cal := s.db.Calendar()
	d.Overrides = cal.Overrides()
	slices.Reverse(d.Overrides)
	if d.Today.IsZero() {
		d.Today = s.todayOf(c)
	}
	// The year asked for, else that of the day just changed, else this year.
	def := d.Today.Year()
	for _, o := range []*workflow.Override{d.Applied, d.Preview} {
		if o != nil {
			def = o.Day.Year()
		}
	}
	if !d.Deleted.IsZero() {
		def = d.Deleted.Year()
	}
	year, err := calendarYearParam(c, def)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Cal = calendarYear(cal, year, d.Today, lang(c))
	s.render(c, status, "admin/calendar", "admin.calendar", d)
}

// adminCalendarSet records a working day or day off and shows every open case whose deadline
// moved (docs/rules.md §3: a calendar change recomputes the open cases, each with an event).
func (s *Server) adminCalendarSet(c *gin.Context) {
	if !s.deploymentOnly(c) {
		return
	}
	if !s.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	var fe cases.FieldErrors
	day, err := cases.ParseDate(strings.TrimSpace(f.Get("day")))
	if err != nil {
		fe.Add("day", "请按“年-月-日”格式填写日期，如2027-01-01。", "Enter the day as YYYY-MM-DD, e.g. 2027-01-01.")
	}
	kind := f.Get("kind")
	if kind != "work" && kind != "off" {
		fe.Add("kind", "请选择工作日或休息日。", "Choose a working day or a day off.")
	}
	note := strings.TrimSpace(f.Get("note"))
	if note == "" {
		fe.Add("note", "请说明依据，如国务院办公厅关于节假日安排的通知。", "Give the ground, e.g. the State Council's holiday notice.")
	} else if utf8.RuneCountInString(note) > 200 {
		fe.Add("note", "说明不得超过200个字。", "At most 200 characters.")
	}
	d := calendarData{}
	if err := fe.Err(); err != nil {
		status, ok := s.formRefused(c, &d.adminForm, err)
		if !ok {
			return
		}
		s.calendarPage(c, status, d)
		return
	}
	u, _ := currentUser(c)
	o := workflow.Override{Day: day, Work: kind == "work", Note: note}
	if f.Get("confirm") == "" {
		// First the cases the change would move, for confirmation; nothing changes yet.
		moved, err := s.db.PreviewCalendarDay(c.Request.Context(), day, &o)
		if err != nil {
			s.pageError(c, err)
			return
		}
		d.Moved, d.Preview = moved, &o
		s.calendarPage(c, http.StatusOK, d)
		return
	}
	moved, err := s.db.SetCalendarDay(c.Request.Context(), o, u.Username)
	if err != nil {
		status, ok := s.formRefused(c, &d.adminForm, err)
		if !ok {
			return
		}
		s.calendarPage(c, status, d)
		return
	}
	d.Moved, d.Applied = moved, &o
	s.calendarPage(c, http.StatusOK, d)
}

// adminCalendarDelete removes an override (the built-in calendar applies again): first the cases
// it would move, then, confirmed, the same recomputation as a new override.
func (s *Server) adminCalendarDelete(c *gin.Context) {
	if !s.deploymentOnly(c) {
		return
	}
	if !s.parseForm(c) {
		return
	}
	day, err := cases.ParseDate(strings.TrimSpace(c.PostForm("day")))
	if err != nil {
		s.pageError(c, cases.E(cases.ENOTFOUND, "该日期没有调整记录。", "no such override"))
		return
	}
	d := calendarData{}
	if c.PostForm("confirm") == "" {
		moved, err := s.db.PreviewCalendarDay(c.Request.Context(), day, nil)
		if err != nil {
			s.pageError(c, err)
			return
		}
		d.Moved, d.Preview, d.Delete = moved, &workflow.Override{Day: day}, true
		s.calendarPage(c, http.StatusOK, d)
		return
	}
	u, _ := currentUser(c)
	moved, err := s.db.DeleteCalendarDay(c.Request.Context(), day, u.Username)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Moved, d.Deleted = moved, day
	s.calendarPage(c, http.StatusOK, d)
}
