package cases

import (
	"strings"
	"unicode/utf8"
)

// Personal data shown where it need not be whole (the ledger of docs/rules.md §8 printed for
// people without the right to see it whole) is masked by these functions.

// Summary cuts a request's description to n characters (with "……") on one line.
func Summary(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "……"
}

// MaskIDNumber masks an identity number for the ledger: the first four and last four characters
// stay, the rest become *. An organisation's 统一社会信用代码 is public and stays whole.
func MaskIDNumber(idType, s string) string {
	if idType == IDCredit {
		return s
	}
	return mask(s, 4, 4)
}

// MaskPhone masks a phone number: 138****8000; a landline keeps its area code and last four.
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	if i := strings.IndexByte(s, '-'); i > 0 && s[0] == '0' {
		return s[:i+1] + mask(s[i+1:], 0, 4)
	}
	return mask(s, 3, 4)
}

func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		if len(r) <= 2 {
			return strings.Repeat("*", len(r))
		}
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
