package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
)

// Languages: Chinese by default, English by ?lang=en (kept in a cookie; <html lang> follows).
const (
	langZH = "zh"
	langEN = "en"
)

// The strings of the pages live in the message catalogues locale/zh.json and locale/en.json, one
// flat object of key → text per language (the same keys in both; a test checks it). A text may hold
// fmt verbs (%d, %s) filled by T's arguments. Adding a string = adding its key to both files.
//
//go:embed locale/*.json
var localeFS embed.FS

// catalogueLangs are the languages of the catalogues, in the order of a messages entry.
var catalogueLangs = [2]string{langZH, langEN}

// messages is key → {zh, en}, loaded once from the catalogues.
var messages = mustLoadCatalogues(localeFS)

func mustLoadCatalogues(fsys fs.FS) map[string][2]string {
	m, err := loadCatalogues(fsys)
	if err != nil {
		panic("web: " + err.Error())
	}
	return m
}

// loadCatalogues reads locale/zh.json and locale/en.json and joins them; a key that one language
// lacks, or whose text is empty, is an error naming the keys.
func loadCatalogues(fsys fs.FS) (map[string][2]string, error) {
	var cats [2]map[string]string
	for i, l := range catalogueLangs {
		b, err := fs.ReadFile(fsys, "locale/"+l+".json")
		if err != nil {
			return nil, fmt.Errorf("message catalogue: %w", err)
		}
		if err := json.Unmarshal(b, &cats[i]); err != nil {
			return nil, fmt.Errorf("message catalogue locale/%s.json: %w", l, err)
		}
	}
	m := make(map[string][2]string, len(cats[0]))
	var bad []string
	for _, cat := range cats {
		for k := range cat {
			if _, done := m[k]; done || slices.Contains(bad, k) {
				continue
			}
			if cats[0][k] == "" || cats[1][k] == "" {
				bad = append(bad, k)
				continue
			}
			m[k] = [2]string{cats[0][k], cats[1][k]}
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, fmt.Errorf("message catalogues: keys not in every language: %s", strings.Join(bad, ", "))
	}
	return m, nil
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
