package archive

import (
	"bytes"
	"regexp"
	"strconv"
)

var (
	pdfObject = regexp.MustCompile(`(?s)(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj`)
	pdfPage   = regexp.MustCompile(`/Type\s*/Page\b`)
	pdfCount  = regexp.MustCompile(`/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b`)
)

// PageCount is the 页数 of a stored document: the pages of a PDF, 1 for anything else (an image,
// a text). A PDF's pages are its distinct /Type /Page objects, so that an incremental update (a
// signature rewriting a page object) does not count a page twice; a PDF whose objects are all
// compressed in object streams falls back to the largest /Count of its page tree; 1 at least.
func PageCount(body []byte) int {
	if !bytes.HasPrefix(body, []byte("%PDF-")) {
		return 1
	}
	pages := map[string]bool{}
	for _, m := range pdfObject.FindAllSubmatchIndex(body, -1) {
		key := string(body[m[2]:m[3]]) + " " + string(body[m[4]:m[5]])
		pages[key] = pdfPage.Match(body[m[6]:m[7]])
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
	for _, m := range pdfCount.FindAllSubmatch(body, -1) {
		s := m[1]
		if len(s) == 0 {
			s = m[2]
		}
		if k, err := strconv.Atoi(string(s)); err == nil && k > n {
			n = k
		}
	}
	return max(n, 1)
}
