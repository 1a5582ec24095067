// Package notices holds the texts foidesk sends applicants by e-mail, with the articles they cite
// (docs/rules.md §7): pure functions of the case, written to the outbox by the store in the
// transaction of the event that sends them.
package notices

import (
	"fmt"

	cases "foidesk/case"
)

// Notice is the e-mail an event sends the applicant: its subject, the kind of the letter
// attached (none for the submission confirmation) and the body's text.
type Notice struct {
	Subject string
	Letter  string
	Text    func(c *cases.Case, doc Doc) string
}

// Doc is the letter an e-mail attaches: its id, kind and number.
type Doc struct {
	ID     int64  `db:"id"`
	Kind   string `db:"kind"`
	Number string `db:"number"`
}

func (d Doc) ref(title string) string {
	if d.Number != "" {
		return "《" + title + "》（" + d.Number + "）"
	}
	return "《" + title + "》"
}

// Applicant are the e-mails to the applicant by notice kind; which event sends which is
// the event's workflow.Spec.Notice.
var Applicant = map[cases.NoticeKind]Notice{
	cases.NoticeSubmitted: {"政府信息公开申请提交确认", "", func(c *cases.Case, _ Doc) string {
		return "您通过网上申请渠道提交的政府信息公开申请已收到，编号为" + c.TrackingNo + "。\n" +
			"根据《中华人民共和国政府信息公开条例》第三十一条，通过互联网渠道提交的申请，以双方确认之日为收到申请之日。" +
			"本机关登记确认后，将另行告知您收到申请的日期和答复期限。\n" +
			"您可以凭申请编号和查询码在本机关网站查询办理进度。为保障您的信息安全，查询码不随本邮件发送，请妥善保管提交申请时显示的查询码；遗失的，可在查询页面凭申请编号、证件号码和本邮箱地址找回。"
	}},
	cases.NoticeReceipt: {"政府信息公开申请登记回执", cases.DocReceipt, func(c *cases.Case, d Doc) string {
		return fmt.Sprintf("本机关已于%s收到并登记您的政府信息公开申请，申请编号为%s。\n"+
			"根据《中华人民共和国政府信息公开条例》第三十三条，本机关将在收到申请之日起20个工作日内予以答复，答复期限截至%s。%s见附件。",
			c.ReceivedOn.Chinese(), c.TrackingNo, c.ReplyDue.Chinese(), d.ref("登记回执"))
	}},
	cases.NoticeCorrection: {"补正告知书", cases.DocCorrectionNotice, func(c *cases.Case, d Doc) string {
		return fmt.Sprintf("经审查，您的政府信息公开申请（申请编号%s）需要补正，%s见附件。请于%s前按告知书的要求补正。\n"+
			"根据《中华人民共和国政府信息公开条例》第三十条，申请人无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
			c.TrackingNo, d.ref("补正告知书"), c.CorrectionDue.Chinese())
	}},
	cases.NoticeExtension: {"延期答复告知书", cases.DocExtensionNotice, func(c *cases.Case, d Doc) string {
		return fmt.Sprintf("根据《中华人民共和国政府信息公开条例》第三十三条，经本机关政府信息公开工作机构负责人同意，您的政府信息公开申请（申请编号%s）的答复期限延长%d个工作日，延长后的答复期限截至%s。%s见附件。",
			c.TrackingNo, c.ExtendedDays, c.ReplyDue.Chinese(), d.ref("延期答复告知书"))
	}},
	cases.NoticeReplyPeriod: {"答复期限告知书", cases.DocReplyPeriodNotice, func(c *cases.Case, d Doc) string {
		return fmt.Sprintf("根据《中华人民共和国政府信息公开条例》第三十五条，本机关确定您的政府信息公开申请（申请编号%s）的答复期限截至%s。%s见附件。",
			c.TrackingNo, c.ReplyDue.Chinese(), d.ref("答复期限告知书"))
	}},
	cases.NoticeConsultation: {"征求意见告知书", cases.DocConsultationNotice, func(c *cases.Case, d Doc) string {
		return fmt.Sprintf("您的政府信息公开申请（申请编号%s）需要征求第三方或者其他机关的意见。根据《中华人民共和国政府信息公开条例》第三十三条，征求意见所需时间不计算在答复期限内。%s见附件。",
			c.TrackingNo, d.ref("征求意见告知书"))
	}},
	cases.NoticeFee: {"收费通知书", cases.DocFeeNotice, func(c *cases.Case, d Doc) string {
		amount := 0
		if c.Fee != nil {
			amount = c.Fee.Amount
		}
		return fmt.Sprintf("根据《政府信息公开信息处理费管理办法》，您的政府信息公开申请（申请编号%s）需缴纳信息处理费人民币%d元，%s见附件。请于%s前按通知书的要求缴纳。\n"+
			"申请人逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。",
			c.TrackingNo, amount, d.ref("收费通知书"), c.FeeDue.Chinese())
	}},
	cases.NoticeReply: {"政府信息公开申请答复书", cases.DocReply, func(c *cases.Case, d Doc) string {
		return fmt.Sprintf("本机关已对您的政府信息公开申请（申请编号%s）作出答复，%s见附件。", c.TrackingNo, d.ref("政府信息公开申请答复书"))
	}},
	cases.NoticeCorrectionLapsed: {"终止办理告知书", cases.DocTerminationNotice, func(c *cases.Case, d Doc) string {
		return fmt.Sprintf("您未在补正期限（%s）内补正政府信息公开申请（申请编号%s）。根据《中华人民共和国政府信息公开条例》第三十条，视为放弃申请，本机关不再处理该政府信息公开申请。%s见附件。",
			c.CorrectionDue.Chinese(), c.TrackingNo, d.ref("终止办理告知书"))
	}},
	cases.NoticeFeeLapsed: {"终止办理告知书", cases.DocTerminationNotice, func(c *cases.Case, d Doc) string {
		return fmt.Sprintf("您未在缴费期限（%s）内缴纳政府信息公开申请（申请编号%s）的信息处理费。根据《政府信息公开信息处理费管理办法》，视为放弃申请，本机关不再处理该政府信息公开申请。%s见附件。",
			c.FeeDue.Chinese(), c.TrackingNo, d.ref("终止办理告知书"))
	}},
}

// Footer closes every e-mail to an applicant.
func Footer(a cases.Agency, today cases.Date) string {
	s := "\n\n" + a.Name + "\n" + today.Chinese() + "\n\n本邮件由系统自动发送，请勿直接回复。"
	if a.Settings.Phone != "" {
		s += "如有疑问，请致电" + a.Settings.Phone + "。"
	}
	return s
}
