package web

import (
	"html/template"
	"strconv"
	"strings"

	cases "foidesk/case"
)

// queueRowsHTML writes the rows of a table of cases (the queue, the supervisor's overview), each
// followed by a line break. It is Go rather than a template partial: executed by html/template a
// row cost about 23 µs (some thirty actions, each a reflective call and an escaper), the largest
// part of a queue page view (docs/performance.md). Every text is escaped as html/template
// escapes text and quoted attribute values (htmlEscape).
func queueRowsHTML(rows []queueRow, l string) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(rows) * 1100)
	esc := htmlEscape
	lbl := func(key string) string { return esc(T(l, key)) }
	colTracking, colApplicant, colRequest := lbl("queue.col.tracking"), lbl("queue.col.applicant"), lbl("queue.col.request")
	colState, colAssignee, colReceived, colDue := lbl("queue.col.state"), lbl("queue.col.assignee"), lbl("queue.col.received"), lbl("queue.col.due")
	for _, r := range rows {
		b.WriteString("<tr")
		if r.Overdue {
			b.WriteString(` class="is-late"`)
		}
		b.WriteString(">\n<td data-label=\"" + colTracking + `"><a href="/staff/cases/` + strconv.FormatInt(r.ID, 10) + `">` + esc(r.TrackingNo) + "</a></td>\n")
		b.WriteString(`<td data-label="` + colApplicant + `">` + esc(r.Applicant) + "</td>\n")
		b.WriteString(`<td data-label="` + colRequest + `">` + esc(r.Summary) + "</td>\n")
		b.WriteString(`<td data-label="` + colState + `" class="col-state"><span class="state">` + esc(cases.States.Label(r.State, l)) + "</span></td>\n")
		b.WriteString(`<td data-label="` + colAssignee + `" class="assignee">`)
		switch {
		case r.AssigneeName != "":
			b.WriteString(esc(r.AssigneeName))
		case r.Assignee != "":
			b.WriteString(esc(r.Assignee))
		default:
			b.WriteString(`<span class="meta">` + lbl("queue.unassigned") + `</span>`)
		}
		b.WriteString("</td>\n")
		b.WriteString(`<td data-label="` + colReceived + `" class="date">`)
		if r.ReceivedOn.IsZero() {
			b.WriteString(`<span class="meta">` + lbl("queue.not_received") + `</span>`)
		} else {
			b.WriteString(r.ReceivedOn.String())
		}
		b.WriteString("</td>\n")
		b.WriteString(`<td data-label="` + colDue + `" class="due">`)
		if r.ReplyDue.IsZero() {
			b.WriteString("—")
		} else {
			due := r.ReplyDue.String()
			b.WriteString(`<time datetime="` + due + `">` + due + `</time>`)
			if r.Provisional {
				b.WriteString(lbl("queue.provisional"))
			}
			b.WriteString("<br>")
			switch {
			case r.Overdue:
				b.WriteString(`<span class="late">`)
				if r.Late == 1 {
					b.WriteString(lbl("queue.late1"))
				} else {
					b.WriteString(esc(T(l, "queue.late", r.Late)))
				}
				b.WriteString(`</span>`)
			case r.Paused:
				b.WriteString(`<span class="paused">` + lbl("queue.paused") + `</span>`)
			case !r.Concluded.IsZero():
				b.WriteString(`<span class="meta">` + esc(T(l, "queue.concluded", r.Concluded.String())) + `</span>`)
			case r.DueToday:
				b.WriteString(`<span class="soon">` + lbl("queue.due_today") + `</span>`)
			default:
				b.WriteString(`<span class="left">`)
				if r.Left == 1 {
					b.WriteString(lbl("queue.left1"))
				} else {
					b.WriteString(esc(T(l, "queue.left", r.Left)))
				}
				b.WriteString(`</span>`)
			}
		}
		b.WriteString("</td>\n</tr>\n")
	}
	return template.HTML(b.String())
}

// htmlEscaper replaces what html/template's escaper replaces in text and quoted attribute values.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// queueTabsHTML writes the items of the queue's tabs (the links with their counts), as the
// template did (about 90 actions a page): the search and sort kept in each link.
func queueTabsHTML(d queueData, l string) template.HTML {
	var suffix string
	if d.Q != "" {
		suffix += "&amp;q=" + urlQueryEscape(d.Q)
	}
	if d.View.Sort != "" {
		suffix += "&amp;sort=" + urlQueryEscape(d.View.Sort)
	}
	var b strings.Builder
	b.Grow(len(d.Tabs) * 200)
	for _, t := range d.Tabs {
		key := htmlEscape(t.Key)
		b.WriteString(`<li><a href="/staff/queue?tab=` + urlQueryEscape(t.Key) + suffix + `" id="tab-` + key + `"`)
		if t.Active {
			b.WriteString(` aria-current="page"`)
		}
		n := strconv.Itoa(t.Count)
		b.WriteString(">" + htmlEscape(T(l, "queue.tab."+t.Key)) + `<span class="n" data-count="` + n + `">` + n)
		if t.More {
			b.WriteString("+")
		}
		b.WriteString("</span></a></li>\n")
	}
	return template.HTML(b.String())
}

// urlQueryEscape escapes a value in the query of a URL as html/template does there: every byte
// but the unreserved characters as %xx.
func urlQueryEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + hex2[c])
	}
	return b.String()
}

// hex2 is each byte in two lowercase hexadecimal digits.
var hex2 = func() (t [256]string) {
	for i := range t {
		t[i] = strconv.FormatInt(int64(i)+0x100, 16)[1:]
	}
	return
}()
