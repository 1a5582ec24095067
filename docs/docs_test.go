package docs

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// row is one row of the traceability table of rules.md.
type row struct {
	line                     int
	article, does, code, tst string
}

// traceability reads the table under "## Traceability" in rules.md.
func traceability(t *testing.T) []row {
	t.Helper()
	f, err := os.Open("rules.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []row
	in := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.HasPrefix(l, "## ") {
			in = l == "## Traceability"
			continue
		}
		if !in || !strings.HasPrefix(l, "|") || strings.HasPrefix(l, "|---") || strings.HasPrefix(l, "| article |") {
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), " | ")
		if len(cells) != 4 {
			t.Errorf("rules.md:%d: %d cells, want 4: %s", n, len(cells), l)
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, row{n, cells[0], cells[1], cells[2], cells[3]})
	}
	if len(rows) == 0 {
		t.Fatal("rules.md has no traceability table")
	}
	return rows
}

var (
	codeRef = regexp.MustCompile("^`([a-z0-9_/]+\\.go):(?:([A-Za-z0-9_]+)\\.)?([A-Za-z0-9_]+)`$")
	testRef = regexp.MustCompile("^`([a-z0-9_/]+_test\\.go)` (Test[A-Za-z0-9_]+)$")
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Errorf("%v", err)
	}
	return string(b)
}

// Every code and test named by the traceability table exists: the file, and in it the function
// (or the method of the type) or the test function.
func TestTraceabilityNamesExist(t *testing.T) {
	for _, r := range traceability(t) {
		if r.code != "pending" {
			m := codeRef.FindStringSubmatch(r.code)
			if m == nil {
				t.Errorf("rules.md:%d: code %q is not `file.go:Func` or `file.go:Type.Method`", r.line, r.code)
			} else {
				src := read(t, m[1])
				pat := `(?m)^func ` + m[3] + `[\[(]`
				if m[2] != "" {
					pat = `(?m)^func \(\w+ \*?` + m[2] + `\) ` + m[3] + `\(`
				}
				if !regexp.MustCompile(pat).MatchString(src) {
					t.Errorf("rules.md:%d: %s has no %s (the code moved? update the traceability table of docs/rules.md)", r.line, m[1], strings.TrimPrefix(m[2]+"."+m[3], "."))
				}
			}
		}
		if r.tst != "pending" {
			m := testRef.FindStringSubmatch(r.tst)
			if m == nil {
				t.Errorf("rules.md:%d: test %q is not `path_test.go` TestName", r.line, r.tst)
				continue
			}
			if !regexp.MustCompile(`(?m)^func ` + m[2] + `\(t \*testing\.T\)`).MatchString(read(t, m[1])) {
				t.Errorf("rules.md:%d: %s has no %s (the test moved or was renamed? update the traceability table of docs/rules.md)", r.line, m[1], m[2])
			}
		}
	}
}

// Every article foidesk enforces has at least one row.
func TestTraceabilityCoversEveryArticle(t *testing.T) {
	rows := traceability(t)
	has := func(want string) bool {
		re := regexp.MustCompile(want)
		for _, r := range rows {
			if re.MatchString(r.article) {
				return true
			}
		}
		return false
	}
	for _, n := range []string{"27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "42", "43", "44", "45", "49", "50"} {
		// "Art. 32, 34", "Art. 36–39" and "Art. 49, 50" name several articles.
		if !has(`^Art\. (\d+[, –]+)*`+n+`\b`) && !rangeHas(rows, n) {
			t.Errorf("no row for Art. %s", n)
		}
	}
	for _, m := range []string{"国办函〔2020〕109号", "国办公开办函〔2021〕30号", "国办公开办函〔2016〕235号", "行政复议法 Art. 23"} {
		if !has(regexp.QuoteMeta(m)) {
			t.Errorf("no row for %s", m)
		}
	}
}

// rangeHas reports whether an "Art. A–B" row covers article n.
func rangeHas(rows []row, n string) bool {
	re := regexp.MustCompile(`^Art\. (\d+)–(\d+)`)
	for _, r := range rows {
		if m := re.FindStringSubmatch(r.article); m != nil && m[1] <= n && n <= m[2] && len(n) == len(m[1]) {
			return true
		}
	}
	return false
}

// The repository stands on its own: no file cites the development specification or a path of the
// machine it was written on.
func TestNoReferenceOutsideTheRepository(t *testing.T) {
	forbidden := regexp.MustCompile(`REGULATION(\.md| §)|DESIGN(\.md| ")|INTERFACES(\.md| ")|STYLE\.md|/` + `work/|\.\./` + `shared`)
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".cache", "node_modules", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".yaml", ".yml", ".sh", ".json", ".sql", ".tmpl", ".html", ".txt":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := forbidden.FindIndex(b); loc != nil {
			t.Errorf("%s cites %q: cite docs/ or the article instead", path, b[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every citation of the docs in the code — `docs/rules.md §N`, `docs/design.md "Section"`,
// `docs/api.md "Section"` — names a section that exists.
func TestCitedSectionsExist(t *testing.T) {
	headings := map[string]map[string]bool{}
	for _, name := range []string{"rules.md", "design.md", "api.md", "operations.md"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		headings[name] = map[string]bool{}
		for _, l := range strings.Split(string(b), "\n") {
			if h, ok := strings.CutPrefix(strings.TrimLeft(l, "#"), " "); ok && strings.HasPrefix(l, "#") {
				headings[name][h] = true
				if sec, _, ok := strings.Cut(h, " "); ok && strings.HasPrefix(sec, "§") {
					headings[name][sec] = true
				}
			}
		}
	}
	cite := regexp.MustCompile(`docs/(rules|design|api|operations)\.md\s+(§\d+|"[^"]+")`)
	wrap := regexp.MustCompile(`\s*\n\s*(//|#)?\s*`) // a citation wrapped over comment lines
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == ".cache" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".md") && !strings.HasSuffix(path, ".yaml") {
			return nil
		}
		if filepath.Base(path) == "docs_test.go" { // its own examples
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range cite.FindAllStringSubmatch(string(b), -1) {
			sec := wrap.ReplaceAllString(strings.Trim(m[2], `"`), " ")
			if !headings[m[1]+".md"][sec] {
				t.Errorf("%s cites docs/%s.md %s, which has no such section", path, m[1], m[2])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
