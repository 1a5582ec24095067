package archive

import (
	"bytes"
	"strconv"
)

// PageCount is the 页数 of a stored document: the pages of a PDF, 1 for anything else (an image,
// a text). A PDF's pages are its distinct /Type /Page objects, so that an incremental update (a
// signature rewriting a page object) does not count a page twice; a PDF whose objects are all
// compressed in object streams falls back to the largest /Count of its page tree; 1 at least.
// A byte scan, no regular expressions: it runs over every document of every package.
func PageCount(body []byte) int {
	if !bytes.HasPrefix(body, []byte("%PDF-")) {
		return 1
	}
	pages := map[string]bool{}
	rest := body
	for {
		i := bytes.Index(rest, []byte("obj"))
		if i < 0 {
			break
		}
		id, ok := objectID(rest[:i])
		after := rest[i+3:]
		if !ok || (len(after) > 0 && isRegular(after[0])) || (i > 0 && isRegular(rest[i-1]) && rest[i-1] != ' ') {
			rest = after
			continue
		}
		end := bytes.Index(after, []byte("endobj"))
		if end < 0 {
			end = len(after)
		}
		pages[id] = isPageObject(after[:end])
		rest = after[end:]
	}
	n := 0
	for _, isPage := range pages {
		if isPage {
			n++
		}
	}
	if n > 0 {
		return n
	}
	for rest := body; ; {
		i := bytes.Index(rest, []byte("/Count"))
		if i < 0 {
			break
		}
		rest = rest[i+6:]
		j := 0
		for j < len(rest) && isSpace(rest[j]) {
			j++
		}
		k := j
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		if c, err := strconv.Atoi(string(rest[j:k])); err == nil && c > n {
			n = c
		}
	}
	return max(n, 1)
}

// objectID reads "N G " backwards from the end of b (the bytes before "obj"): "N G", true.
func objectID(b []byte) (string, bool) {
	i := len(b)
	num := func() (string, bool) {
		j := i
		for j > 0 && b[j-1] >= '0' && b[j-1] <= '9' {
			j--
		}
		if j == i {
			return "", false
		}
		s := string(b[j:i])
		i = j
		return s, true
	}
	spaces := func() bool {
		j := i
		for i > 0 && isSpace(b[i-1]) {
			i--
		}
		return i < j
	}
	if !spaces() {
		return "", false
	}
	gen, ok := num()
	if !ok || !spaces() {
		return "", false
	}
	obj, ok := num()
	if !ok {
		return "", false
	}
	return obj + " " + gen, true
}

// isPageObject reports whether an object's body holds /Type /Page (not /Pages).
func isPageObject(b []byte) bool {
	for {
		i := bytes.Index(b, []byte("/Type"))
		if i < 0 {
			return false
		}
		b = b[i+5:]
		j := 0
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if bytes.HasPrefix(b[j:], []byte("/Page")) && (len(b) == j+5 || !isRegular(b[j+5])) {
			return true
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// isRegular: a PDF regular character (not white space, not a delimiter).
func isRegular(c byte) bool {
	return !isSpace(c) && !bytes.ContainsRune([]byte("()<>[]{}/%"), rune(c))
}
