package forms

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/digitorus/pkcs7"
)

// A signed letter carries a PDF signature (PAdES baseline B: /SubFilter /ETSI.CAdES.detached, a
// CMS SignedData over the whole file but the signature itself, with the ESS signing-certificate-v2
// attribute) written as an incremental update after the bytes fpdf produced, so that a recipient's
// reader (or poppler's pdfsig) can check that the letter is the one the agency issued
// (docs/design.md "Documents"). The CMS is built by github.com/digitorus/pkcs7; the PDF objects
// are written here, since fpdf writes a plain cross-reference table that is easy to extend.

// SignInfo is what the signature dictionary says besides the signature: the signer's name, the
// reason (the letter's title and number) and the signing time (/M).
type SignInfo struct {
	Name, Reason string
	Time         time.Time
}

// Signer signs PDFs with one certificate (and its chain) and private key.
type Signer struct {
	cert  *x509.Certificate
	chain []*x509.Certificate
	key   crypto.Signer
}

// contentsSize is the room reserved for the CMS signature, bytes (written as twice as many hex
// digits): enough for a certificate chain of three RSA-4096 certificates.
const contentsSize = 8192

// oidSigningCertificateV2 is id-aa-signingCertificateV2 (RFC 5035), required by PAdES.
var oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}

// NewSigner parses a PEM certificate chain (the signing certificate first) and a PEM private key
// (PKCS #8, PKCS #1 or SEC 1) that belongs to it.
func NewSigner(certPEM, keyPEM []byte) (*Signer, error) {
	var certs []*x509.Certificate
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate: %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM certificate found")
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, errors.New("no PEM private key found")
	}
	var key any
	var err error
	switch kb.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(kb.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(kb.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(kb.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("the private key cannot sign")
	}
	pub, ok := certs[0].PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(signer.Public()) {
		return nil, errors.New("the private key does not belong to the first certificate")
	}
	return &Signer{cert: certs[0], chain: certs[1:], key: signer}, nil
}

// Subject is the signing certificate's subject, for logs and the admin page.
func (s *Signer) Subject() string { return s.cert.Subject.String() }

// NotAfter is when the signing certificate expires.
func (s *Signer) NotAfter() time.Time { return s.cert.NotAfter }

// Sign returns pdf with a signature over all of it appended as an incremental update.
func (s *Signer) Sign(pdf []byte, info SignInfo) ([]byte, error) {
	doc, err := parseTrailer(pdf)
	if err != nil {
		return nil, err
	}
	catalog, err := objectDict(pdf, doc.root)
	if err != nil {
		return nil, err
	}
	page, err := firstPage(pdf, catalog)
	if err != nil {
		return nil, err
	}
	pageDict, err := objectDict(pdf, page)
	if err != nil {
		return nil, err
	}
	sigObj, fieldObj := doc.size, doc.size+1

	var b bytes.Buffer
	b.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		b.WriteByte('\n')
	}
	offsets := map[int]int{}
	obj := func(n int, body string) {
		offsets[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	// The signature dictionary: /ByteRange and /Contents are placeholders filled in below.
	offsets[sigObj] = b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ", sigObj)
	rangeAt := b.Len()
	b.WriteString("[0 0000000000 0000000000 0000000000]")
	b.WriteString(" /Contents ")
	contentsAt := b.Len()
	b.WriteString("<" + string(bytes.Repeat([]byte("0"), 2*contentsSize)) + ">")
	contentsEnd := b.Len()
	fmt.Fprintf(&b, " /M %s /Name %s /Reason %s >>\nendobj\n", pdfDate(info.Time), pdfString(info.Name), pdfString(info.Reason))
	obj(fieldObj, fmt.Sprintf("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V %d 0 R /F 132 /Rect [0 0 0 0] /P %d 0 R >>", sigObj, page))
	obj(doc.root, "<<"+catalog+fmt.Sprintf(" /AcroForm << /Fields [%d 0 R] /SigFlags 3 >> >>", fieldObj))
	obj(page, "<<"+addAnnot(pageDict, fieldObj)+" >>")

	xref := b.Len()
	b.WriteString("xref\n")
	for _, n := range []int{doc.root, page, sigObj, fieldObj} {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", n, offsets[n])
	}
	trailer := fmt.Sprintf("/Size %d /Root %d 0 R /Prev %d", fieldObj+1, doc.root, doc.startxref)
	if doc.info != "" {
		trailer += " /Info " + doc.info
	}
	fmt.Fprintf(&b, "trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n", trailer, xref)

	out := b.Bytes()
	byteRange := fmt.Sprintf("[0 %d %d %d]", contentsAt, contentsEnd, len(out)-contentsEnd)
	if len(byteRange) > len("[0 0000000000 0000000000 0000000000]") {
		return nil, errors.New("the PDF is too large to sign")
	}
	copy(out[rangeAt:], fmt.Sprintf("%-36s", byteRange))

	signed := make([]byte, 0, len(out)-(contentsEnd-contentsAt))
	signed = append(append(signed, out[:contentsAt]...), out[contentsEnd:]...)
	cms, err := s.cms(signed)
	if err != nil {
		return nil, err
	}
	if len(cms) > contentsSize {
		return nil, fmt.Errorf("the signature (%d bytes) exceeds the room kept for it", len(cms))
	}
	copy(out[contentsAt+1:], hex.EncodeToString(cms))
	return out, nil
}

// cms is the detached CMS SignedData over data: SHA-256, the certificate chain, and the
// signing-certificate-v2 attribute binding the signature to the signing certificate.
func (s *Signer) cms(data []byte) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(data)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	certHash := sha256.Sum256(s.cert.Raw)
	type essCertIDv2 struct{ CertHash []byte } // hashAlgorithm omitted: SHA-256 is the default
	type signingCertificateV2 struct{ Certs []essCertIDv2 }
	attr := pkcs7.Attribute{Type: oidSigningCertificateV2, Value: signingCertificateV2{Certs: []essCertIDv2{{CertHash: certHash[:]}}}}
	if err := sd.AddSignerChain(s.cert, s.key, s.chain, pkcs7.SignerInfoConfig{ExtraSignedAttributes: []pkcs7.Attribute{attr}}); err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	sd.Detach()
	return sd.Finish()
}

// trailerInfo is what the signature's update needs from the PDF it extends.
type trailerInfo struct {
	size, root, startxref int
	info                  string // "N 0 R" or ""
}

var (
	reStartxref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reSize      = regexp.MustCompile(`/Size\s+(\d+)`)
	reRoot      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
	reInfo      = regexp.MustCompile(`/Info\s+(\d+\s+0\s+R)`)
	rePages     = regexp.MustCompile(`/Pages\s+(\d+)\s+0\s+R`)
	reKids      = regexp.MustCompile(`/Kids\s*\[\s*(\d+)\s+0\s+R`)
)

// parseTrailer reads the last trailer of a PDF with a classic cross-reference table (as fpdf
// writes it).
func parseTrailer(pdf []byte) (trailerInfo, error) {
	var t trailerInfo
	m := reStartxref.FindSubmatch(pdf)
	if m == nil {
		return t, errors.New("no startxref: not a PDF fpdf wrote")
	}
	t.startxref, _ = strconv.Atoi(string(m[1]))
	i := bytes.LastIndex(pdf, []byte("trailer"))
	if i < 0 {
		return t, errors.New("no trailer: not a PDF with a cross-reference table")
	}
	tr := pdf[i:]
	sm, rm := reSize.FindSubmatch(tr), reRoot.FindSubmatch(tr)
	if sm == nil || rm == nil {
		return t, errors.New("the trailer has no /Size or /Root")
	}
	t.size, _ = strconv.Atoi(string(sm[1]))
	t.root, _ = strconv.Atoi(string(rm[1]))
	if im := reInfo.FindSubmatch(tr); im != nil {
		t.info = string(im[1])
	}
	return t, nil
}

// objectDict returns the inside of the dictionary of object n (between its outer << and >>).
func objectDict(pdf []byte, n int) (string, error) {
	head := []byte(fmt.Sprintf("\n%d 0 obj", n))
	i := bytes.LastIndex(pdf, head)
	if i < 0 {
		return "", fmt.Errorf("object %d not found", n)
	}
	rest := pdf[i+len(head):]
	end := bytes.Index(rest, []byte("endobj"))
	if end < 0 {
		return "", fmt.Errorf("object %d has no end", n)
	}
	body := bytes.TrimSpace(rest[:end])
	if !bytes.HasPrefix(body, []byte("<<")) || !bytes.HasSuffix(body, []byte(">>")) || bytes.Contains(body, []byte("stream")) {
		return "", fmt.Errorf("object %d is not a dictionary", n)
	}
	return string(body[2 : len(body)-2]), nil
}

// firstPage finds the object number of the first page through the catalog's page tree.
func firstPage(pdf []byte, catalog string) (int, error) {
	m := rePages.FindStringSubmatch(catalog)
	if m == nil {
		return 0, errors.New("the catalog has no /Pages")
	}
	n, _ := strconv.Atoi(m[1])
	for depth := 0; depth < 8; depth++ {
		d, err := objectDict(pdf, n)
		if err != nil {
			return 0, err
		}
		k := reKids.FindStringSubmatch(d)
		if k == nil {
			return n, nil // a page
		}
		n, _ = strconv.Atoi(k[1])
	}
	return 0, errors.New("the page tree is too deep")
}

// addAnnot adds the signature field's widget to a page dictionary's /Annots.
func addAnnot(page string, field int) string {
	ref := fmt.Sprintf("%d 0 R", field)
	if i := bytes.Index([]byte(page), []byte("/Annots")); i >= 0 {
		if j := bytes.IndexByte([]byte(page[i:]), '['); j >= 0 {
			at := i + j + 1
			return page[:at] + ref + " " + page[at:]
		}
	}
	return page + " /Annots [" + ref + "]"
}

// pdfDate writes t as a PDF date string, (D:20261103093000+08'00').
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// pdfString writes s as a PDF text string in UTF-16BE with a byte-order mark, in hex.
func pdfString(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// signerCache keeps the parsed signer of each key, so that a key is parsed once per process.
type signerCache struct {
	mu sync.Mutex
	m  map[[32]byte]*Signer
}

func (c *signerCache) get(certPEM, keyPEM []byte) (*Signer, error) {
	id := sha256.Sum256(append(append([]byte{}, certPEM...), keyPEM...))
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[id]; ok {
		return s, nil
	}
	s, err := NewSigner(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[[32]byte]*Signer{}
	}
	c.m[id] = s
	return s, nil
}
