package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// docs/api.md "CLI" agency seal and agency signing-key, docs/design.md "Documents": with a key set,
// every letter the agency issues carries a PDF signature over the whole document that poppler's
// pdfsig reports as valid, and the seal image is printed on it.
func TestAgencySealAndSigningKey(t *testing.T) {
	needFont(t)
	pdfsig := needTool(t, "pdfsig")
	openssl := needTool(t, "openssl")
	dir := t.TempDir()
	db := filepath.Join(dir, "sign.db")
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if out, err := exec.Command(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
		"-subj", "/C=CN/O=清溪区人民政府/CN=清溪区人民政府办公室", "-keyout", key, "-out", cert).CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	other := filepath.Join(dir, "other.pem")
	if out, err := exec.Command(openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", other).CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	seal := filepath.Join(dir, "seal.png")
	writeSeal(t, seal)

	if code, _, errOut := run(t, "", "--db", db, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	// Refused: a key that is not the certificate's, a seal that is not a PNG, an unknown agency.
	if code, _, errOut := run(t, "", "--db", db, "agency", "signing-key", "default", "--cert", cert, "--key", other); code == 0 || !strings.Contains(errOut, "does not belong") {
		t.Errorf("a foreign key: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "--db", db, "agency", "seal", "default", "--png", cert); code == 0 || !strings.Contains(errOut, "PNG") {
		t.Errorf("a seal that is no PNG: exit %d %s", code, errOut)
	}
	if code, _, _ := run(t, "", "--db", db, "agency", "seal", "nosuch", "--png", seal); code == 0 {
		t.Error("a seal for an unknown agency was accepted")
	}
	for _, args := range [][]string{{"agency", "signing-key", "default", "--cert", cert, "--key", key}, {"agency", "seal", "default", "--png", seal}} {
		if code, out, errOut := run(t, "", append([]string{"--db", db}, args...)...); code != 0 || out != "" {
			t.Fatalf("%v: exit %d %q %s", args, code, out, errOut)
		}
	}

	addUser(t, db, "clerk1", "clerk")
	srv := startServe(t, db).as(db, "clerk1")
	app := map[string]any{
		"applicant":   map[string]any{"kind": "person", "name": "张伟", "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800138000"},
		"description": "申请公开清溪区2026年度城市更新项目的立项批复文件。", "delivery": "pickup", "carrier": "paper",
		"channel": "in_person", "received_on": time.Now().In(shanghai).Format("2006-01-02"),
	}
	st, body := srv.call("POST", "/cases", app)
	if st != http.StatusCreated {
		t.Fatalf("POST /cases: %d %v", st, body)
	}
	var url string
	for _, d := range body["documents"].([]any) {
		if m := d.(map[string]any); m["kind"] == "receipt" {
			url = m["url"].(string)
		}
	}
	if url == "" {
		t.Fatalf("no receipt: %v", body["documents"])
	}
	req, _ := http.NewRequest("GET", srv.base+url, nil)
	req.Header.Set("Authorization", "Bearer "+srv.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	f := filepath.Join(dir, "receipt.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(pdfsig, f).CombinedOutput()
	for _, want := range []string{"Signature is Valid.", "Total document signed", "ETSI.CAdES.detached"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("pdfsig of the issued receipt lacks %q:\n%s", want, out)
		}
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("the issued receipt carries no seal image")
	}
}

// needTool returns the path of a command the test needs; it skips without it unless CI is set.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing", name)
		}
		t.Skipf("%s missing: skipping", name)
	}
	return p
}

// writeSeal draws a red ring, the shape of a seal, into a PNG with transparency.
func writeSeal(t *testing.T, path string) {
	t.Helper()
	const n = 200
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := x-n/2, y-n/2
			if r2 := dx*dx + dy*dy; r2 < 98*98 && r2 > 88*88 {
				img.Set(x, y, color.NRGBA{R: 220, G: 20, B: 30, A: 230})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
