package web

import (
	"crypto/hmac"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// 关怀模式 (Art. 43: applicants with reading or sight difficulties must be helped; the national
// 适老化 rules for government websites): larger text (at least 18 px), larger targets (at least 44
// px), higher contrast. Every public page has the switch; the choice is kept in a cookie, like the
// language (?care=on|off on any page sets it). The public pages name the agency and its contact in
// the header and the footer.

const (
	careCookie = "care"
	careKey    = "care"
	repostKey  = "repost"
)

// careSwitch reads ?care=on|off (kept in a cookie for a year) or the cookie.
func (s *Server) careSwitch(c *gin.Context) {
	on := false
	switch c.Query("care") {
	case "on":
		on = true
		http.SetCookie(c.Writer, &http.Cookie{Name: careCookie, Value: "on", Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.isHTTPS(c.Request), SameSite: http.SameSiteLaxMode})
	case "off":
		http.SetCookie(c.Writer, &http.Cookie{Name: careCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.isHTTPS(c.Request), SameSite: http.SameSiteLaxMode})
	default:
		ck, err := c.Cookie(careCookie)
		on = err == nil && ck == "on"
	}
	c.Set(careKey, on)
	c.Next()
}

func careMode(c *gin.Context) bool {
	v, _ := c.Get(careKey)
	on, _ := v.(bool)
	return on
}

// siteAgency is the agency the header and footer name.
type siteAgency struct {
	Name, Phone, Address, Email string
}

// siteAgency returns the deployment's (first) agency with its contact, or nil.
func (s *Server) siteAgency(c *gin.Context) *siteAgency {
	as, err := s.db.Agencies(c.Request.Context())
	if err != nil || len(as) == 0 {
		return nil
	}
	st := as[0].Settings
	return &siteAgency{Name: as[0].Name, Phone: st.Phone, Address: st.Address, Email: st.Email}
}

// applyDone shows a confirmation again, from the language or care switch of the confirmation
// page: a POST of the form's one-time token (no code in any URL, nothing stored). Only the browser
// that submitted the form gets it: the token must be one whose confirmation is kept (an hour) and
// the browser's tracking cookie must name that case under its code; otherwise the tracking page.
func (s *Server) applyDone(c *gin.Context) {
	conf := s.public.replays.result(c.PostForm(keyToken), s.public.now())
	if conf == nil || !s.trackCookieNames(c, conf.TrackingNo, conf.codeHash) {
		c.Redirect(http.StatusSeeOther, "/track")
		return
	}
	s.showConfirmation(c, *conf, c.PostForm(keyToken))
}

// trackCookieNames reports whether this browser's tracking cookie opens case no under codeHash.
func (s *Server) trackCookieNames(c *gin.Context, no, codeHash string) bool {
	ck, err := c.Cookie(trackCookieName)
	if err != nil {
		return false
	}
	parts := strings.Split(ck, ".")
	if len(parts) != 3 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || err2 != nil || string(b) != no || s.public.now().Unix() > exp {
		return false
	}
	return hmac.Equal([]byte(parts[2]), []byte(trackMAC(codeHash, no, exp)))
}
