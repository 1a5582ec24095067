package forms

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// unitMeasure gives CJK characters and full-width punctuation 1 unit and everything else 0.5.
func unitMeasure(s string) float64 {
	w := 0.0
	for _, r := range s {
		if isWide(r) && r != '“' && r != '”' && r != '‘' && r != '’' {
			w++
		} else {
			w += 0.5
		}
	}
	return w
}

func TestBreakLines(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "政府信息公开", 10, []string{"政府信息公开"}},
		{"cjk anywhere", "政府信息公开申请答复", 4, []string{"政府信息", "公开申请", "答复"}},
		{"empty", "", 4, []string{""}},
		{"newlines kept", "甲乙\n\n丙", 4, []string{"甲乙", "", "丙"}},
		{"crlf", "甲乙\r\n丙", 4, []string{"甲乙", "丙"}},
		// 。 would start line 2: 公 comes down with it.
		{"closing pulls previous char down", "政府信息公。开", 5, []string{"政府信息", "公。开"}},
		{"two closing marks", "政府信息公”。开", 5, []string{"政府信息", "公”。开"}},
		// 《 would end line 1: it moves down.
		{"opening moves down", "政府信息《条例》", 5, []string{"政府信息", "《条例》"}},
		{"ellipsis pair stays whole", "甲乙丙丁……", 5, []string{"甲乙丙", "丁……"}},
		{"latin words at spaces", "see the foidesk manual", 6, []string{"see the", "foidesk", "manual"}},
		{"latin next to cjk", "申请编号GK2026000123号", 8, []string{"申请编号", "GK2026000123号"}},
		{"long word split", "abcdefghijklmnop", 4, []string{"abcdefgh", "ijklmnop"}},
		{"spaces inside kept", "a  b", 10, []string{"a  b"}},
		{"indent kept", "　　第一段文字", 4, []string{"　　第一", "段文字"}},
		{"leading spaces kept", "  ab", 10, []string{"  ab"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BreakLines(unitMeasure, tt.text, tt.width)
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("BreakLines(%q, %v) = %q, want %q", tt.text, tt.width, got, tt.want)
			}
			checkLines(t, unitMeasure, tt.text, tt.width, true)
		})
	}
}

// checkLines breaks text and verifies the properties of BreakLines paragraph by paragraph: no
// character lost or reordered (only the spaces at breaks may go), every line within width, and,
// when strict, no line starting with closing punctuation or ending with opening punctuation.
func checkLines(t *testing.T, measure func(string) float64, text string, width float64, strict bool) []string {
	t.Helper()
	all := BreakLines(measure, text, width)
	var joined []string
	for _, para := range strings.Split(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"), "\n") {
		lines := BreakLines(measure, para, width)
		joined = append(joined, lines...)
		checkParagraph(t, measure, para, lines, width, strict)
	}
	if !slices.Equal(all, joined) {
		t.Errorf("BreakLines(%q) = %q, but paragraph by paragraph %q", text, all, joined)
	}
	return all
}

func checkParagraph(t *testing.T, measure func(string) float64, para string, lines []string, width float64, strict bool) {
	t.Helper()
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' {
				return -1
			}
			return r
		}, s)
	}
	if got, want := strip(strings.Join(lines, "")), strip(para); got != want {
		t.Fatalf("characters lost or reordered:\n text %q\nlines %q", para, lines)
	}
	for i, l := range lines {
		if w := measure(l); w > width+1e-9 && utf8.RuneCountInString(strings.TrimSpace(l)) > 1 {
			t.Errorf("line %d %q is %.2f wide, box %.2f", i, l, w, width)
		}
		if !strict {
			continue
		}
		first, _ := utf8.DecodeRuneInString(l)
		last, _ := utf8.DecodeLastRuneInString(l)
		if i > 0 && IsClosingPunct(first) {
			t.Errorf("line %d %q starts with closing punctuation (lines %q)", i, l, lines)
		}
		if i < len(lines)-1 && IsOpeningPunct(last) {
			t.Errorf("line %d %q ends with opening punctuation (lines %q)", i, l, lines)
		}
	}
}

var (
	genCJK     = []rune("政府信息公开申请答复书望城区人民法院喆堃犇珺第十五条规定本机关于年月日收到您的")
	genClosing = []rune("）》」”’〉】，。、；：？！")
	genOpening = []rune("（《「“‘〈【")
	genLatin   = []string{"GK2026000123", "PDF", "foidesk", "ISO", "7064", "e-mail", "No.12", "a", "Zhang", "https://example.org/x"}
)

// genText makes realistic mixed text: CJK with punctuation runs of at most two marks, Latin words
// between spaces, and the odd newline.
func genText(rng *rand.Rand, n int) string {
	var b []rune
	closingRun, openingRun := 0, 0
	for len(b) < n {
		switch k := rng.IntN(20); {
		case k < 11:
			b = append(b, genCJK[rng.IntN(len(genCJK))])
			closingRun, openingRun = 0, 0
		case k < 14 && closingRun < 2 && len(b) > 0:
			b = append(b, genClosing[rng.IntN(len(genClosing))])
			closingRun++
			openingRun = 0
		case k < 16 && openingRun < 2:
			b = append(b, genOpening[rng.IntN(len(genOpening))])
			openingRun++
			closingRun = 0
		case k < 18:
			if rng.IntN(2) == 0 {
				b = append(b, ' ')
			}
			b = append(b, []rune(genLatin[rng.IntN(len(genLatin))])...)
			if rng.IntN(2) == 0 {
				b = append(b, ' ')
			}
			closingRun, openingRun = 0, 0
		case k < 19:
			b = append(b, '\n')
			closingRun, openingRun = 0, 0
		default:
			b = append(b, '…', '…')
			closingRun += 2
			openingRun = 0
		}
	}
	return string(b)
}

func TestBreakLinesProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	measures := map[string]func(string) float64{"unit": unitMeasure}
	if f := optionalFont(t); f != nil {
		measures["font"] = func(s string) float64 { return f.Width(s, 14) }
	}
	for name, measure := range measures {
		em := measure("国")
		for range 3000 {
			text := genText(rng, 1+rng.IntN(200))
			// At least 14 em: wider than any unbreakable run the generator makes.
			width := em * (14 + rng.Float64()*20)
			checkLines(t, measure, text, width, true)
		}
		// Narrow boxes force long runs to be cut: nothing may be lost and lines stay in the box.
		for range 1000 {
			text := genText(rng, 1+rng.IntN(80))
			width := em * (1 + rng.Float64()*4)
			checkLines(t, measure, text, width, false)
		}
		t.Logf("%s measure: ok", name)
	}
}

func FuzzBreakLines(f *testing.F) {
	f.Add("政府信息公。开《条例》abc def", 5.0)
	f.Add("  \n\r\n……——", 1.0)
	f.Fuzz(func(t *testing.T, text string, width float64) {
		if width < 1 || width > 1000 || !utf8.ValidString(text) {
			return
		}
		checkLines(t, unitMeasure, text, width, false)
	})
}
