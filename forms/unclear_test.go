package forms

import (
	"os"
	"strings"
	"testing"
)

// Art. 30 (docs/rules.md §6): the unavailable.unclear letter tells of the correction once — the
// receipt of the corrected application is in the opening paragraph, the finding does not repeat it.
func TestArt30_UnclearLetterTellsTheCorrectionOnce(t *testing.T) {
	b, err := os.ReadFile("testdata/reply_unavailable_unclear.golden")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(b)), "")
	if n := strings.Count(text, "2026年10月21日"); n != 1 {
		t.Errorf("the date of the correction appears %d times:\n%s", n, b)
	}
	if !strings.Contains(text, "本机关已于2026年10月14日告知您对申请内容作出补正。经审查，您补正后的申请内容仍不明确") {
		t.Errorf("finding:\n%s", b)
	}
}
