package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// The account page (docs/design.md "Users"): every staff member changes their own password here
// (and must, before anything else, when an administrator created the account or reset its
// password), and creates and revokes their own API tokens. No administrator can obtain a token
// for another user: tokens are made by their owner, here, or on the server with
// `foidesk token create`.

func (s *Server) accountRoutes(r *gin.Engine) {
	r.GET("/account", s.accountPage)
	r.GET("/account/password", s.accountPage)
	r.POST("/account/password", s.accountPassword)
	r.POST("/account/tokens", s.accountTokenCreate)
	r.POST("/account/tokens/:token_id/revoke", s.accountTokenRevoke)
}

type accountData struct {
	adminForm
	MustChange bool
	Tokens     []tokenRow
	NewToken   string
	MinLength  int
}

func (s *Server) accountPage(c *gin.Context) {
	s.renderAccount(c, http.StatusOK, adminForm{Flash: s.flash(c)}, "")
}

func (s *Server) renderAccount(c *gin.Context, status int, f adminForm, newToken string) {
	u, _ := currentUser(c)
	ts, err := s.db.Tokens(c.Request.Context(), u.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := accountData{adminForm: f, MustChange: u.MustChangePassword, NewToken: newToken, MinLength: cases.MinPasswordLength}
	loc := s.staffLocation(c, u)
	for _, t := range ts {
		r := tokenRow{ID: t.ID, Label: t.Label, Created: t.CreatedAt.In(loc).Format("2006-01-02 15:04")}
		if t.RevokedAt != nil {
			r.IsRevoked, r.Revoked = true, t.RevokedAt.In(loc).Format("2006-01-02 15:04")
		}
		d.Tokens = append(d.Tokens, r)
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, status, "staff/account", "account.title", d)
}

// accountPassword changes the user's own password: the current one, then the new one twice,
// checked against the password policy (cases.ValidatePassword).
func (s *Server) accountPassword(c *gin.Context) {
	ctx := c.Request.Context()
	if !s.parseForm(c) {
		return
	}
	u, _ := currentUser(c)
	f := c.Request.PostForm
	cur, pw, again := f.Get("current"), f.Get("password"), f.Get("confirm")
	var fe cases.FieldErrors
	l := lang(c)
	if err := cases.ValidatePassword(u.Username, pw); err != nil {
		addFieldErrors(&fe, err)
	} else if pw != again {
		fe.Add("confirm", T("zh", "account.mismatch"), T("en", "account.mismatch"))
	} else if pw == cur {
		fe.Add("password", T("zh", "account.same"), T("en", "account.same"))
	}
	if fe.Empty() {
		if !s.acquireHash(ctx) {
			c.Header("Retry-After", "1")
			s.pageError(c, cases.E(cases.ERATELIMIT, T("zh", "auth.busy"), T("en", "auth.busy")))
			return
		}
		_, err := s.db.Authenticate(ctx, u.Username, cur)
		s.releaseHash()
		if cases.ErrorCode(err) == cases.EUNAUTHORIZED {
			fe.Add("current", T("zh", "account.wrong"), T("en", "account.wrong"))
		} else if err != nil {
			s.pageError(c, err)
			return
		}
	}
	err := fe.Err()
	if err == nil {
		no := false
		_, err = s.db.UpdateUser(ctx, u.ID, cases.UserPatch{Password: &pw, MustChangePassword: &no})
	}
	if err != nil {
		var af adminForm
		status, ok := s.formRefused(c, &af, err)
		if !ok {
			return
		}
		af.Input = nil // never echo passwords
		s.renderAccount(c, status, af, "")
		return
	}
	if sm := sessions(c); sm != nil {
		_ = sm.RenewToken(ctx)
	}
	s.logAuth(ctx, u.Username, c.ClientIP(), "password_changed", "")
	s.setFlash(c, T(l, "account.changed"))
	u.MustChangePassword = false
	c.Redirect(http.StatusSeeOther, homeOf(u))
}

func (s *Server) accountTokenCreate(c *gin.Context) {
	u, _ := currentUser(c)
	label := strings.TrimSpace(c.PostForm("label"))
	if utf8.RuneCountInString(label) > 100 {
		label = string([]rune(label)[:100])
	}
	tok, err := s.db.CreateToken(c.Request.Context(), u.ID, label)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.renderAccount(c, http.StatusCreated, adminForm{}, tok)
}

func (s *Server) accountTokenRevoke(c *gin.Context) {
	u, _ := currentUser(c)
	s.revokeToken(c, u.ID, "/account")
}

// revokeToken revokes the route's :token_id of user userID and goes back to the page back.
func (s *Server) revokeToken(c *gin.Context, userID int64, back string) {
	tid, err := strconv.ParseInt(c.Param("token_id"), 10, 64)
	if err == nil {
		err = s.db.RevokeTokenID(c.Request.Context(), userID, tid)
	} else {
		err = cases.E(cases.ENOTFOUND, "令牌不存在。", "no such token")
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, T(lang(c), "admin.token.revoked"))
	c.Redirect(http.StatusSeeOther, back)
}

// mustChangePassword keeps a user whose password an administrator set on the password page
// until it is changed (pages only; sign-out stays possible).
func mustChangePassword(c *gin.Context, u cases.User) bool {
	if !u.MustChangePassword || isAPI(c.Request.URL.Path) {
		return false
	}
	switch c.Request.URL.Path {
	case "/account", "/account/password", "/logout":
		return false
	}
	return !strings.HasPrefix(c.Request.URL.Path, "/static/")
}

// addFieldErrors adds the fields of a coded validation error to fe.
func addFieldErrors(fe *cases.FieldErrors, err error) {
	var e *cases.Error
	if errors.As(err, &e) {
		for k, v := range e.Fields {
			fe.Add(k, v, e.FieldsEN[k])
		}
	}
}

func (s *Server) roleSeparation(roles []string) error {
	return cases.CheckRoleSeparation(roles, s.cfg.AllowCombinedRoles)
}
