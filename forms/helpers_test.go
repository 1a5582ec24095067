package forms

import (
	"os"
	"os/exec"
	"sync"
	"testing"
)

var testFonts struct {
	once       sync.Once
	font, bold *Font
	err        error
}

// loadTestFonts loads the fonts once for the whole test binary (FOIDESK_FONT overrides the
// regular font's path).
func loadTestFonts() (*Font, *Font, error) {
	testFonts.once.Do(func() {
		path := DefaultFontPath
		if p := os.Getenv("FOIDESK_FONT"); p != "" {
			path = p
		}
		testFonts.font, testFonts.err = LoadFont(path)
		if testFonts.err == nil {
			testFonts.bold, testFonts.err = LoadFont(DefaultBoldFontPath)
		}
	})
	return testFonts.font, testFonts.bold, testFonts.err
}

// requireFonts returns the fonts, skipping the test when they are not installed, unless CI is
// set: on CI a missing font fails.
func requireFonts(tb testing.TB) (*Font, *Font) {
	tb.Helper()
	font, bold, err := loadTestFonts()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI: %v", err)
		}
		tb.Skipf("skipping: %v", err)
	}
	return font, bold
}

// optionalFont returns the regular font, or nil when it is not installed (outside CI).
func optionalFont(tb testing.TB) *Font {
	tb.Helper()
	font, _, err := loadTestFonts()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI: %v", err)
		}
		return nil
	}
	return font
}

// requireTool returns the path of a poppler tool, skipping the test when it is missing, unless
// CI is set: on CI a missing tool fails.
func requireTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI: %s not found (install poppler-utils): %v", name, err)
		}
		tb.Skipf("skipping: %s not found (install poppler-utils to run this test)", name)
	}
	return path
}

// saveArtifact writes pdf to $FORMS_PDF_DIR/name.pdf when that variable is set, to look at the
// rendered documents (e.g. pdftoppm -r 60 -png).
func saveArtifact(tb testing.TB, name string, pdf []byte) {
	tb.Helper()
	dir := os.Getenv("FORMS_PDF_DIR")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dir+"/"+name+".pdf", pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
}
