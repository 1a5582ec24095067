package web

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// The supervisor dashboard: received and concluded per month, the outcome mix, the on-time rate,
// the open cases by clerk and by working days left — charts drawn on the server (no script).

// outcomeFamilies are the groups of table 三 in order, with their chart colours.
var outcomeFamilies = []struct {
	Family, Key, Color string
}{
	{"disclose", "dash.family.disclose", "#1d6b2f"},
	{"partial", "dash.family.partial", "#5a9e4b"},
	{"withhold", "dash.family.withhold", "#a4000f"},
	{"unavailable", "dash.family.unavailable", "#b35c00"},
	{"rejected", "dash.family.rejected", "#6b4c9a"},
	{"other", "dash.family.other", "#6f6f6f"},
}

var daysLeftColors = map[string]string{"overdue": "#a4000f", "0-2": "#d35400", "3-5": "#b7950b", "6-10": "#5a9e4b", "11+": "#1d6b2f", "stopped": "#6f6f6f"}

type dashMonth struct {
	Label     string
	Received  int
	Concluded int
	OnTime    int
	Delivered int
	Rate      string
	Ledger    string // the ledger of the month: the cases behind its numbers
}

type dashData struct {
	Agency    string
	Agencies  []cases.Agency
	D         cases.Dashboard
	Months    []dashMonth
	Families  []svgBar
	Outcomes  []svgBar
	Clerks    []svgBar
	DaysLeft  []svgBar
	Flow      template.HTML
	Mix       template.HTML
	Rate      template.HTML
	ByClerk   template.HTML
	ByLeft    template.HTML
	RateTotal string
}

func (s *Server) dashboardPage(c *gin.Context) {
	l := lang(c)
	ids, _, err := s.reportScope(c, c.Query("agency"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	rs, err := s.reports()
	if err != nil {
		s.pageError(c, err)
		return
	}
	dash, err := rs.Dashboard(c.Request.Context(), ids)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := dashData{Agency: c.Query("agency"), Agencies: s.visibleAgencies(c), D: dash}
	var cats, subcats []string
	recv, done := svgSeries{Name: T(l, "dash.received"), Color: "#0b4f8a"}, svgSeries{Name: T(l, "dash.concluded"), Color: "#2e8b57"}
	var rates []*float64
	onTime, delivered := 0, 0
	for i, m := range dash.Months {
		cat := T(l, "dash.month", m.Month)
		if l == langEN {
			cat = time.Month(m.Month).String()[:3]
		}
		sub := ""
		if i == 0 || m.Month == 1 {
			sub = fmt.Sprint(m.Year)
		}
		cats, subcats = append(cats, cat), append(subcats, sub)
		recv.Values, done.Values = append(recv.Values, m.Received), append(done.Values, m.Concluded)
		r := dash.OnTime[i]
		dm := dashMonth{Label: fmt.Sprintf("%d-%02d", m.Year, m.Month), Received: m.Received, Concluded: m.Concluded, OnTime: r.OnTime, Delivered: r.Delivered, Rate: "—",
			Ledger: fmt.Sprintf("/staff/ledger?from=%d-%02d-01&to=%s", m.Year, m.Month, time.Date(m.Year, time.Month(m.Month)+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))}
		if r.Delivered > 0 {
			p := float64(r.OnTime) * 100 / float64(r.Delivered)
			rates = append(rates, &p)
			dm.Rate = fmt.Sprintf("%.0f%%", p)
		} else {
			rates = append(rates, nil)
		}
		onTime, delivered = onTime+r.OnTime, delivered+r.Delivered
		d.Months = append(d.Months, dm)
	}
	d.RateTotal = "—"
	if delivered > 0 {
		d.RateTotal = fmt.Sprintf("%.0f%%", float64(onTime)*100/float64(delivered))
	}
	for _, f := range outcomeFamilies {
		n := 0
		for _, o := range cases.Outcomes {
			if o.Family == f.Family {
				n += dash.Outcomes[o.Code]
			}
		}
		d.Families = append(d.Families, svgBar{Label: T(l, f.Key), Value: n, Color: f.Color})
	}
	for _, o := range cases.Outcomes {
		if n := dash.Outcomes[o.Code]; n > 0 {
			label := o.Label()
			if l == langEN {
				label = o.EN
			}
			d.Outcomes = append(d.Outcomes, svgBar{Label: label, Value: n})
		}
	}
	for _, x := range dash.ByClerk {
		label := x.Label
		if label == "" {
			label = T(l, "queue.unassigned")
		}
		d.Clerks = append(d.Clerks, svgBar{Label: label, Value: x.Count, Color: "#0b4f8a"})
	}
	for _, x := range dash.DaysLeft {
		d.DaysLeft = append(d.DaysLeft, svgBar{Label: T(l, "dash.left."+x.Label), Value: x.Count, Color: daysLeftColors[x.Label]})
	}
	d.Flow = columnChart("chart-flow", T(l, "dash.flow"), T(l, "dash.flow.desc"), cats, subcats, []svgSeries{recv, done})
	d.Mix = barChart("chart-mix", T(l, "dash.mix"), T(l, "dash.mix.desc"), d.Families)
	d.Rate = rateChart("chart-rate", T(l, "dash.rate"), T(l, "dash.rate.desc", d.RateTotal), cats, subcats, rates)
	d.ByClerk = barChart("chart-clerk", T(l, "dash.clerks"), T(l, "dash.clerks.desc", dash.Open), d.Clerks)
	d.ByLeft = barChart("chart-left", T(l, "dash.left"), T(l, "dash.left.desc", dash.Overdue), d.DaysLeft)
	s.render(c, http.StatusOK, "staff/dashboard", "dash.title", d)
}
