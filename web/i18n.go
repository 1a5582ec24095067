package web

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
)

// Languages: Chinese by default, English by ?lang=en (kept in a cookie; <html lang> follows).
const (
	langZH = "zh"
	langEN = "en"
)

var (
	msgMu    sync.Mutex
	messages = map[string][2]string{} // key → {zh, en}
)

// addMessages registers template strings; every key must have both languages. Each group of
// pages registers its own in an init function.
func addMessages(m map[string][2]string) {
	msgMu.Lock()
	defer msgMu.Unlock()
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("web: duplicate message key " + k)
		}
		if v[0] == "" || v[1] == "" {
			panic("web: message " + k + " lacks a language")
		}
		messages[k] = v
	}
}

func init() {
	addMessages(map[string][2]string{
		"site.name":        {"政府信息公开申请平台", "Government Information Disclosure Requests"},
		"site.skip":        {"跳到主要内容", "Skip to main content"},
		"site.lang.switch": {"English", "中文"},
		"site.lang.label":  {"切换语言", "Change language"},
		"site.footer":      {"依据《中华人民共和国政府信息公开条例》办理", "Handled under the Regulations of the People's Republic of China on Government Information Disclosure"},
		"error.title":      {"出错了", "Something went wrong"},
		"error.back":       {"返回首页", "Back to the start page"},
	})
}

// T translates key into lang; a missing key shows itself (a test makes sure none is missing).
func T(lang, key string, args ...any) string {
	v, ok := messages[key]
	if !ok {
		return key
	}
	s := v[0]
	if lang == langEN {
		s = v[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// language picks the page language from ?lang=, then the cookie, and keeps a choice in a cookie.
func (s *Server) language(c *gin.Context) {
	l := c.Query("lang")
	if l == langEN || l == langZH {
		http.SetCookie(c.Writer, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	} else if ck, err := c.Cookie("lang"); err == nil && (ck == langEN || ck == langZH) {
		l = ck
	} else {
		l = langZH
	}
	c.Set("lang", l)
	c.Next()
}

func lang(c *gin.Context) string {
	if l, ok := c.Get("lang"); ok {
		return l.(string)
	}
	return langZH
}
