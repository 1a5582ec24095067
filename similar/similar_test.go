package similar

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type labelled struct {
	same       bool
	kind, a, b string
}

func loadPairs(t *testing.T) []labelled {
	t.Helper()
	f, err := os.Open("testdata/pairs.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 4 {
			t.Fatalf("bad line %q", line)
		}
		out = append(out, labelled{p[0] == "1", p[1], p[2], p[3]})
	}
	return out
}

// measure returns precision and recall of Same on the labelled pairs with threshold th.
func measure(pairs []labelled, th float64) (precision, recall float64, fp, fn []labelled) {
	tp := 0
	for _, p := range pairs {
		a, b := Of(p.a), Of(p.b)
		got := a.Numbers == b.Numbers && Score(a, b) >= th && !Conflict(a.Norm, b.Norm)
		switch {
		case got && p.same:
			tp++
		case got && !p.same:
			fp = append(fp, p)
		case !got && p.same:
			fn = append(fn, p)
		}
	}
	precision = float64(tp) / float64(max(tp+len(fp), 1))
	recall = float64(tp) / float64(max(tp+len(fn), 1))
	return
}

// Art. 36(六), Art. 44 (docs/rules.md §8): "the same information" is a stated rule measured on a
// labelled set of realistic descriptions with near misses (the same project in another year,
// another place, another 文号, another document of the same project).
func TestSameInformationPrecisionRecall(t *testing.T) {
	pairs := loadPairs(t)
	pos, near := 0, 0
	for _, p := range pairs {
		if p.same {
			pos++
		}
		if p.kind == "near_miss" {
			near++
		}
	}
	if len(pairs) < 200 || near < 100 || pos < 100 {
		t.Fatalf("the labelled set is too small: %d pairs, %d positive, %d near misses", len(pairs), pos, near)
	}
	for _, th := range []float64{0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7} {
		p, r, _, _ := measure(pairs, th)
		t.Logf("threshold %.2f: precision %.3f recall %.3f", th, p, r)
	}
	p, r, fp, fn := measure(pairs, Threshold)
	t.Logf("Threshold %.2f on %d pairs (%d same, %d near misses): precision %.3f, recall %.3f", Threshold, len(pairs), pos, near, p, r)
	for _, x := range fp {
		t.Logf("false positive: %s | %s (%.2f)", x.a, x.b, Score(Of(x.a), Of(x.b)))
	}
	for _, x := range fn {
		t.Logf("false negative: %s | %s (%.2f)", x.a, x.b, Score(Of(x.a), Of(x.b)))
	}
	if p < 0.95 || r < 0.85 {
		t.Errorf("precision %.3f recall %.3f: want at least 0.95 and 0.85", p, r)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"申请公开《二〇二五年度预算》全文。": "2025年度预算",
		"请提供２０２５年ＡＢＣ报告":     "2025年abc报告",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Numbers("望政发〔2024〕12号，二〇二四年，第０３号"); got != "12,2024,3" {
		t.Errorf("numbers %q", got)
	}
}
