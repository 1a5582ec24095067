// Package similar decides whether two descriptions of requested information ask for the same
// information (docs/rules.md §8: repeated requests, Art. 36(六), and the Art. 44 clusters). It is
// pure: no database, no HTTP.
//
// The rule, stated once:
//
//  1. Normalise each description: full-width characters become their ASCII forms
//     (golang.org/x/text/width), letters are lowercased, Chinese numerals in a year (二〇二五) become
//     digits, everything that is neither a letter nor a digit is dropped, and the phrases that
//     every request carries (申请公开, 请提供, 全文, 文件, …; Stopwords) are removed.
//  2. Two descriptions ask for the same information when the Dice coefficient of the sets of
//     character bigrams of the normalised texts is at least Threshold, and they name the same
//     numbers (the sets of digit runs: years, document numbers, line numbers) — the same project
//     in another year, or another 文号, is other information;
//  3. and, aligned character by character, they differ by no substitution (Conflict): words
//     added or left out, or abbreviated (环评 for 环境影响评价), keep the information; a place, a
//     quarter, a project or a document replaced by another does not.
//
// Threshold was measured on similar/testdata/pairs.tsv (375 labelled pairs: 141 of the same
// information, 188 near misses, 46 unrelated; TestSameInformationPrecisionRecall): at 0.5 the rule
// has precision 0.969 and recall 0.879 (the misses are synonyms: 工程 for 项目, 扰民 for 污染).
package similar

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Threshold is the least Dice coefficient of two descriptions of the same information.
const Threshold = 0.5

// Stopwords are the phrases a request carries whatever it asks for, removed before comparing
// (longest first, so that 申请公开 goes before 公开).
var Stopwords = []string{
	"政府信息公开", "申请公开", "请求公开", "要求公开", "请予公开", "依法公开", "请提供", "申请提供", "要求提供", "请公开",
	"复印件", "全文", "文本", "文件", "相关", "有关", "关于", "申请", "提供", "公开", "本人", "请", "的", "和", "及", "与", "、",
}

var yearDigits = map[rune]rune{'〇': '0', '零': '0', '一': '1', '二': '2', '三': '3', '四': '4', '五': '5', '六': '6', '七': '7', '八': '8', '九': '9'}

// Normalize returns the normalised text of a description (step 1 of the rule).
func Normalize(s string) string {
	s = fold(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	s = b.String()
	for _, w := range Stopwords {
		s = strings.ReplaceAll(s, w, "")
	}
	return s
}

// fold makes full-width characters ASCII, lowercases letters and writes years in digits.
func fold(s string) string { return yearsToDigits(strings.ToLower(width.Fold.String(s))) }

// yearsToDigits writes a year in Chinese numerals (四个数字后接“年”, e.g. 二〇二五年) with digits.
func yearsToDigits(s string) string {
	rs := []rune(s)
	for i := 0; i+4 < len(rs); i++ {
		if rs[i+4] != '年' {
			continue
		}
		ok := true
		for _, r := range rs[i : i+4] {
			if _, d := yearDigits[r]; !d {
				ok = false
			}
		}
		if ok {
			for k := i; k < i+4; k++ {
				rs[k] = yearDigits[rs[k]]
			}
		}
	}
	return string(rs)
}

// Bigrams returns the set of character bigrams of a normalised text (a text of one character is
// its own bigram).
func Bigrams(norm string) map[string]struct{} {
	rs := []rune(norm)
	out := make(map[string]struct{}, len(rs))
	if len(rs) == 1 {
		out[norm] = struct{}{}
	}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])] = struct{}{}
	}
	return out
}

// Dice is 2|A∩B| / (|A|+|B|) of two bigram sets (0 when both are empty).
func Dice(a, b map[string]struct{}) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if _, ok := b[k]; ok {
			n++
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}

// Numbers returns the numbers a description names (its runs of digits, full-width and Chinese
// years included), as a sorted set joined with commas: 望政发〔2024〕12号 → "12,2024".
func Numbers(description string) string {
	norm := fold(description)
	var nums []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			n := strings.TrimLeft(cur.String(), "0")
			if n == "" {
				n = "0"
			}
			nums = append(nums, n)
			cur.Reset()
		}
	}
	for _, r := range norm {
		if r >= '0' && r <= '9' {
			cur.WriteRune(r)
		} else {
			flush()
		}
	}
	flush()
	// a set: sorted, without repeats
	for i := 1; i < len(nums); i++ {
		for j := i; j > 0 && nums[j] < nums[j-1]; j-- {
			nums[j], nums[j-1] = nums[j-1], nums[j]
		}
	}
	out := nums[:0]
	for i, n := range nums {
		if i == 0 || n != nums[i-1] {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

// Fingerprint is a description prepared for comparison: its normalised text, bigrams and numbers.
type Fingerprint struct {
	Norm    string
	Bigrams map[string]struct{}
	Numbers string
}

// Of prepares a description for comparison.
func Of(description string) Fingerprint {
	n := Normalize(description)
	return Fingerprint{Norm: n, Bigrams: Bigrams(n), Numbers: Numbers(description)}
}

// Score is the Dice coefficient of two fingerprints.
func Score(a, b Fingerprint) float64 { return Dice(a.Bigrams, b.Bigrams) }

// Same reports whether two fingerprints ask for the same information (steps 2 and 3 of the rule).
func Same(a, b Fingerprint) bool {
	return a.Numbers == b.Numbers && Score(a, b) >= Threshold && !Conflict(a.Norm, b.Norm)
}

// Conflict reports whether two normalised texts, aligned on their longest common subsequence of
// characters, differ somewhere by a substitution — a stretch of one replaced by a stretch of the
// other, each with characters the other text has nowhere (a moved word is no substitution), and
// neither an abbreviation of the other (its characters in order within the other: 环评 of
// 环境影响评价, 低保 of 最低生活保障). Words added or left out on one side are not
// conflicts (年度 for 年, 人员名单 for 名单); another place, quarter, project or document is
// (清溪区 for 望城区, 第三季度 for 第二季度, 施工许可证 for 环境影响评价报告).
func Conflict(a, b string) bool {
	x, y := []rune(a), []rune(b)
	n, m := len(x), len(y)
	// lcs[i][j]: the length of the longest common subsequence of x[i:] and y[j:]
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	var da, db []rune // the current gap on each side
	inA, inB := map[rune]bool{}, map[rune]bool{}
	for _, r := range x {
		inA[r] = true
	}
	for _, r := range y {
		inB[r] = true
	}
	// new keeps the characters of s that the other text has nowhere (a word moved elsewhere,
	// 2025年本区 for 本区2025年, is not new).
	newIn := func(s []rune, other map[rune]bool) []rune {
		var out []rune
		for _, r := range s {
			if !other[r] {
				out = append(out, r)
			}
		}
		return out
	}
	gap := func() bool {
		defer func() { da, db = da[:0], db[:0] }()
		na, nb := newIn(da, inB), newIn(db, inA)
		return len(na) > 0 && len(nb) > 0 && !subsequence(na, nb) && !subsequence(nb, na)
	}
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			if gap() {
				return true
			}
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			da = append(da, x[i])
			i++
		default:
			db = append(db, y[j])
			j++
		}
	}
	da, db = append(da, x[i:]...), append(db, y[j:]...)
	return gap()
}

// subsequence reports whether the characters of s appear in t in order.
func subsequence(s, t []rune) bool {
	k := 0
	for _, r := range t {
		if k < len(s) && s[k] == r {
			k++
		}
	}
	return k == len(s)
}

// SameText is Same on two descriptions.
func SameText(a, b string) bool { return Same(Of(a), Of(b)) }
