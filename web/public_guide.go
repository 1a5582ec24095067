package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The guide (办事指南): how to apply, what an application holds, the periods, the fees, how to
// follow a case and the remedies — every number taken from the same settings, constants and fee
// functions the workflow uses, so the page cannot drift from the rules.

// Remedy periods (行政复议法 Art. 20, 行政诉讼法 Art. 46; docs/rules.md §7).
const (
	reconsiderationDays     = 60
	litigationMonths        = 6
	litigationAfterRecoDays = 15
)

// feeBand is a run of requests (or pages) charged at one rate; To is 0 for an open end.
type feeBand struct{ From, To, Rate int }

// guidePage is the data of the guide.
type guidePage struct {
	Agency                 cases.Agency
	Agencies               []cases.Agency
	Several                bool
	ReplyDays              int
	MaxExtensionDays       int
	CorrectionNoticeWindow int
	CorrectionPeriod       int
	ConsultationDays       int
	FeeDays                int
	ReconsiderationDays    int
	LitigationMonths       int
	LitigationAfterDays    int
	RequestBands           []feeBand
	RequestStep            int // what each further band of requests adds
	RequestExampleN        int
	RequestExample         int
	PageBands              []feeBand
	PageExampleN           int
	PageExample            int
	UploadMB               string
}

// feeBands groups 1…upTo by the marginal rate rate(n).
func feeBands(upTo int, rate func(n int) int) []feeBand {
	var out []feeBand
	for n := 1; n <= upTo; n++ {
		r := rate(n)
		if len(out) > 0 && out[len(out)-1].Rate == r {
			out[len(out)-1].To = n
			continue
		}
		out = append(out, feeBand{From: n, To: n, Rate: r})
	}
	return out
}

// guideData builds the guide of agency a.
func guideData(a cases.Agency, all []cases.Agency) guidePage {
	st := a.Settings.WithDefaults()
	a.Settings = st
	g := guidePage{
		Agency: a, Agencies: all, Several: len(all) > 1,
		ReplyDays: cases.ReplyDays, MaxExtensionDays: cases.MaxExtensionDays, CorrectionNoticeWindow: cases.CorrectionNoticeWindow,
		CorrectionPeriod: st.CorrectionPeriod, ConsultationDays: cases.ConsultationDays, FeeDays: cases.FeeDays,
		ReconsiderationDays: reconsiderationDays, LitigationMonths: litigationMonths, LitigationAfterDays: litigationAfterRecoDays,
		RequestExampleN: 45, PageExampleN: 250, UploadMB: megabytes(st.UploadLimit),
	}
	// Per request: the bands of the first 50 requests of a month, then the step of each further 10.
	g.RequestBands = feeBands(50, workflow.PerRequestRate)
	g.RequestStep = workflow.PerRequestRate(51) - workflow.PerRequestRate(41)
	g.RequestExample = workflow.PerRequestMonthTotal(g.RequestExampleN)
	// Per page: the marginal rate of each page; the last band is open-ended.
	g.PageBands = feeBands(1000, func(n int) int { return workflow.PerPageFee(n) - workflow.PerPageFee(n-1) })
	g.PageBands[len(g.PageBands)-1].To = 0
	g.PageExample = workflow.PerPageFee(g.PageExampleN)
	return g
}

func (s *Server) guide(c *gin.Context) {
	ctx := c.Request.Context()
	all, err := s.db.Agencies(ctx)
	if err != nil || len(all) == 0 {
		s.errorPage(c, err)
		return
	}
	a, err := s.agencyFor(ctx, c.Query("agency"))
	if err != nil {
		a = all[0]
	}
	s.render(c, http.StatusOK, "public/guide", "guide.title", guideData(a, all))
}
