package cases

import "testing"

func TestMask(t *testing.T) {
	for _, c := range [][3]string{
		{"resident_id", "430104198001101004", "4301**********1004"},
		{"passport", "E12345678", "E123*5678"},
		{"hk_macau_permit", "H1234567", "H******7"},
		{"credit_code", "91430100MA4L100370", "91430100MA4L100370"},
	} {
		if got := MaskIDNumber(c[0], c[1]); got != c[2] {
			t.Errorf("MaskIDNumber(%s) = %s, want %s", c[1], got, c[2])
		}
	}
	for in, want := range map[string]string{"13800138000": "138****8000", "0731-88881234": "0731-****1234", "": ""} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"申请公开  2025年\n预算", 20, "申请公开 2025年 预算"},
		{"一二三四五六", 4, "一二三四……"},
		{"一二三四", 4, "一二三四"},
		{"", 4, ""},
	} {
		if got := Summary(c.in, c.n); got != c.want {
			t.Errorf("Summary(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
