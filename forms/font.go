package forms

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"

	"codeberg.org/go-pdf/fpdf"
)

// Font is a TrueType font read and parsed once per process (LoadFont) and shared by every
// document: it is immutable and safe for concurrent use.
//
// fpdf parses a whole font file each time one is added to a document and again when it writes
// the PDF; for a CJK font of 15 MB that costs tens of milliseconds per letter. Font therefore
// keeps its own index of the file (character map, glyph offsets, advance widths) and hands each
// document a small TrueType subset holding only the characters that document uses; fpdf then
// parses and subsets a few kilobytes (AddUTF8FontFromBytes).
type Font struct {
	path     string
	data     []byte
	tables   map[string][]byte // table tag → table bytes (slices of data)
	upem     int               // units per em
	cmap     []uint16          // BMP rune → glyph id (0: missing)
	loca     []uint32          // glyph id → offset in glyf; numGlyphs+1 entries
	advance  []uint16          // glyph id → advance width in font units
	lsb      []int16           // glyph id → left side bearing
	widths   []uint16          // BMP rune → advance in 1/1000 em, as fpdf computes it
	missingW uint16            // advance of .notdef in 1/1000 em
}

// FontPackage is the Debian package that provides the default font.
const FontPackage = "fonts-lxgw-wenkai"

// DefaultFontPath and DefaultBoldFontPath are where Debian's fonts-lxgw-wenkai installs the font.
const (
	DefaultFontPath     = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
	DefaultBoldFontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Bold.ttf"
)

// LoadFont reads and parses the TrueType font at path. It is meant to be called once at start-up;
// the error names the path (and, for a missing file, the package that provides the font) so that
// a missing font stops the program instead of producing broken PDFs.
func LoadFont(path string) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("forms: font %s not found: install the CJK font package %s (apt-get install %s) or set the font path (--font, FOIDESK_FONT)", path, FontPackage, FontPackage)
		}
		return nil, fmt.Errorf("forms: reading font %s: %w", path, err)
	}
	f, err := parseFont(data)
	if err != nil {
		return nil, fmt.Errorf("forms: font %s: %w", path, err)
	}
	f.path = path
	if err := f.selfCheck(); err != nil {
		return nil, fmt.Errorf("forms: font %s: %w", path, err)
	}
	return f, nil
}

// Path is the file the font was loaded from.
func (f *Font) Path() string { return f.path }

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool {
	return r >= 0 && r < 0x10000 && f.cmap[r] != 0
}

// Advance is the advance width of r in thousandths of an em, exactly as fpdf computes it when it
// writes the PDF's width array (runes without a glyph get the width of .notdef).
func (f *Font) Advance(r rune) int {
	if r < 0 || r >= 0x10000 || f.cmap[r] == 0 {
		return int(f.missingW)
	}
	return int(f.widths[r])
}

// Width returns the width of s in millimetres at size points.
func (f *Font) Width(s string, size float64) float64 {
	w := 0
	for _, r := range s {
		w += f.Advance(r)
	}
	return float64(w) * size / 1000 * mmPerPt
}

// selfCheck makes sure fpdf accepts a subset of the font and can write a PDF with it.
func (f *Font) selfCheck() error {
	for _, r := range "国A1" {
		if !f.Has(r) {
			return fmt.Errorf("the font has no glyph for %q: a CJK font with Latin digits is needed (%s)", r, FontPackage)
		}
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("check", "", f.subset(map[rune]bool{'国': true, 'A': true, '1': true}))
	p.SetFont("check", "", 12)
	p.AddPage()
	p.Text(10, 10, "国A1")
	if err := p.Output(io.Discard); err != nil {
		return fmt.Errorf("fpdf refuses the font: %w", err)
	}
	return nil
}

var errFont = errors.New("not a usable TrueType font")

// parseFont indexes a TrueType (glyf-outline) font. OpenType/CFF fonts and collections are
// refused because fpdf cannot embed them.
func parseFont(data []byte) (*Font, error) {
	if len(data) < 12 {
		return nil, errFont
	}
	switch v := binary.BigEndian.Uint32(data); v {
	case 0x00010000, 0x74727565: // 1.0, 'true'
	case 0x4F54544F: // 'OTTO'
		return nil, fmt.Errorf("%w: OpenType with CFF outlines; use a TrueType (.ttf) font", errFont)
	case 0x74746366: // 'ttcf'
		return nil, fmt.Errorf("%w: a font collection (.ttc); use a single .ttf font", errFont)
	default:
		return nil, fmt.Errorf("%w: unknown signature %08x", errFont, v)
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	if len(data) < 12+16*n {
		return nil, errFont
	}
	f := &Font{data: data, tables: map[string][]byte{}}
	for i := range n {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off, size := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off < 0 || size < 0 || off+size > len(data) {
			return nil, fmt.Errorf("%w: table %q out of range", errFont, tag)
		}
		f.tables[tag] = data[off : off+size]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "post", "OS/2"} {
		if f.tables[tag] == nil {
			return nil, fmt.Errorf("%w: no %q table", errFont, tag)
		}
	}
	head, hhea, maxp, post := f.tables["head"], f.tables["hhea"], f.tables["maxp"], f.tables["post"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 || len(post) < 32 || len(f.tables["OS/2"]) < 10 {
		return nil, fmt.Errorf("%w: truncated tables", errFont)
	}
	if fsType := binary.BigEndian.Uint16(f.tables["OS/2"][8:]); fsType == 0x0002 || fsType&0x0300 != 0 {
		return nil, fmt.Errorf("%w: its licence forbids embedding (fsType %#x)", errFont, fsType)
	}
	f.upem = int(binary.BigEndian.Uint16(head[18:]))
	if f.upem == 0 {
		return nil, fmt.Errorf("%w: unitsPerEm is 0", errFont)
	}
	locFormat := binary.BigEndian.Uint16(head[50:])
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	numH := int(binary.BigEndian.Uint16(hhea[34:]))
	if numH == 0 || numH > numGlyphs {
		return nil, fmt.Errorf("%w: bad numberOfHMetrics", errFont)
	}

	// loca
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	f.loca = make([]uint32, numGlyphs+1)
	for g := range numGlyphs + 1 {
		var off uint32
		if locFormat == 0 {
			if 2*g+2 > len(loca) {
				return nil, fmt.Errorf("%w: short loca table", errFont)
			}
			off = uint32(binary.BigEndian.Uint16(loca[2*g:])) * 2
		} else {
			if 4*g+4 > len(loca) {
				return nil, fmt.Errorf("%w: short loca table", errFont)
			}
			off = binary.BigEndian.Uint32(loca[4*g:])
		}
		if int(off) > len(glyf) || (g > 0 && off < f.loca[g-1]) {
			return nil, fmt.Errorf("%w: bad loca entry for glyph %d", errFont, g)
		}
		f.loca[g] = off
	}

	// hmtx
	hmtx := f.tables["hmtx"]
	if len(hmtx) < 4*numH+2*(numGlyphs-numH) {
		return nil, fmt.Errorf("%w: short hmtx table", errFont)
	}
	f.advance = make([]uint16, numGlyphs)
	f.lsb = make([]int16, numGlyphs)
	for g := range numGlyphs {
		if g < numH {
			f.advance[g] = binary.BigEndian.Uint16(hmtx[4*g:])
			f.lsb[g] = int16(binary.BigEndian.Uint16(hmtx[4*g+2:]))
		} else {
			f.advance[g] = f.advance[numH-1]
			f.lsb[g] = int16(binary.BigEndian.Uint16(hmtx[4*numH+2*(g-numH):]))
		}
	}

	// cmap
	cmap, err := parseCmap(f.tables["cmap"], numGlyphs)
	if err != nil {
		return nil, err
	}
	f.cmap = cmap
	f.widths = make([]uint16, 0x10000)
	for r, g := range f.cmap {
		if g != 0 {
			f.widths[r] = f.scaled(f.advance[g])
		}
	}
	f.missingW = f.scaled(f.advance[0])
	return f, nil
}

// scaled converts font units to thousandths of an em, rounding as fpdf does.
func (f *Font) scaled(units uint16) uint16 {
	return uint16(math.Round(1000 * float64(units) / float64(f.upem)))
}

// parseCmap returns the BMP part of the font's Unicode character map, from a format 12 subtable
// when there is one, else from format 4.
func parseCmap(t []byte, numGlyphs int) ([]uint16, error) {
	if len(t) < 4 {
		return nil, fmt.Errorf("%w: short cmap", errFont)
	}
	n := int(binary.BigEndian.Uint16(t[2:]))
	var best []byte
	bestFormat := 0
	for i := range n {
		if 4+8*i+8 > len(t) {
			return nil, fmt.Errorf("%w: short cmap", errFont)
		}
		rec := t[4+8*i:]
		platform, encoding := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		off := int(binary.BigEndian.Uint32(rec[4:]))
		if off+2 > len(t) || !(platform == 0 || platform == 3 && (encoding == 1 || encoding == 10)) {
			continue
		}
		format := int(binary.BigEndian.Uint16(t[off:]))
		if (format == 4 || format == 12) && format > bestFormat {
			best, bestFormat = t[off:], format
		}
	}
	m := make([]uint16, 0x10000)
	valid := func(g uint32) uint16 {
		if g >= uint32(numGlyphs) {
			return 0
		}
		return uint16(g)
	}
	switch bestFormat {
	case 12:
		if len(best) < 16 {
			return nil, fmt.Errorf("%w: short cmap format 12", errFont)
		}
		groups := int(binary.BigEndian.Uint32(best[12:]))
		if len(best) < 16+12*groups {
			return nil, fmt.Errorf("%w: short cmap format 12", errFont)
		}
		for i := range groups {
			g := best[16+12*i:]
			start, end, gid := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:]), binary.BigEndian.Uint32(g[8:])
			for c := start; c <= end && c < 0x10000; c++ {
				m[c] = valid(gid + c - start)
			}
		}
	case 4:
		if len(best) < 14 {
			return nil, fmt.Errorf("%w: short cmap format 4", errFont)
		}
		seg := int(binary.BigEndian.Uint16(best[6:])) / 2
		if len(best) < 16+8*seg {
			return nil, fmt.Errorf("%w: short cmap format 4", errFont)
		}
		ends, starts := best[14:], best[16+2*seg:]
		deltas, ranges := best[16+4*seg:], best[16+6*seg:]
		for i := range seg {
			end := int(binary.BigEndian.Uint16(ends[2*i:]))
			start := int(binary.BigEndian.Uint16(starts[2*i:]))
			delta := int(binary.BigEndian.Uint16(deltas[2*i:]))
			ro := int(binary.BigEndian.Uint16(ranges[2*i:]))
			for c := start; c <= end && c < 0xFFFF; c++ {
				if ro == 0 {
					m[c] = valid(uint32((c + delta) & 0xFFFF))
					continue
				}
				p := 16 + 6*seg + 2*i + ro + 2*(c-start)
				if p+2 > len(best) {
					break
				}
				if g := int(binary.BigEndian.Uint16(best[p:])); g != 0 {
					m[c] = valid(uint32((g + delta) & 0xFFFF))
				}
			}
		}
	default:
		return nil, fmt.Errorf("%w: no Unicode character map (cmap format 4 or 12)", errFont)
	}
	return m, nil
}

// Composite glyph flags (TrueType glyf table).
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// components returns the glyph ids a composite glyph refers to, with the byte offsets of their
// glyphIndex fields, or nil for a simple glyph.
func components(g []byte) (ids []uint16, offsets []int) {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil, nil
	}
	p := 10
	for p+4 <= len(g) {
		flags := binary.BigEndian.Uint16(g[p:])
		ids = append(ids, binary.BigEndian.Uint16(g[p+2:]))
		offsets = append(offsets, p+2)
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponents == 0 {
			break
		}
	}
	return ids, offsets
}

func (f *Font) glyph(g uint16) []byte {
	return f.tables["glyf"][f.loca[g]:f.loca[g+1]]
}

// subset returns a TrueType font holding .notdef and the glyphs of runes (with the components
// of composite glyphs), renumbered, with a format 4 character map for exactly those runes.
func (f *Font) subset(runes map[rune]bool) []byte {
	// Collect glyphs: .notdef, the runes' glyphs, and composite components.
	keep := map[uint16]bool{0: true}
	var queue []uint16
	for r := range runes {
		if f.Has(r) && !keep[f.cmap[r]] {
			keep[f.cmap[r]] = true
			queue = append(queue, f.cmap[r])
		}
	}
	for len(queue) > 0 {
		g := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		ids, _ := components(f.glyph(g))
		for _, c := range ids {
			if int(c) < len(f.advance) && !keep[c] {
				keep[c] = true
				queue = append(queue, c)
			}
		}
	}
	old := make([]uint16, 0, len(keep))
	for g := range keep {
		old = append(old, g)
	}
	slices.Sort(old)
	newID := make(map[uint16]uint16, len(old))
	for i, g := range old {
		newID[g] = uint16(i)
	}

	// glyf, loca (long format), hmtx
	var glyf bytes.Buffer
	loca := make([]byte, 0, 4*(len(old)+1))
	hmtx := make([]byte, 0, 4*len(old))
	for _, g := range old {
		loca = binary.BigEndian.AppendUint32(loca, uint32(glyf.Len()))
		data := slices.Clone(f.glyph(g))
		ids, offs := components(data)
		for i, c := range ids {
			binary.BigEndian.PutUint16(data[offs[i]:], newID[c])
		}
		glyf.Write(data)
		for glyf.Len()%4 != 0 {
			glyf.WriteByte(0)
		}
		hmtx = binary.BigEndian.AppendUint16(hmtx, f.advance[g])
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(f.lsb[g]))
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(glyf.Len()))

	// cmap: one format 4 subtable (3, 1); a segment per run of consecutive runes and glyph ids.
	var rs []int
	for r := range runes {
		if f.Has(r) && r < 0xFFFF {
			rs = append(rs, int(r))
		}
	}
	slices.Sort(rs)
	type segment struct{ start, end, delta int }
	var segs []segment
	for _, r := range rs {
		id := int(newID[f.cmap[r]])
		if n := len(segs); n > 0 && segs[n-1].end == r-1 && (segs[n-1].delta+r)&0xFFFF == id {
			segs[n-1].end = r
			continue
		}
		segs = append(segs, segment{r, r, (id - r) & 0xFFFF})
	}
	segs = append(segs, segment{0xFFFF, 0xFFFF, 1})
	segX2 := 2 * len(segs)
	searchRange := 2
	entrySelector := 0
	for searchRange*2 <= segX2 {
		searchRange *= 2
		entrySelector++
	}
	sub := make([]byte, 0, 16+8*len(segs))
	sub = appendU16(sub, 4, uint16(16+8*len(segs)), 0, uint16(segX2), uint16(searchRange), uint16(entrySelector), uint16(segX2-searchRange))
	for _, s := range segs {
		sub = appendU16(sub, uint16(s.end))
	}
	sub = appendU16(sub, 0)
	for _, s := range segs {
		sub = appendU16(sub, uint16(s.start))
	}
	for _, s := range segs {
		sub = appendU16(sub, uint16(s.delta))
	}
	for range segs {
		sub = appendU16(sub, 0)
	}
	cmap := appendU16(nil, 0, 1, 3, 1)
	cmap = binary.BigEndian.AppendUint32(cmap, 12)
	cmap = append(cmap, sub...)

	head := slices.Clone(f.tables["head"])
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1)
	hhea := slices.Clone(f.tables["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(old)))
	maxp := slices.Clone(f.tables["maxp"])
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(old)))
	post := slices.Clone(f.tables["post"][:32])
	binary.BigEndian.PutUint32(post, 0x00030000) // version 3: no glyph names

	tables := map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "post": post,
		"hmtx": hmtx, "loca": loca, "glyf": glyf.Bytes(), "cmap": cmap,
		"OS/2": f.tables["OS/2"],
	}
	for _, tag := range []string{"name", "cvt ", "fpgm", "prep", "gasp"} {
		if t := f.tables[tag]; t != nil {
			tables[tag] = t
		}
	}
	return assembleFont(tables)
}

func appendU16(b []byte, vs ...uint16) []byte {
	for _, v := range vs {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	return b
}

// assembleFont writes a TrueType file from its tables, with checksums.
func assembleFont(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	n := len(tags)
	sr, es := 1, 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	out := binary.BigEndian.AppendUint32(nil, 0x00010000)
	out = appendU16(out, uint16(n), uint16(sr*16), uint16(es), uint16(n*16-sr*16))
	off := 12 + 16*n
	headAt := 0
	for _, t := range tags {
		d := tables[t]
		out = append(out, t...)
		out = binary.BigEndian.AppendUint32(out, checksum(d))
		out = binary.BigEndian.AppendUint32(out, uint32(off))
		out = binary.BigEndian.AppendUint32(out, uint32(len(d)))
		if t == "head" {
			headAt = off
		}
		off += (len(d) + 3) &^ 3
	}
	for _, t := range tags {
		out = append(out, tables[t]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(d []byte) uint32 {
	var sum uint32
	for i := 0; i < len(d); i += 4 {
		var w [4]byte
		copy(w[:], d[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
