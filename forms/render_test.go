package forms

import "testing"

func TestSentence(t *testing.T) {
	tests := map[string]string{
		"": "",
		"现将该政府信息提供给您（见附件）": "现将该政府信息提供给您（见附件）。",
		"理由如下：":    "理由如下。",
		"已作遮盖处理。":  "已作遮盖处理。",
		"他说“不同意。”": "他说“不同意。”",
		"是否同意？":    "是否同意？",
		"见网站，":     "见网站。",
	}
	for in, want := range tests {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestChineseNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 23: "二十三", 99: "九十九"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
}
