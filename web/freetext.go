package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// Free text from outside (issue 11): every string of a JSON body and every field of a posted form
// is refused (422 naming the field) when it is longer than maxFreeText characters, holds a NUL
// or another control character other than tab and line breaks, or a bidirectional control
// (U+202A–U+202E, U+2066–U+2069: they make a name or a note display as something else, "Trojan
// Source"). Fields have their own, smaller limits beside this one (e.g. a description 2,000).
const maxFreeText = 10000

// freeTextProblem describes what is wrong with s, "" when nothing.
func freeTextProblem(s string) (zh, en string) {
	if utf8.RuneCountInString(s) > maxFreeText {
		return fmt.Sprintf("内容过长（不得超过%d个字）。", maxFreeText), fmt.Sprintf("Too long (at most %d characters).", maxFreeText)
	}
	for _, r := range s {
		switch {
		case r == 0:
			return "不得含有空字符（NUL）。", "Must not contain a NUL character."
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return "不得含有改变文字方向的控制字符。", "Must not contain bidirectional control characters."
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f:
			return "不得含有控制字符。", "Must not contain control characters."
		}
	}
	return "", ""
}

// checkFormValues refuses a form with a field freeTextProblem objects to.
func checkFormValues(v url.Values) error {
	var f cases.FieldErrors
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var first [2]string
	for _, k := range keys {
		for _, s := range v[k] {
			if zh, en := freeTextProblem(s); zh != "" {
				f.Add(k, zh, en)
				if first[0] == "" {
					first = [2]string{"“" + k + "”" + zh, k + ": " + en}
				}
			}
		}
	}
	if err := f.Err(); err != nil {
		e := err.(*cases.Error)
		e.Message, e.MessageEN = first[0], first[1]
		return e
	}
	return nil
}

// checkJSONStrings refuses a JSON body with a string (a value or a key) freeTextProblem objects
// to; the field is its path (a.b, a.0.c).
func checkJSONStrings(body []byte) error {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil // the decoder reports it
	}
	var f cases.FieldErrors
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			if zh, en := freeTextProblem(x); zh != "" {
				f.Add(path, zh, en)
			}
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "body" {
					p = path + "." + k
				}
				if zh, en := freeTextProblem(k); zh != "" {
					f.Add(p, zh, en)
				}
				walk(p, e)
			}
		case []any:
			for i, e := range x {
				walk(path+"."+strconv.Itoa(i), e)
			}
		}
	}
	walk("body", v)
	return f.Err()
}

// freeTextGuard checks the posted url-encoded forms of the pages before any handler (multipart
// forms are checked where they are read: readPostedForm).
func (s *Server) freeTextGuard(c *gin.Context) {
	if c.Request.Method != "POST" || isAPI(c.Request.URL.Path) || !strings.HasPrefix(c.ContentType(), "application/x-www-form-urlencoded") {
		c.Next()
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.pageError(c, cases.E(cases.EINVALID, "提交的内容格式不正确。", "malformed form"))
		return
	}
	if err := checkFormValues(c.Request.PostForm); err != nil {
		s.pageError(c, err)
		return
	}
	c.Next()
}
