package forms

import (
	"strings"
	"unicode/utf8"
)

// closing are characters that must not start a line (行首禁则): closing brackets and quotes,
// sentence and clause punctuation, the ellipsis and the dash, in their full-width and ASCII forms.
const closing = "）》」』”’〉】〕〗〙〛｝］，。、；：？！…—～·．％‰℃" + ")]},.;:?!%"

// opening are characters that must not end a line (行尾禁则).
const opening = "（《「『“‘〈【〔〖〘〚｛［" + "([{"

// IsClosingPunct reports whether r must not start a line.
func IsClosingPunct(r rune) bool { return strings.ContainsRune(closing, r) }

// IsOpeningPunct reports whether r must not end a line.
func IsOpeningPunct(r rune) bool { return strings.ContainsRune(opening, r) }

// isWide reports whether r belongs to the scripts that may break between any two characters:
// CJK ideographs, kana, hangul, CJK symbols and full-width forms.
func isWide(r rune) bool {
	switch {
	case r >= 0x2E80 && r <= 0x9FFF, // radicals, CJK symbols and punctuation, kana, CJK ideographs
		r >= 0xAC00 && r <= 0xD7AF, // hangul
		r >= 0xF900 && r <= 0xFAFF, // compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFFEF, // full-width forms
		r >= 0x20000:
		return true
	}
	// Punctuation that sits between CJK text: dashes, ellipsis, curly quotes.
	return r == '—' || r == '…' || r == '“' || r == '”' || r == '‘' || r == '’' || r == '·'
}

// canBreak reports whether a line may break between a and b (neither a space).
func canBreak(a, b rune) bool {
	if IsClosingPunct(b) || IsOpeningPunct(a) {
		return false
	}
	if (a == '—' || a == '…') && a == b { // the two halves of —— and ……
		return false
	}
	// Latin words, numbers and the punctuation inside them stay whole; break next to CJK.
	return isWide(a) || isWide(b)
}

// BreakLines breaks text into lines no wider than width, measuring with measure (which must be
// additive: the width of a string is the sum of the widths of its parts).
//
// Lines break between any two CJK characters and at the spaces between Latin words; a Latin word
// longer than a whole line is split between characters, preferably after a separator such as
// @ . / - so that addresses and URLs break where a reader expects. Explicit newlines are kept ("\r\n" and
// "\r" count as "\n"); an empty paragraph yields an empty line. The spaces at which a line breaks
// and those that end a paragraph are dropped; every other character, spaces included, is kept in
// order. The ideographic space U+3000 (used for the two-character indent) is an ordinary character.
//
// Punctuation rules (禁则): a closing mark (）》，。、；：？！…— and the like) never starts a line and
// an opening mark (（《「“‘〈【) never ends one. We push rather than hang: when a closing mark does
// not fit at the end of a line, the character before it moves down with it, so every line stays
// inside the box and the right margin stays straight. The same holds for the pairs —— and …….
// Only a run of unbreakable text wider than the line itself is cut against these rules.
func BreakLines(measure func(string) float64, text string, width float64) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = breakParagraph(lines, measure, para, width)
	}
	return lines
}

// atom is a run of text that is not broken inside (unless it is wider than a line), with the
// spaces that follow it.
type atom struct {
	text   string
	spaces string
}

// atoms splits a paragraph at its break opportunities.
func atoms(para string) (leading string, out []atom) {
	i := 0
	for i < len(para) && para[i] == ' ' {
		i++
	}
	leading, para = para[:i], para[i:]
	start := 0
	var prev rune = -1
	for j, r := range para {
		if r == ' ' {
			continue
		}
		if j > start {
			// After spaces a line may break unless the punctuation rules forbid it.
			brk := canBreak(prev, r)
			if para[j-1] == ' ' {
				brk = !IsClosingPunct(r) && !IsOpeningPunct(prev)
			}
			if brk {
				t := para[start:j]
				trimmed := strings.TrimRight(t, " ")
				out = append(out, atom{trimmed, t[len(trimmed):]})
				start = j
			}
		}
		prev = r
	}
	if start < len(para) {
		t := para[start:]
		trimmed := strings.TrimRight(t, " ")
		out = append(out, atom{trimmed, t[len(trimmed):]})
	}
	return leading, out
}

func breakParagraph(lines []string, measure func(string) float64, para string, width float64) []string {
	leading, as := atoms(para)
	if len(as) == 0 {
		return append(lines, leading)
	}
	line := []byte(leading)
	lineW := measure(leading)
	hasAtom := false
	pending := "" // the spaces after the line's last atom, written only if another atom follows
	emit := func() {
		lines = append(lines, string(line))
		line, lineW = line[:0], 0
	}
	for _, a := range as {
		aw := measure(a.text)
		if hasAtom {
			if pw := measure(pending); lineW+pw+aw <= width {
				line = append(append(line, pending...), a.text...)
				lineW += pw + aw
				pending = a.spaces
				continue
			}
			emit()
		}
		hasAtom, pending = true, a.spaces
		if lineW+aw <= width {
			line = append(line, a.text...)
			lineW += aw
			continue
		}
		// The atom is wider than a whole line: cut it between characters.
		rest := a.text
		for rest != "" {
			first, _ := utf8.DecodeRuneInString(rest)
			if lineW > 0 && lineW+measure(string(first)) > width {
				emit() // only leading spaces on this line
			}
			n := fit(measure, rest, width-lineW)
			if n < len(rest) {
				n = adjustCut(rest, softCut(rest, n))
			}
			line = append(line, rest[:n]...)
			lineW += measure(rest[:n])
			if rest = rest[n:]; rest != "" {
				emit()
			}
		}
	}
	emit()
	return lines
}

// fit returns the byte length of the longest prefix of s no wider than w, at least one character.
func fit(measure func(string) float64, s string, w float64) int {
	used := 0.0
	for i, r := range s {
		cw := measure(string(r))
		if i > 0 && used+cw > w {
			return i
		}
		used += cw
	}
	return len(s)
}

// softCut moves a forced cut at byte n of s back to just after the last of the separators of
// addresses and identifiers (@ . / - _ ? & = #) in s[:n], if any: "zhangsan@" / "example.com"
// reads better than "zhangsan@example.co" / "m".
func softCut(s string, n int) int {
	if i := strings.LastIndexAny(s[:n], "@./-_?&=#"); i > 0 && i+1 < n {
		return i + 1
	}
	return n
}

// adjustCut moves a forced cut at byte n of s (0 < n < len(s)) back to the nearest character
// boundary that keeps closing punctuation off the next line and opening punctuation off this one;
// when there is none, the cut stays at n.
func adjustCut(s string, n int) int {
	for m := n; m > 0; {
		next, _ := utf8.DecodeRuneInString(s[m:])
		prev, size := utf8.DecodeLastRuneInString(s[:m])
		if !IsClosingPunct(next) && !IsOpeningPunct(prev) {
			return m
		}
		m -= size
	}
	return n
}
