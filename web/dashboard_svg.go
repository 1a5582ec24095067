package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Charts drawn on the server as inline SVG: no script, no external image, presentation
// attributes only (the Content-Security-Policy forbids inline style). Each chart is an image
// with a title and a description for screen readers; the page repeats its figures in a table.

// svgText escapes text for an SVG text node or attribute.
func svgText(s string) string { return html.EscapeString(s) }

type svgSeries struct {
	Name   string
	Color  string
	Values []int
}

// svgHeader opens an accessible chart.
func svgHeader(b *strings.Builder, id string, w, h int, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" font-family="sans-serif" font-size="12">`, w, h, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, svgText(title), id, svgText(desc))
}

// niceMax rounds a maximum up to 1, 2 or 5 times a power of ten (at least 1).
func niceMax(n int) int {
	if n <= 1 {
		return 1
	}
	p := 1
	for p*10 <= n {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= n {
			return m * p
		}
	}
	return 10 * p
}

// columnChart draws grouped vertical bars: one group per category, one bar per series, the value
// above each bar, a legend and four grid lines.
func columnChart(id, title, desc string, cats, subcats []string, series []svgSeries) template.HTML {
	const w, h, left, right, top, bottom = 720, 280, 40, 10, 30, 48
	var b strings.Builder
	svgHeader(&b, id, w, h, title, desc)
	max := 0
	for _, s := range series {
		for _, v := range s.Values {
			if v > max {
				max = v
			}
		}
	}
	max = niceMax(max)
	ph := float64(h - top - bottom)
	pw := float64(w - left - right)
	y := func(v int) float64 { return float64(top) + ph - ph*float64(v)/float64(max) }
	ticks := 4
	switch {
	case max%4 == 0:
	case max%2 == 0:
		ticks = 2
	default:
		ticks = 1
	}
	for i := 0; i <= ticks; i++ {
		v := max * i / ticks
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d0d0d0" stroke-width="1"/>`, left, w-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" fill="#4a4a4a">%d</text>`, left-4, y(v)+4, v)
	}
	gw := pw / float64(max1(len(cats)))
	bw := gw * 0.8 / float64(max1(len(series)))
	for i, cat := range cats {
		x0 := float64(left) + gw*float64(i) + gw*0.1
		for j, s := range series {
			v := 0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			x := x0 + bw*float64(j)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %d</title></rect>`, x, y(v), bw-1, float64(top)+ph-y(v), s.Color, svgText(cat), svgText(s.Name), v)
			if v > 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10" fill="#1b1b1b">%d</text>`, x+bw/2, y(v)-3, v)
			}
		}
		cx := x0 + gw*0.4
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#1b1b1b">%s</text>`, cx, h-bottom+16, svgText(cat))
		if i < len(subcats) && subcats[i] != "" {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10" fill="#4a4a4a">%s</text>`, cx, h-bottom+30, svgText(subcats[i]))
		}
	}
	lx := float64(left)
	for _, s := range series {
		fmt.Fprintf(&b, `<rect x="%.1f" y="8" width="12" height="12" fill="%s"/><text x="%.1f" y="18" fill="#1b1b1b">%s</text>`, lx, s.Color, lx+16, svgText(s.Name))
		lx += 16 + float64(len([]rune(s.Name)))*13 + 24
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

type svgBar struct {
	Label string
	Value int
	Color string
	Text  string // shown after the bar; default the value
}

// barChart draws horizontal bars, one per item, the label at the left and the value at the end.
func barChart(id, title, desc string, bars []svgBar) template.HTML {
	const w, labelW, right, rowH, top = 720, 230, 60, 26, 8
	h := top*2 + rowH*max1(len(bars))
	var b strings.Builder
	svgHeader(&b, id, w, h, title, desc)
	max := 0
	for _, x := range bars {
		if x.Value > max {
			max = x.Value
		}
	}
	max = niceMax(max)
	pw := float64(w - labelW - right)
	for i, x := range bars {
		yy := top + rowH*i
		bw := pw * float64(x.Value) / float64(max)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#1b1b1b">%s</text>`, labelW-8, yy+17, svgText(x.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %d</title></rect>`, labelW, yy+4, bw, rowH-8, x.Color, svgText(x.Label), x.Value)
		t := x.Text
		if t == "" {
			t = fmt.Sprint(x.Value)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="#1b1b1b">%s</text>`, float64(labelW)+bw+6, yy+17, svgText(t))
	}
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#4a4a4a">—</text>`, labelW, top+17)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// rateChart draws a percentage per category as bars on a 0–100 % scale, "—" where there is no
// data (nil).
func rateChart(id, title, desc string, cats, subcats []string, rates []*float64) template.HTML {
	const w, h, left, right, top, bottom = 720, 240, 40, 10, 16, 48
	var b strings.Builder
	svgHeader(&b, id, w, h, title, desc)
	ph := float64(h - top - bottom)
	pw := float64(w - left - right)
	y := func(p float64) float64 { return float64(top) + ph - ph*p/100 }
	for _, p := range []float64{0, 25, 50, 75, 100} {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d0d0d0" stroke-width="1"/>`, left, w-right, y(p), y(p))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" fill="#4a4a4a">%.0f%%</text>`, left-4, y(p)+4, p)
	}
	gw := pw / float64(max1(len(cats)))
	for i, cat := range cats {
		cx := float64(left) + gw*float64(i) + gw/2
		if i < len(rates) && rates[i] != nil {
			p := *rates[i]
			color := "#1d6b2f"
			if p < 90 {
				color = "#b35c00"
			}
			if p < 70 {
				color = "#a4000f"
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %.0f%%</title></rect>`, cx-gw*0.3, y(p), gw*0.6, float64(top)+ph-y(p), color, svgText(cat), p)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10" fill="#1b1b1b">%.0f%%</text>`, cx, y(p)-3, p)
		} else {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#4a4a4a">—</text>`, cx, y(0)-4)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#1b1b1b">%s</text>`, cx, h-bottom+16, svgText(cat))
		if i < len(subcats) && subcats[i] != "" {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10" fill="#4a4a4a">%s</text>`, cx, h-bottom+30, svgText(subcats[i]))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
