package forms

import (
	"bytes"
	"compress/zlib"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

// testSigningKey makes a self-signed certificate and its key, PEM, for the signature tests.
func testSigningKey(tb testing.TB) (certPEM, keyPEM []byte) {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(20261103),
		Subject:      pkix.Name{CommonName: "望城区人民政府办公室", Organization: []string{"望城区人民政府办公室"}, Country: []string{"CN"}},
		NotBefore:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kb, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})
	return certPEM, keyPEM
}

// testSeal draws a red ring with a star: a seal image with transparency.
func testSeal(tb testing.TB) []byte {
	tb.Helper()
	const n = 240
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	red := color.NRGBA{R: 220, G: 20, B: 30, A: 230}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := float64(x-n/2), float64(y-n/2)
			r2 := dx*dx + dy*dy
			if (r2 < 118*118 && r2 > 106*106) || (r2 < 20*20) {
				img.Set(x, y, red)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// officialKinds are the letters in the 信函格式, each with what its request needs.
func officialRequests(c *cases.Case) map[string]cases.LetterRequest {
	party := &cases.Party{Kind: "third_party", Name: "湖南某置业有限公司"}
	return map[string]cases.LetterRequest{
		cases.DocCorrectionNotice: fixtureRequest(cases.DocCorrectionNotice, c, func(r *cases.LetterRequest) {
			r.Items = []string{"请写明所需文件的名称或者文号。"}
			r.Due = cases.MustDate("2026-11-24")
		}),
		cases.DocExtensionNotice: fixtureRequest(cases.DocExtensionNotice, c, func(r *cases.LetterRequest) {
			r.Days = 20
			r.Due = cases.MustDate("2026-12-07")
			r.Reason = "需要调取的档案较多"
		}),
		cases.DocConsultationLetter: fixtureRequest(cases.DocConsultationLetter, c, func(r *cases.LetterRequest) { r.Party = party; r.Due = cases.MustDate("2026-11-24") }),
		cases.DocConsultationNotice: fixtureRequest(cases.DocConsultationNotice, c, func(r *cases.LetterRequest) { r.Due = cases.MustDate("2026-11-24") }),
		cases.DocReplyPeriodNotice:  fixtureRequest(cases.DocReplyPeriodNotice, c, func(r *cases.LetterRequest) { r.Due = cases.MustDate("2027-01-29"); r.Reason = "申请数量较大" }),
		cases.DocObjectionOverride:  fixtureRequest(cases.DocObjectionOverride, c, func(r *cases.LetterRequest) { r.Party = party; r.Reason = "该补偿方案涉及公共利益。" }),
		cases.DocReply: fixtureRequest(cases.DocReply, fixtureCase(withDraft("disclose", "经查，该补偿方案已经区人民政府批准。")), func(r *cases.LetterRequest) {
			r.Attachments = []string{"望城区旧城改造项目房屋征收补偿方案", "区人民政府关于补偿方案的批复"}
		}),
	}
}

// TestOfficialLetterLayout checks the 信函格式 of GB/T 9704-2012 in the PDF itself: the agency's
// name in red at the top, the red rules, the number under them and above the title, no running
// header, no page number on the first page, "— 2 —" on the second, and the seal image over the
// date when the agency has one (never on a draft).
func TestOfficialLetterLayout(t *testing.T) {
	font, bold := requireFonts(t)
	r := NewRenderer(font, bold)
	c := fixtureCase()
	for kind, req := range officialRequests(c) {
		t.Run(kind, func(t *testing.T) {
			req.Agency.LetterAssets = &cases.LetterAssets{Seal: testSeal(t)}
			pdf, _, err := r.Render(req)
			if err != nil {
				t.Fatal(err)
			}
			saveArtifact(t, "official-"+kind, pdf)
			text := pdfText(t, pdf, false, 0, 0)
			lines := nonEmpty(text)
			if !strings.Contains(lines[0], "望城区人民政府办公室") {
				t.Errorf("first line %q: want the agency's name (发文机关标志)", lines[0])
			}
			if !strings.Contains(lines[1], "望政公开〔2026〕12号") && !strings.Contains(lines[1], "〔2026〕12号") {
				t.Errorf("second line %q: want the document number under the letterhead", lines[1])
			}
			if !strings.Contains(lines[2], cases.DocKinds.Label(kind, "zh")) {
				t.Errorf("third line %q: want the title", lines[2])
			}
			if strings.Contains(text, "申请编号：GK") && strings.Contains(lines[0], "申请编号") || strings.Contains(text, "第1页") {
				t.Errorf("running header or 第1页 footer left in an official letter:\n%s", text)
			}
			// The red: text colour and the rules are drawn in Red (230 0 18 → 0.902 0.000 0.071).
			raw := inflate(t, pdf)
			if !bytes.Contains(raw, []byte("0.902 0.000 0.071 rg")) || !bytes.Contains(raw, []byte("0.902 0.000 0.071 RG")) {
				t.Error("no red text (rg) or red rules (RG) in the page content")
			}
			if n := bytes.Count(raw, []byte("/Subtype /Image")); n == 0 {
				t.Errorf("%d images, want the seal", n)
			}
			if strings.Count(text, "\f") > 1 && !strings.Contains(strings.ReplaceAll(text, " ", ""), "—2—") {
				t.Error("a second page without “— 2 —”")
			}
			// A draft preview: no seal, no number.
			draft := req
			draft.Draft, draft.Number = true, ""
			dpdf, _, err := r.Render(draft)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(inflate(t, dpdf), []byte("/Subtype /Image")) {
				t.Error("the seal is printed on a draft preview")
			}
		})
	}
}

// TestReplyAttachmentsListed checks that the released documents appear as 附件：1.… 2.… (GB/T
// 9704: the attachments are listed under the body).
func TestReplyAttachmentsListed(t *testing.T) {
	font, bold := requireFonts(t)
	req := officialRequests(fixtureCase())[cases.DocReply]
	pdf, _, err := NewRenderer(font, bold).Render(req)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf, true, 0, 0)), "")
	for _, want := range []string{"附件：1.望城区旧城改造项目房屋征收补偿方案", "2.区人民政府关于补偿方案的批复"} {
		if !strings.Contains(text, want) {
			t.Errorf("reply lacks %q:\n%s", want, text)
		}
	}
}

// TestSignedLetterVerifies signs a reply letter and the receipt with a key and checks them with
// poppler's pdfsig: valid, the whole document signed, ETSI.CAdES.detached.
func TestSignedLetterVerifies(t *testing.T) {
	font, bold := requireFonts(t)
	pdfsig := requireTool(t, "pdfsig")
	certPEM, keyPEM := testSigningKey(t)
	r := NewRenderer(font, bold)
	for _, kind := range []string{cases.DocReply, cases.DocReceipt} {
		req := officialRequests(fixtureCase())[cases.DocReply]
		req.Kind = kind
		req.Agency.LetterAssets = &cases.LetterAssets{Seal: testSeal(t), SigningCert: certPEM, SigningKey: keyPEM}
		pdf, _, err := r.Render(req)
		if err != nil {
			t.Fatal(err)
		}
		saveArtifact(t, "signed-"+kind, pdf)
		out := runPdfsig(t, pdfsig, pdf)
		for _, want := range []string{"Signature is Valid.", "Total document signed", "ETSI.CAdES.detached"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: pdfsig lacks %q:\n%s", kind, want, out)
			}
		}
		// A changed byte breaks it.
		bad := bytes.Clone(pdf)
		i := bytes.Index(bad, []byte("/Title"))
		bad[i+1] = 'X'
		if out := runPdfsig(t, pdfsig, bad); strings.Contains(out, "Signature is Valid.") {
			t.Errorf("%s: a tampered letter still verifies:\n%s", kind, out)
		}
	}
	// A draft is never signed.
	req := officialRequests(fixtureCase())[cases.DocReply]
	req.Draft, req.Number = true, ""
	req.Agency.LetterAssets = &cases.LetterAssets{SigningCert: certPEM, SigningKey: keyPEM}
	pdf, _, err := r.Render(req)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(pdf, []byte("/ETSI.CAdES.detached")) {
		t.Error("a draft preview carries a signature")
	}
}

// TestSignerRefusesForeignKey: a key that does not belong to the certificate is refused.
func TestSignerRefusesForeignKey(t *testing.T) {
	certPEM, _ := testSigningKey(t)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	kb, _ := x509.MarshalPKCS8PrivateKey(other)
	if _, err := NewSigner(certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})); err == nil {
		t.Fatal("a foreign key was accepted")
	}
}

func runPdfsig(t *testing.T, pdfsig string, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "s.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(pdfsig, f).CombinedOutput()
	return string(out)
}

func nonEmpty(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimSpace(l))
		}
	}
	for len(out) < 3 {
		out = append(out, "")
	}
	return out
}

func zlibInflate(b []byte) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

var reStream = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// inflate returns the PDF with its Flate streams decompressed (page contents), for looking at
// the drawing operators.
func inflate(t *testing.T, pdf []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	out.Write(pdf)
	for _, m := range reStream.FindAllSubmatch(pdf, -1) {
		if b, err := zlibInflate(m[1]); err == nil {
			out.Write(b)
		}
	}
	return out.Bytes()
}

// BenchmarkSignedReplyLetter renders a reply letter with the seal and signs it: the work and the
// size of every issued letter of an agency with a key (target: under 40 ms and 150 KB).
func BenchmarkSignedReplyLetter(b *testing.B) {
	font, bold := requireFonts(b)
	r := NewRenderer(font, bold)
	certPEM, keyPEM := testSigningKey(b)
	req := officialRequests(fixtureCase())[cases.DocReply]
	req.Agency.LetterAssets = &cases.LetterAssets{Seal: testSeal(b), SigningCert: certPEM, SigningKey: keyPEM}
	var size int
	for b.Loop() {
		pdf, _, err := r.Render(req)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}
