// Package audit holds the supervisor's audit findings: what a case's own history shows was late,
// missing or broken (Art. 30, 33, 45; docs/rules.md §4 and §8). It is pure: the store loads the
// cases, events and documents of a month and calls Case for each.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// Case computes the findings on one case from its history: a reply approved or delivered
// after the reply deadline; a correction notice later than 7 working days after receipt; an
// extension approved after the deadline, or a second one in a handling; a reply without a
// delivery record; an archive without the case's documents (every document present with its
// digest, the reply letter issued, the delivery recorded); a broken event chain. docs are the
// case's documents with their bodies (nil skips the digest check). It changes nothing.
func Case(c *cases.Case, evs []cases.Event, docs []cases.Document, cal *workflow.Calendar, loc *time.Location) []cases.Finding {
	var out []cases.Finding
	add := func(rule string, e cases.Event, zh, en string) {
		out = append(out, cases.Finding{CaseID: c.ID, TrackingNo: c.TrackingNo, Rule: rule, Seq: e.Seq, Date: cases.DateOf(e.At, loc), Message: zh, MessageEN: en})
	}
	if b := workflow.VerifyChain(c, evs); b != nil {
		f := cases.Finding{CaseID: c.ID, TrackingNo: c.TrackingNo, Rule: cases.FindingChainBroken, Seq: b.Seq,
			Message: "事件链校验失败：" + b.Reason, MessageEN: "event chain broken: " + b.Reason}
		if b.Seq >= 1 && b.Seq <= len(evs) {
			f.Date = cases.DateOf(evs[b.Seq-1].At, loc)
		}
		out = append(out, f)
	}
	var (
		received    cases.Date // receipt of the current handling
		imported    bool
		extensions  int
		pauseStart  cases.Date // start of the pause running before the event
		replied     *cases.Event
		replyDue    cases.Date
		delivered   bool
		lateReplied bool
	)
	endHandling := func() {
		if replied != nil && !delivered && !imported {
			add(cases.FindingNoDelivery, *replied, fmt.Sprintf("答复已于%s作出，尚未登记送达。", cases.DateOf(replied.At, loc)),
				fmt.Sprintf("the reply of %s has no delivery record", cases.DateOf(replied.At, loc)))
		}
		replied, delivered, lateReplied, extensions = nil, false, false, 0
	}
	docsBySeq := map[int][]cases.Document{}
	for _, d := range docs {
		docsBySeq[d.EventSeq] = append(docsBySeq[d.EventSeq], d)
	}
	var replyDocSeq int
	for i := range evs {
		e := evs[i]
		day := cases.DateOf(e.At, loc)
		switch e.Event {
		case cases.EventRegister:
			received = workflow.PayloadDate(e.Payload, "received_on", day)
		case cases.EventImported:
			received, imported = workflow.PayloadDate(e.Payload, "received_on", day), true
		case cases.EventReopen:
			endHandling()
			received, imported = day, false
		case cases.EventRequestCorrection:
			// Art. 30: the correction notice goes out within 7 working days of receipt.
			if by := cal.AddWorkdays(received, cases.CorrectionNoticeWindow); !received.IsZero() && day.After(by) {
				add(cases.FindingLateCorrection, e, fmt.Sprintf("补正告知于%s发出，晚于收到申请后7个工作日（%s）。", day, by),
					fmt.Sprintf("correction notice on %s, later than 7 working days after receipt (%s)", day, by))
			}
		case cases.EventConsult, cases.EventRequestFee:
			pauseStart = day
		case cases.EventExtend:
			// Art. 33: once, decided on or before the current deadline (a running pause moves it).
			extensions++
			due := e.ReplyDueBefore
			if (e.FromState == cases.StateConsulting || e.FromState == cases.StateAwaitingFee) && !pauseStart.IsZero() {
				due = cal.AddWorkdays(due, cal.WorkdaysBetween(pauseStart, day))
			}
			if !due.IsZero() && day.After(due) {
				add(cases.FindingLateExtension, e, fmt.Sprintf("延期于%s批准，答复期限已于%s届满。", day, due),
					fmt.Sprintf("extension approved on %s after the deadline of %s", day, due))
			}
			if extensions > 1 {
				add(cases.FindingRepeatedExtension, e, fmt.Sprintf("本次办理中第%d次延期（第三十三条只允许延长一次）。", extensions),
					fmt.Sprintf("extension number %d in this handling (Art. 33 allows one)", extensions))
			}
		case cases.EventApprove:
			replied, replyDue, replyDocSeq = &evs[i], e.ReplyDueBefore, e.Seq
			if !replyDue.IsZero() && day.After(replyDue) {
				lateReplied = true
				add(cases.FindingLateReply, e, fmt.Sprintf("答复于%s作出，晚于答复期限%s。", day, replyDue),
					fmt.Sprintf("replied on %s, after the deadline of %s", day, replyDue))
			}
		case cases.EventRecordDelivery:
			delivered = true
			d := workflow.PayloadDate(e.Payload, "delivered_on", day)
			if replied != nil && !lateReplied && !replyDue.IsZero() && d.After(replyDue) {
				lateReplied = true
				add(cases.FindingLateReply, e, fmt.Sprintf("答复于%s送达，晚于答复期限%s。", d, replyDue),
					fmt.Sprintf("delivered on %s, after the deadline of %s", d, replyDue))
			}
		case cases.EventArchive:
			var missing []string
			if replied != nil && !imported {
				if !delivered {
					missing = append(missing, "送达记录")
				}
				found := false
				for _, d := range docsBySeq[replyDocSeq] {
					found = found || d.Kind == cases.DocReply
				}
				if !found && docs != nil {
					missing = append(missing, "答复书")
				}
			}
			for _, d := range docs {
				if d.EventSeq > e.Seq || d.Body == nil {
					continue
				}
				if len(d.Body) == 0 || sha256Hex(d.Body) != d.SHA256 {
					missing = append(missing, fmt.Sprintf("%s（文件缺失或与登记的摘要不符）", d.Title))
				}
			}
			if len(missing) > 0 {
				add(cases.FindingArchiveIncomplete, e, "归档时卷宗不完整：缺少"+strings.Join(missing, "、")+"。",
					"archived without: "+strings.Join(missing, ", "))
			}
		}
	}
	endHandling()
	return out
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
