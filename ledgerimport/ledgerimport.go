// Package ledgerimport holds the rules of the ledger import (docs/api.md "Ledger import file"):
// the columns of the file, reading a CSV or XLSX file, and the checks of every row — each problem
// named by its row (the spreadsheet's row number, the header being row 1) and column. It is pure:
// what only the database knows (numbers in use, signed-off months) it asks through a Lookup; the
// store validates and writes a file in one transaction.
package ledgerimport

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	cases "foidesk/case"
)

// The columns of an import file: the required ones, then the optional remedy columns (table 四).
var (
	Required = []string{"tracking_no", "applicant_kind", "org_category", "name", "id_type", "id_number", "channel",
		"received_on", "description", "outcome", "concluded_on", "letter_no"}
	Optional = []string{"remedy_kind", "remedy_result", "remedy_filed_on", "remedy_decided_on"}
)

// Columns lists every column an import file may have, required first.
func Columns() []string { return append(slices.Clone(Required), Optional...) }

// Problem is one error of an import file.
type Problem struct {
	Row       int    // spreadsheet row number; the header is row 1
	Column    string // the column's name in the file
	Message   string
	MessageEN string
}

// String is "row 3, column id_number: message".
func (p Problem) String() string { return p.where() + p.Message }

func (p Problem) where() string {
	if p.Column == "" {
		return fmt.Sprintf("row %d: ", p.Row)
	}
	return fmt.Sprintf("row %d, column %s: ", p.Row, p.Column)
}

// maxProblems bounds the problems reported for one file.
const maxProblems = 200

// Error builds the EINVALID error of a refused file: the message lists every problem, one
// per line ("row 3, column id_number: …"); Fields maps "row 3, column id_number" to its message.
func Error(ps []Problem) error {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Row < ps[j].Row })
	zh := []string{fmt.Sprintf("导入文件有%d处错误，未导入任何记录：", len(ps))}
	en := []string{fmt.Sprintf("the file has %d error(s); nothing was imported:", len(ps))}
	e := &cases.Error{Code: cases.EINVALID, Fields: map[string]string{}, FieldsEN: map[string]string{}}
	for _, p := range ps {
		zh = append(zh, p.where()+p.Message)
		en = append(en, p.where()+p.MessageEN)
		k := strings.TrimSuffix(p.where(), ": ")
		e.Fields[k], e.FieldsEN[k] = p.Message, p.MessageEN
	}
	e.Message, e.MessageEN = strings.Join(zh, "\n"), strings.Join(en, "\n")
	return e
}

// Problems returns the problems listed by an import error, one line each.
func Problems(err error) []string {
	e, ok := err.(*cases.Error)
	if !ok || e.Code != cases.EINVALID {
		return nil
	}
	lines := strings.Split(e.Message, "\n")
	if len(lines) < 2 {
		return nil
	}
	return lines[1:]
}

// ReadFile reads the header and rows of a CSV (UTF-8, BOM allowed) or XLSX file (its first
// sheet); name's extension chooses, else the content (an XLSX is a ZIP archive). Cells are
// trimmed; XLSX date cells become YYYY-MM-DD.
func ReadFile(name string, data []byte) (header []string, rows [][]string, err error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".xlsx" || (ext != ".csv" && bytes.HasPrefix(data, []byte("PK\x03\x04"))) {
		return readXLSX(data)
	}
	return readCSV(data)
}

func readCSV(data []byte) ([]string, [][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, nil, cases.Errorf(cases.EINVALID, "导入文件不是UTF-8编码的CSV文件，请另存为“CSV UTF-8”格式。", "the file is not UTF-8 CSV; save it as CSV UTF-8")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var all [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			if pe, ok := err.(*csv.ParseError); ok {
				line = pe.Line
			}
			return nil, nil, cases.Errorf(cases.EINVALID, "row %d: CSV格式错误（%v）。", "row %d: malformed CSV (%v)", line, err)
		}
		all = append(all, rec)
	}
	return split(all)
}

func readXLSX(data []byte) ([]string, [][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, cases.Errorf(cases.EINVALID, "无法读取XLSX文件（%v）。", "cannot read the XLSX file (%v)", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, cases.Errorf(cases.EINVALID, "XLSX文件中没有工作表。", "the XLSX file has no sheet")
	}
	all, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, cases.Errorf(cases.EINVALID, "无法读取XLSX文件（%v）。", "cannot read the XLSX file (%v)", err)
	}
	header, rows, err := split(all)
	if err != nil {
		return nil, nil, err
	}
	// Date cells hold Excel serial numbers: write them as dates.
	for i, h := range header {
		if !strings.HasSuffix(h, "_on") {
			continue
		}
		for _, row := range rows {
			if i < len(row) && reSerial.MatchString(row[i]) {
				v, _ := strconv.ParseFloat(row[i], 64)
				if t, err := excelize.ExcelDateToTime(v, false); err == nil && v >= 1 {
					row[i] = t.Format("2006-01-02")
				}
			}
		}
	}
	return header, rows, nil
}

var reSerial = regexp.MustCompile(`^\d{1,6}(\.\d+)?$`)

// split trims every cell and separates the header.
func split(all [][]string) ([]string, [][]string, error) {
	if len(all) == 0 {
		return nil, nil, cases.Errorf(cases.EINVALID, "导入文件是空的。", "the file is empty")
	}
	for _, rec := range all {
		for j := range rec {
			rec[j] = strings.TrimFunc(strings.TrimPrefix(rec[j], "\uFEFF"), unicode.IsSpace)
		}
	}
	header := make([]string, len(all[0]))
	for i, h := range all[0] {
		header[i] = strings.ToLower(h)
	}
	return header, all[1:], nil
}
