package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	cases "foidesk/case"
)

// Text messages to applicants (docs/api.md "Clock and deployment settings": FOIDESK_SMS_WEBHOOK):
// written to the outbox by the event that causes them (channel sms) and sent by Deliver with the
// same claim, backoff and give-up as e-mail, through an SMSSender: the webhook, or Alibaba Cloud's
// Short Message Service (dysmsapi SendSms) behind the same interface.

// SMS is one text message as a sender gets it.
type SMS struct {
	To         string            `json:"to"`          // 11-digit mobile number
	Text       string            `json:"text"`        // the whole text
	TrackingNo string            `json:"tracking_no"` // the case it is about
	Kind       string            `json:"kind"`        // cases.SMSKinds
	Params     map[string]string `json:"-"`           // template parameters (no, date, amount, code)
}

// SMSSender sends one text message; an error means "not sent, try again later".
type SMSSender interface {
	SendSMS(ctx context.Context, m SMS) error
}

// smsOf turns an outbox message into an SMS.
func smsOf(m cases.Message) SMS {
	s := SMS{To: m.Recipient, Text: m.Body, TrackingNo: m.TrackingNo, Kind: cases.SMSKindOf(m.Kind), Params: map[string]string{}}
	if m.Subject != "" {
		_ = json.Unmarshal([]byte(m.Subject), &s.Params)
	}
	if s.Params["no"] == "" && s.TrackingNo != "" {
		s.Params["no"] = s.TrackingNo
	}
	return s
}

// smsClient is the HTTP client of the senders: a bounded wait.
var smsClient = &http.Client{Timeout: 30 * time.Second}

// WebhookSMS POSTs each message as JSON {to, text, tracking_no, kind} to URL; a 2xx answer means
// sent (FOIDESK_SMS_WEBHOOK).
type WebhookSMS struct {
	URL    string
	Client *http.Client // nil: a client with a 30 s timeout
}

// SendSMS posts m.
func (w WebhookSMS) SendSMS(ctx context.Context, m SMS) error {
	body, _ := json.Marshal(m)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	cl := w.Client
	if cl == nil {
		cl = smsClient
	}
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("SMS webhook answered %s", resp.Status)
	}
	return nil
}

// AliyunSMS sends through Alibaba Cloud Short Message Service, API SendSms (version 2017-05-25) of
// dysmsapi, an RPC-style API signed with signature version 1.0 (HMAC-SHA1): the parameters sorted
// by name, each name and value percent-encoded (RFC 3986: space %20, "*" %2A, "~" kept), joined
// with "&" = the canonicalized query string; StringToSign = METHOD + "&" + percentEncode("/") + "&"
// + percentEncode(canonicalized query string); Signature = Base64(HMAC-SHA1(AccessKeySecret + "&",
// StringToSign)). The text is sent as a registered template (TemplateCode per kind, or the one
// default) with TemplateParam {no, date, amount, code} as the kind has them; the signature name
// (SignName) is the 【…】 the operator prints.
type AliyunSMS struct {
	Endpoint        string // default https://dysmsapi.aliyuncs.com/
	AccessKeyID     string
	AccessKeySecret string
	SignName        string
	Template        string            // TemplateCode used for every kind without its own
	Templates       map[string]string // kind → TemplateCode
	RegionID        string            // default cn-hangzhou
	Client          *http.Client
	Now             func() time.Time
}

// AliyunPercentEncode encodes s as the signature needs it (RFC 3986 unreserved characters kept).
func AliyunPercentEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// AliyunSignature returns the signature of the parameters params (Signature itself excluded) for
// an HTTP method, with secret.
func AliyunSignature(method string, params url.Values, secret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = AliyunPercentEncode(k) + "=" + AliyunPercentEncode(params.Get(k))
	}
	toSign := method + "&" + AliyunPercentEncode("/") + "&" + AliyunPercentEncode(strings.Join(parts, "&"))
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SendSMS sends m as a SendSms request (POST, form-encoded) and checks the answer's Code "OK".
func (a AliyunSMS) SendSMS(ctx context.Context, m SMS) error {
	tpl := a.Templates[m.Kind]
	if tpl == "" {
		tpl = a.Template
	}
	if tpl == "" {
		return fmt.Errorf("no Alibaba Cloud SMS template for kind %s", m.Kind)
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	region := a.RegionID
	if region == "" {
		region = "cn-hangzhou"
	}
	nonce := make([]byte, 16)
	rand.Read(nonce)
	tp, _ := json.Marshal(m.Params)
	v := url.Values{}
	v.Set("AccessKeyId", a.AccessKeyID)
	v.Set("Action", "SendSms")
	v.Set("Format", "JSON")
	v.Set("RegionId", region)
	v.Set("SignatureMethod", "HMAC-SHA1")
	v.Set("SignatureNonce", hex.EncodeToString(nonce))
	v.Set("SignatureVersion", "1.0")
	v.Set("Timestamp", now().UTC().Format("2006-01-02T15:04:05Z"))
	v.Set("Version", "2017-05-25")
	v.Set("PhoneNumbers", m.To)
	v.Set("SignName", a.SignName)
	v.Set("TemplateCode", tpl)
	v.Set("TemplateParam", string(tp))
	if m.TrackingNo != "" {
		v.Set("OutId", m.TrackingNo)
	}
	v.Set("Signature", AliyunSignature(http.MethodPost, v, a.AccessKeySecret))
	endpoint := a.Endpoint
	if endpoint == "" {
		endpoint = "https://dysmsapi.aliyuncs.com/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(v.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	cl := a.Client
	if cl == nil {
		cl = smsClient
	}
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var out struct{ Code, Message, BizId, RequestId string }
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("Alibaba Cloud SMS answered %s: %s", resp.Status, truncate(string(raw), 200))
	}
	if out.Code != "OK" {
		return fmt.Errorf("Alibaba Cloud SMS refused: %s %s (request %s)", out.Code, out.Message, out.RequestId)
	}
	return nil
}

// SMSFromEnv builds the sender the environment configures, or nil:
//   - FOIDESK_SMS_WEBHOOK=URL: the webhook;
//   - FOIDESK_SMS_PROVIDER=aliyun with FOIDESK_ALIYUN_SMS_ACCESS_KEY_ID, _ACCESS_KEY_SECRET,
//     _SIGN_NAME, _TEMPLATE (the default TemplateCode), optional _TEMPLATES
//     ("kind=CODE,kind=CODE"), _ENDPOINT and _REGION.
//
// The webhook wins when both are set.
func SMSFromEnv(getenv func(string) string) (SMSSender, error) {
	if u := strings.TrimSpace(getenv("FOIDESK_SMS_WEBHOOK")); u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("FOIDESK_SMS_WEBHOOK %q is not an http(s) URL", u)
		}
		return WebhookSMS{URL: u}, nil
	}
	switch p := strings.TrimSpace(getenv("FOIDESK_SMS_PROVIDER")); p {
	case "":
		return nil, nil
	case "aliyun":
		a := AliyunSMS{Endpoint: getenv("FOIDESK_ALIYUN_SMS_ENDPOINT"), AccessKeyID: getenv("FOIDESK_ALIYUN_SMS_ACCESS_KEY_ID"),
			AccessKeySecret: getenv("FOIDESK_ALIYUN_SMS_ACCESS_KEY_SECRET"), SignName: getenv("FOIDESK_ALIYUN_SMS_SIGN_NAME"),
			Template: getenv("FOIDESK_ALIYUN_SMS_TEMPLATE"), RegionID: getenv("FOIDESK_ALIYUN_SMS_REGION"), Templates: map[string]string{}}
		for _, kv := range strings.Split(getenv("FOIDESK_ALIYUN_SMS_TEMPLATES"), ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
				a.Templates[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		if a.AccessKeyID == "" || a.AccessKeySecret == "" || a.SignName == "" || (a.Template == "" && len(a.Templates) == 0) {
			return nil, fmt.Errorf("FOIDESK_SMS_PROVIDER=aliyun needs FOIDESK_ALIYUN_SMS_ACCESS_KEY_ID, _ACCESS_KEY_SECRET, _SIGN_NAME and _TEMPLATE (or _TEMPLATES)")
		}
		return a, nil
	default:
		return nil, fmt.Errorf("FOIDESK_SMS_PROVIDER %q is not known (aliyun)", p)
	}
}
