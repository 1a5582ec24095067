package workflow

import (
	cases "foidesk/case"
)

// Events foidesk records itself, outside the table: creation of an online case, the calendar
// recomputation, the ledger import, a file added to the case and a new access code for the
// applicant (POST /track/recover; the code itself is never recorded).
var systemSpecs = []Spec{
	{
		Name: cases.EventSubmit, ZH: "网上提交", EN: "Submitted online", System: true,
		Public: &Public{Label: Text{"网上提交申请", "Submitted online"}},
		Notice: cases.NoticeSubmitted,
	},
	{
		Name: cases.EventDeadlineRecomputed, ZH: "期限重算", EN: "Deadline recomputed", System: true,
		Public: &Public{Label: Text{"答复期限调整", "Deadline recalculated"}, Detail: func(e cases.Event, _ Payload) Text {
			return textf("因工作日安排调整，答复期限由%s调整为%s", "the working-day calendar changed; the deadline moved from %s to %s",
				e.ReplyDueBefore.String(), e.ReplyDueAfter.String())
		}},
	},
	{Name: cases.EventImported, ZH: "台账导入", EN: "Imported", System: true},
	{
		Name: cases.EventDocumentIssued, ZH: "文书签发", EN: "Document issued", System: true,
		// shown only when the document itself is the applicant's (the timeline checks)
		Public: &Public{Label: Text{"上传文件", "File added"}, Detail: func(cases.Event, Payload) Text {
			return Text{"文件已附入案卷", "the file was added to the case"}
		}},
	},
	{Name: cases.EventAccessCodeReissued, ZH: "重新发放查询码", EN: "Access code reissued", System: true},
}
