package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// smsOfCase lists the SMS messages of a case in the outbox.
func smsOfCase(t *testing.T, e *env, id int64) []cases.Message {
	t.Helper()
	ms, err := e.db.CaseMessages(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []cases.Message
	for _, m := range ms {
		if m.Channel == cases.MessageSMS {
			out = append(out, m)
		}
	}
	return out
}

func smsKinds(ms []cases.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, cases.SMSKindOf(m.Kind))
	}
	return out
}

// checkSMSText: short, and no personal data beyond the tracking number.
func checkSMSText(t *testing.T, m cases.Message) {
	t.Helper()
	if n := len([]rune(m.Body)); n > 70 || n == 0 {
		t.Errorf("%s: %d characters: %s", m.Kind, n, m.Body)
	}
	for _, personal := range []string{"张三", "11010519491231002X", "13800138000", "example.cn"} {
		if strings.Contains(m.Body, personal) {
			t.Errorf("%s carries %s: %s", m.Kind, personal, m.Body)
		}
	}
}

// Art. 30, Art. 33, 国办函〔2020〕109号: the applicant's mobile gets a text for a correction request and
// its reminder 3 working days before the period ends, a fee notice and its reminder, an extension
// and a reply deadline moved by a calendar change; reminders are notices, never ALERT lines, and a
// rerun sends nothing twice.
func TestArt30_SMSNotices(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-14", 9, 0))
			corr := e.paper("2026-09-14", "")
			corr = e.fire("2026-09-15", corr.ID, e.li, "request_correction", map[string]any{"items": []string{"请写明所需信息的文号或者名称。"}})
			fee := e.paper("2026-09-14", "zhangsan@example.cn")
			e.fire("2026-09-14", fee.ID, e.li, "accept", nil)
			fee = e.fire("2026-09-15", fee.ID, e.li, "request_fee", map[string]any{"basis": "per_page", "pages": 40})
			ext := e.paper("2026-09-14", "")
			e.fire("2026-09-14", ext.ID, e.li, "accept", nil)
			ext = e.fire("2026-09-16", ext.ID, e.wang, "extend", map[string]any{"days": 20, "reason": "需要调取档案。"})

			for id, want := range map[int64]string{corr.ID: "correction_requested", fee.ID: "fee_requested", ext.ID: "extended"} {
				ms := smsOfCase(t, e, id)
				if len(ms) != 1 || cases.SMSKindOf(ms[0].Kind) != want || ms[0].Recipient != "13800138000" {
					t.Fatalf("case %d: %v", id, smsKinds(ms))
				}
				checkSMSText(t, ms[0])
			}
			if ms := smsOfCase(t, e, ext.ID); !strings.Contains(ms[0].Body, ext.ReplyDue.Chinese()) {
				t.Errorf("extension text without the new deadline: %s", ms[0].Body)
			}

			// The reminder day: 3 working days before the correction's due date.
			cal := e.db.Calendar()
			day := corr.CorrectionDue
			for cal.AddWorkdays(day, cases.ReminderWorkdays).After(corr.CorrectionDue) || !cal.IsWorkday(day) {
				day = day.AddDays(-1)
			}
			before := day.AddDays(-1)
			for !cal.IsWorkday(before) {
				before = before.AddDays(-1)
			}
			e.sweep(before.String())
			if ms := smsOfCase(t, e, corr.ID); len(ms) != 1 {
				t.Fatalf("reminded too early (%s): %v", before, smsKinds(ms))
			}
			rep := e.sweep(day.String())
			for _, l := range rep.Lines() {
				if strings.Contains(l, corr.TrackingNo) {
					t.Errorf("the reminder is an alert line: %s", l)
				}
			}
			ms := smsOfCase(t, e, corr.ID)
			if len(ms) != 2 || cases.SMSKindOf(ms[1].Kind) != "correction_reminder" || !strings.Contains(ms[1].Body, corr.CorrectionDue.Chinese()) {
				t.Fatalf("reminder on %s: %v", day, smsKinds(ms))
			}
			checkSMSText(t, ms[1])
			e.sweep(day.String())
			if ms := smsOfCase(t, e, corr.ID); len(ms) != 2 {
				t.Errorf("rerun: %v", smsKinds(ms))
			}

			// The fee reminder, by SMS and (an address was given) by e-mail.
			day = fee.FeeDue
			for cal.AddWorkdays(day, cases.ReminderWorkdays).After(fee.FeeDue) || !cal.IsWorkday(day) {
				day = day.AddDays(-1)
			}
			e.sweep(day.String())
			if ms := smsOfCase(t, e, fee.ID); len(ms) != 2 || cases.SMSKindOf(ms[1].Kind) != "fee_reminder" {
				t.Fatalf("fee reminder on %s: %v", day, smsKinds(ms))
			}
			all, _ := e.db.CaseMessages(e.ctx, fee.ID)
			mailed := false
			for _, m := range all {
				mailed = mailed || (m.Channel == cases.MessageEmail && m.Kind == "applicant.fee_reminder")
			}
			if !mailed {
				t.Error("no e-mail reminder to the address given")
			}

			// A calendar change that moves the extended case's reply deadline.
			e.clk.Set(at("2026-09-17", 11, 0))
			moved, err := e.db.SetCalendarDay(e.ctx, workflow.Override{Day: cases.MustDate("2026-09-18"), Work: false, Note: "临时停工"}, "admin1")
			if err != nil || len(moved) == 0 {
				t.Fatalf("calendar: %v %v", moved, err)
			}
			ms = smsOfCase(t, e, ext.ID)
			if len(ms) != 2 || cases.SMSKindOf(ms[1].Kind) != "deadline_moved" {
				t.Fatalf("deadline moved: %v", smsKinds(ms))
			}
			after, _ := e.db.Case(e.ctx, ext.ID)
			if !strings.Contains(ms[1].Body, after.ReplyDue.Chinese()) {
				t.Errorf("moved text %q, due %s", ms[1].Body, after.ReplyDue)
			}
			checkSMSText(t, ms[1])
		})
	}
}

// FOIDESK_SMS_WEBHOOK (docs/api.md): JSON {to, text, tracking_no, kind}; a non-2xx answer is retried
// with the e-mail backoff; a new access code is blanked once sent.
func TestSMSWebhookDelivery(t *testing.T) {
	e := newEnv(t, "sqlite", at("2026-09-14", 9, 0))
	var mu sync.Mutex
	var got []map[string]string
	fail := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var m map[string]string
		if r.Header.Get("Content-Type") != "application/json; charset=utf-8" || json.NewDecoder(r.Body).Decode(&m) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if fail {
			fail = false
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		got = append(got, m)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	sender, err := SMSFromEnv(func(k string) string {
		if k == "FOIDESK_SMS_WEBHOOK" {
			return srv.URL
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SMS = sender
	c := e.paper("2026-09-14", "")
	c = e.fire("2026-09-15", c.ID, e.li, "request_correction", map[string]any{"items": []string{"请写明所需信息的文号或者名称。"}})
	if ok, err := e.db.RecoverAccess(e.ctx, c.TrackingNo, "11010519491231002x", "138 0013 8000"); err != nil || !ok {
		t.Fatalf("recover: %v %v", ok, err)
	}
	d, err := e.svc.Deliver(e.ctx)
	if err != nil || d.Sent != 1 || d.Failed != 1 {
		t.Fatalf("first delivery: %+v %v", d, err)
	}
	e.clk.Set(e.clk.Now().Add(Backoff(1) + time.Second))
	if d, err := e.svc.Deliver(e.ctx); err != nil || d.Sent != 1 {
		t.Fatalf("retry: %+v %v", d, err)
	}
	if len(got) != 2 {
		t.Fatalf("webhook got %v", got)
	}
	kinds := map[string]map[string]string{}
	for _, m := range got {
		if len(m) != 4 || m["to"] != "13800138000" || m["tracking_no"] != c.TrackingNo || m["text"] == "" {
			t.Errorf("payload %v", m)
		}
		kinds[m["kind"]] = m
	}
	if kinds["correction_requested"] == nil || kinds["access_code"] == nil {
		t.Fatalf("kinds %v", got)
	}
	for _, m := range smsOfCase(t, e, c.ID) {
		if m.SentAt == nil {
			t.Errorf("not sent: %+v", m)
		}
		if cases.IsSecretKind(m.Kind) && (m.Body != "" || m.Subject != "") {
			t.Errorf("the access code kept after sending: %+v", m)
		}
	}
}

// aliyunFake is a local stand-in for dysmsapi.aliyuncs.com that checks each request's signature
// (signature version 1.0, HMAC-SHA1) as the service does and records the messages.
type aliyunFake struct {
	secret string
	mu     sync.Mutex
	got    []url.Values
	bad    int
}

func (f *aliyunFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	v, err := url.ParseQuery(string(body))
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if err != nil || r.Method != http.MethodPost || v.Get("SignatureMethod") != "HMAC-SHA1" || v.Get("SignatureVersion") != "1.0" ||
		v.Get("Action") != "SendSms" || v.Get("Version") != "2017-05-25" || v.Get("SignatureNonce") == "" {
		f.bad++
		w.Write([]byte(`{"Code":"InvalidParameters","Message":"bad request","RequestId":"x"}`))
		return
	}
	if ts, err := time.Parse("2006-01-02T15:04:05Z", v.Get("Timestamp")); err != nil || ts.IsZero() {
		f.bad++
		w.Write([]byte(`{"Code":"InvalidTimeStamp.Format","Message":"bad timestamp","RequestId":"x"}`))
		return
	}
	if v.Get("Signature") != AliyunSignature("POST", v, f.secret) {
		f.bad++
		w.Write([]byte(`{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation.","RequestId":"x"}`))
		return
	}
	f.got = append(f.got, v)
	w.Write([]byte(`{"Code":"OK","Message":"OK","BizId":"900619746936498440^0","RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990"}`))
}

// The published signing example of Alibaba Cloud's RPC APIs (signature version 1.0): the fake and
// the sender agree with it, not merely with each other.
func TestAliyunSignatureExample(t *testing.T) {
	v := url.Values{}
	for k, x := range map[string]string{"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
		"SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"} {
		v.Set(k, x)
	}
	if got := AliyunSignature("GET", v, "testsecret"); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Errorf("signature %s", got)
	}
	if AliyunPercentEncode("a b*c~d/é") != "a%20b%2Ac~d%2F%C3%A9" {
		t.Errorf("encoding %s", AliyunPercentEncode("a b*c~d/é"))
	}
}

// Alibaba Cloud SMS behind the same interface: every message reaches the fake with a valid
// signature, the registered template of its kind and its parameters; a wrong secret is refused
// and retried.
func TestAliyunSMSDelivery(t *testing.T) {
	e := newEnv(t, "sqlite", at("2026-09-14", 9, 0))
	fake := &aliyunFake{secret: "s3cr3t-key"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	env := map[string]string{"FOIDESK_SMS_PROVIDER": "aliyun", "FOIDESK_ALIYUN_SMS_ENDPOINT": srv.URL + "/", "FOIDESK_ALIYUN_SMS_ACCESS_KEY_ID": "LTAI-test",
		"FOIDESK_ALIYUN_SMS_ACCESS_KEY_SECRET": "wrong", "FOIDESK_ALIYUN_SMS_SIGN_NAME": "某区政府信息公开", "FOIDESK_ALIYUN_SMS_TEMPLATE": "SMS_100",
		"FOIDESK_ALIYUN_SMS_TEMPLATES": "access_code=SMS_200, correction_requested=SMS_300"}
	sender, err := SMSFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SMS = sender
	c := e.paper("2026-09-14", "")
	e.fire("2026-09-15", c.ID, e.li, "request_correction", map[string]any{"items": []string{"请写明所需信息的文号或者名称。"}})
	e.db.RecoverAccess(e.ctx, c.TrackingNo, "11010519491231002X", "+8613800138000")
	if d, _ := e.svc.Deliver(e.ctx); d.Failed != 2 || fake.bad != 2 {
		t.Fatalf("a wrong secret: %+v, refused %d", d, fake.bad)
	}
	env["FOIDESK_ALIYUN_SMS_ACCESS_KEY_SECRET"] = "s3cr3t-key"
	e.svc.SMS, _ = SMSFromEnv(func(k string) string { return env[k] })
	e.clk.Set(e.clk.Now().Add(2 * time.Minute))
	if d, err := e.svc.Deliver(e.ctx); err != nil || d.Sent != 2 {
		t.Fatalf("delivery: %+v %v", d, err)
	}
	byTpl := map[string]url.Values{}
	for _, v := range fake.got {
		if v.Get("PhoneNumbers") != "13800138000" || v.Get("SignName") != "某区政府信息公开" || v.Get("AccessKeyId") != "LTAI-test" || v.Get("OutId") != c.TrackingNo {
			t.Errorf("request %v", v)
		}
		byTpl[v.Get("TemplateCode")] = v
	}
	var p map[string]string
	json.Unmarshal([]byte(byTpl["SMS_200"].Get("TemplateParam")), &p)
	if p["no"] != c.TrackingNo || len(p["code"]) != 19 {
		t.Errorf("access code parameters %v", p)
	}
	json.Unmarshal([]byte(byTpl["SMS_300"].Get("TemplateParam")), &p)
	if p["date"] == "" {
		t.Errorf("correction parameters %v", p)
	}
}

var _ = context.Background
