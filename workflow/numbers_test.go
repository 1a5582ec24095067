package workflow

import (
	"slices"
	"testing"

	cases "foidesk/case"
)

func TestLetterNumbers(t *testing.T) {
	a := cases.Agency{Settings: cases.Settings{LetterPrefixes: map[string]string{cases.DocReply: "望政公开", cases.DocReceipt: "望政公开"}}}
	for _, c := range []struct {
		kind, want string
	}{
		{cases.DocReply, "望政公开"},            // the agency's setting
		{cases.DocCorrectionNotice, "政公开补"}, // the default
		{"no_such_kind", ""},
	} {
		if got := LetterPrefix(a, c.kind); got != c.want {
			t.Errorf("LetterPrefix(%s) = %q, want %q", c.kind, got, c.want)
		}
	}
	if got := FormatLetterNo("望政公开", 2026, 12); got != "望政公开〔2026〕12号" {
		t.Errorf("FormatLetterNo = %s", got)
	}
	for _, c := range []struct {
		in      string
		prefix  string
		year, n int
		ok      bool
	}{
		{"望政公开〔2026〕12号", "望政公开", 2026, 12, true},
		{"〔2025〕3号", "", 2025, 3, true},
		{"望政公开[2026]12号", "", 0, 0, false},
		{"望政公开〔26〕12号", "", 0, 0, false},
		{"望政公开〔2026〕号", "", 0, 0, false},
		{"", "", 0, 0, false},
	} {
		p, y, n, ok := ParseLetterNo(c.in)
		if p != c.prefix || y != c.year || n != c.n || ok != c.ok {
			t.Errorf("ParseLetterNo(%q) = %q %d %d %v", c.in, p, y, n, ok)
		}
	}
	if got := LetterKindsWithPrefix(a, "望政公开"); !slices.Equal(got, []string{cases.DocReceipt, cases.DocReply}) {
		t.Errorf("LetterKindsWithPrefix = %v", got)
	}
	if got := FormatTrackingNo("GK", 2026, 12); got != "GK2026000012" {
		t.Errorf("FormatTrackingNo = %s", got)
	}
}
