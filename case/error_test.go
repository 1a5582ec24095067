package cases

import "testing"

func TestErrorfMessageWithoutVerbs(t *testing.T) {
	e := Errorf(ECONFLICT, "案件已被他人修改，请刷新后重试。", "the case has changed (version %d, expected %d)", 3, 2)
	if e.Message != "案件已被他人修改，请刷新后重试。" {
		t.Errorf("Message = %q", e.Message)
	}
	if e.MessageEN != "the case has changed (version 3, expected 2)" {
		t.Errorf("MessageEN = %q", e.MessageEN)
	}
	if e := Errorf(EINVALID, "第%d行", "row %d", 7); e.Message != "第7行" || e.MessageEN != "row 7" {
		t.Errorf("Errorf = %q / %q", e.Message, e.MessageEN)
	}
}
