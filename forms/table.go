package forms

// Column is one column of a Table.
type Column struct {
	Header string  // header text; a table whose headers are all empty has no header row
	Width  float64 // mm; columns of width 0 share what the others leave of the text width
	Align  Align
	Shade  bool // light-grey background: the label columns of a form
	Bold   bool
}

// Table is a bordered table whose cells wrap their text (BreakLines) inside the cell. A row that
// does not fit on the rest of the page moves to the next page; a row taller than a whole page is
// split between pages. The header row is repeated at the top of every page the table reaches.
//
// A row with fewer cells than there are columns stretches its last cell over the remaining
// columns (the long fields of a form).
type Table struct {
	Columns []Column
	Rows    [][]string
	Size    float64 // font size in points; 0 means 10.5
	Padding float64 // cell padding in mm; 0 means 1.5
	Leading float64 // line height in mm; 0 means 1.45 times the font size
}

// cell is one laid-out cell of a row.
type cell struct {
	x, w  float64
	lines []string
	col   Column
}

// Table sets t at the cursor, across the text width; the cursor ends below it.
func (d *Doc) Table(t Table) {
	if len(t.Columns) == 0 {
		return
	}
	size := t.Size
	if size <= 0 {
		size = 10.5
	}
	pad := t.Padding
	if pad <= 0 {
		pad = 1.5
	}
	lh := t.Leading
	if lh <= 0 {
		lh = 1.45 * size * mmPerPt
	}
	xs, ws := d.columnGeometry(t.Columns)

	layout := func(texts []string, header bool) []cell {
		var cells []cell
		for i, text := range texts {
			if i >= len(t.Columns) {
				break
			}
			col := t.Columns[i]
			w := ws[i]
			if i == len(texts)-1 { // the last cell spans the remaining columns
				w = xs[len(xs)-1] + ws[len(ws)-1] - xs[i]
			}
			bold := col.Bold || header
			st := Style{Size: size, Bold: bold}
			text = d.clean(text, bold)
			lines := BreakLines(d.Measure(st), text, w-2*pad)
			if header {
				col.Align, col.Shade = AlignCenter, true
			}
			col.Bold = bold
			cells = append(cells, cell{x: xs[i], w: w, lines: lines, col: col})
		}
		return cells
	}

	var header []cell
	headerH := 0.0
	for _, c := range t.Columns {
		if c.Header != "" {
			texts := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				texts[i] = c.Header
			}
			header = layout(texts, true)
			headerH = float64(maxLines(header))*lh + 2*pad
			break
		}
	}
	if header != nil {
		d.Ensure(headerH + lh + 2*pad)
		d.drawRow(header, 0, maxLines(header), headerH, size, pad, lh)
	}
	newPage := func() {
		d.AddPage()
		if header != nil {
			d.drawRow(header, 0, maxLines(header), headerH, size, pad, lh)
		}
	}
	bodyH := d.pageH - d.m.Top - d.m.Bottom - headerH // room for rows on a fresh page
	for _, texts := range t.Rows {
		cells := layout(texts, false)
		n := max(maxLines(cells), 1)
		h := float64(n)*lh + 2*pad
		if h > d.Remaining() && h <= bodyH+0.01 {
			newPage()
		}
		for from := 0; from < n; {
			fits := int((d.Remaining() - 2*pad + 0.01) / lh)
			if fits < 1 {
				if d.y > d.m.Top+headerH+0.01 {
					newPage()
					continue
				}
				fits = 1 // a page too short for one line: draw it anyway rather than loop
			}
			to := min(n, from+fits)
			d.drawRow(cells, from, to, float64(to-from)*lh+2*pad, size, pad, lh)
			if from = to; from < n {
				newPage()
			}
		}
	}
}

// columnGeometry returns the left edge and width of every column.
func (d *Doc) columnGeometry(cols []Column) (xs, ws []float64) {
	fixed, flex := 0.0, 0
	for _, c := range cols {
		if c.Width > 0 {
			fixed += c.Width
		} else {
			flex++
		}
	}
	share := 0.0
	if flex > 0 {
		share = max(d.Width()-fixed, 0) / float64(flex)
	}
	x := d.m.Left
	for _, c := range cols {
		w := c.Width
		if w <= 0 {
			w = share
		}
		xs, ws = append(xs, x), append(ws, w)
		x += w
	}
	return xs, ws
}

func maxLines(cells []cell) int {
	n := 0
	for _, c := range cells {
		n = max(n, len(c.lines))
	}
	return n
}

// drawRow draws lines [from, to) of every cell as one row of height h at the cursor.
func (d *Doc) drawRow(cells []cell, from, to int, h, size, pad, lh float64) {
	measure := map[bool]func(string) float64{
		false: d.Measure(Style{Size: size}),
		true:  d.Measure(Style{Size: size, Bold: true}),
	}
	for _, c := range cells {
		fill := -1
		if c.col.Shade {
			fill = 240
		}
		d.add(op{kind: opRect, x: c.x, y: d.y, w: c.w, h: h, fill: fill, lw: 0.2})
		y := d.y + pad
		if shown := min(to, len(c.lines)) - from; from == 0 && shown < to-from {
			y += float64(to-from-shown) * lh / 2 // a complete cell is centred vertically
		}
		for i := from; i < min(to, len(c.lines)); i++ {
			line := c.lines[i]
			x := c.x + pad
			switch c.col.Align {
			case AlignCenter:
				x += (c.w - 2*pad - measure[c.col.Bold](line)) / 2
			case AlignRight:
				x += c.w - 2*pad - measure[c.col.Bold](line)
			}
			if line != "" {
				d.add(op{kind: opText, x: x, y: baseline(y, lh, size), text: line, size: size, bold: c.col.Bold})
			}
			y += lh
		}
	}
	d.y += h
}
