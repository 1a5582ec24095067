package forms

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	cases "foidesk/case"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// renderer returns a Renderer on the installed fonts (skipping the test without them).
func renderer(tb testing.TB) *Renderer {
	tb.Helper()
	font, bold := requireFonts(tb)
	return NewRenderer(font, bold)
}

// goldenCase is one letter rendered for the golden files.
type goldenCase struct {
	name string
	req  cases.LetterRequest
}

// goldenCases lists every letter kind and every variant.
func goldenCases() []goldenCase {
	att := func(names ...string) func(*cases.LetterRequest) {
		return func(r *cases.LetterRequest) { r.Attachments = names }
	}
	thirdParty := &cases.Party{Kind: "third_party", Name: "湖南喆堃置业有限公司", Address: "望城区金星北路99号"}
	otherAgency := &cases.Party{Kind: "agency", Name: "望城区自然资源局"}
	gs := []goldenCase{
		{"receipt", fixtureRequest(cases.DocReceipt, fixtureCase())},
		{"correction_notice", fixtureRequest(cases.DocCorrectionNotice, fixtureCase(func(c *cases.Case) {
			c.State = cases.StateAwaitingCorrection
			c.CorrectionDue = cases.MustDate("2026-11-24")
			c.Clock.CorrectionPeriod = 15
		}), func(r *cases.LetterRequest) {
			r.Items = []string{"请明确所需征收补偿方案对应的具体项目名称或者文号；", "请说明“审批文件”是指立项批复、征收决定还是补偿方案的批准文件。"}
			r.Due = cases.MustDate("2026-11-24")
		})},
		{"extension_notice", fixtureRequest(cases.DocExtensionNotice, fixtureCase(), func(r *cases.LetterRequest) {
			r.Days = 20
			r.Due = cases.MustDate("2026-12-07")
			r.Reason = "您申请的信息涉及多个年度的档案，需要调档核查"
		})},
		{"consultation_letter_third_party", fixtureRequest(cases.DocConsultationLetter, fixtureCase(func(c *cases.Case) {
			c.State = cases.StateConsulting
			c.Parties = []cases.Party{*thirdParty}
		}), func(r *cases.LetterRequest) {
			r.Party = thirdParty
			r.Due = cases.MustDate("2026-11-24")
		})},
		{"consultation_letter_agency", fixtureRequest(cases.DocConsultationLetter, fixtureCase(func(c *cases.Case) {
			c.State = cases.StateConsulting
			c.Parties = []cases.Party{*otherAgency}
		}), func(r *cases.LetterRequest) {
			r.Party = otherAgency
			r.Due = cases.MustDate("2026-11-24")
		})},
		{"consultation_notice", fixtureRequest(cases.DocConsultationNotice, fixtureCase(func(c *cases.Case) {
			c.State = cases.StateConsulting
			c.Parties = []cases.Party{*thirdParty, *otherAgency}
			c.ConsultationDue = cases.MustDate("2026-11-24")
		}), func(r *cases.LetterRequest) { r.Due = cases.MustDate("2026-11-24") })},
		{"fee_notice_per_request", fixtureRequest(cases.DocFeeNotice, fixtureCase(func(c *cases.Case) {
			c.State = cases.StateAwaitingFee
			c.Fee = &cases.Fee{Basis: cases.FeePerRequest, Count: 45, Amount: 300}
		}), func(r *cases.LetterRequest) { r.Due = cases.MustDate("2026-12-01") })},
		{"fee_notice_per_page", fixtureRequest(cases.DocFeeNotice, fixtureCase(func(c *cases.Case) {
			c.State = cases.StateAwaitingFee
			c.Fee = &cases.Fee{Basis: cases.FeePerPage, Pages: 250, Amount: 4700}
		}), func(r *cases.LetterRequest) {
			r.Due = cases.MustDate("2026-12-01")
			r.Agency.Settings.PaymentInstructions = "请通过湖南省非税收入缴款平台缴纳（执收单位编码：123456），缴费后将电子票据发送至本机关电子邮箱"
		})},
		{"objection_override", fixtureRequest(cases.DocObjectionOverride, fixtureCase(func(c *cases.Case) {
			c.Clock.ConsultOn = cases.MustDate("2026-10-20")
			c.Parties = []cases.Party{{Kind: "third_party", Name: thirdParty.Name, Answer: "object", Text: "涉及商业秘密"}}
		}), func(r *cases.LetterRequest) {
			r.Party = thirdParty
			r.Reason = "该补偿方案关系到片区内三千余户被征收人的切身利益，公开有利于保障公众的知情权和监督权，不公开可能对公共利益造成重大影响"
			r.Attachments = []string{"拟公开的补偿方案（已删除银行账号）"}
		})},
		{"reply_period_notice", fixtureRequest(cases.DocReplyPeriodNotice, fixtureCase(), func(r *cases.LetterRequest) {
			r.Due = cases.MustDate("2027-01-29")
			r.Reason = "所涉档案共计一百二十余卷，需逐卷检索、审查"
		})},
		{"termination_correction_lapsed", fixtureRequest(cases.DocTerminationNotice, fixtureCase(func(c *cases.Case) {
			c.State, c.Outcome = cases.StateClosed, cases.OutcomeCorrectionLapsed
			c.Clock.CorrectionOn = cases.MustDate("2026-10-14")
			c.CorrectionDue = cases.MustDate("2026-11-04")
		}), func(r *cases.LetterRequest) { r.Date = cases.MustDate("2026-11-05") })},
		{"termination_fee_lapsed", fixtureRequest(cases.DocTerminationNotice, fixtureCase(func(c *cases.Case) {
			c.State, c.Outcome = cases.StateClosed, cases.OutcomeFeeLapsed
			c.Clock.FeeOn = cases.MustDate("2026-10-14")
			c.FeeDue = cases.MustDate("2026-11-11")
			c.Fee = &cases.Fee{Basis: cases.FeePerRequest, Count: 15, Amount: 100}
		}), func(r *cases.LetterRequest) { r.Date = cases.MustDate("2026-11-12") })},
		{"application_form", fixtureRequest(cases.DocApplicationForm, fixtureCase(), func(r *cases.LetterRequest) { r.Number = "" })},
		{"application_form_organization", fixtureRequest(cases.DocApplicationForm, fixtureCase(func(c *cases.Case) {
			c.Applicant = cases.Applicant{
				Kind: cases.KindOrganization, Name: "湖南犇珺律师事务所", IDType: cases.IDCredit, IDNumber: "91430100MA4L0XXX0X",
				OrgCategory: "legal_service", LegalRep: "李喆", ContactName: "王珺", Phone: "0731-84445555",
				Address: "长沙市岳麓区麓谷大道627号", Postcode: "410205", Fax: "0731-84445556",
			}
			c.Channel, c.Delivery, c.Carrier, c.Purpose = cases.ChannelPostRegistered, cases.DeliveryPost, "paper", ""
		}), func(r *cases.LetterRequest) { r.Number = "" })},
	}
	// A reply for every decision outcome, and the second variant of disclose and not_held.
	for _, o := range cases.Outcomes {
		if !o.Decision {
			continue
		}
		c := fixtureCase(withDraft(o.Code, fixtureReasons[o.Code]))
		var opts []func(*cases.LetterRequest)
		switch o.Code {
		case "disclose":
			opts = append(opts, att("望政发〔2025〕3号 望城区旧城改造项目房屋征收补偿方案", "望城区人民政府关于旧城改造项目的批复"))
		case "partial":
			opts = append(opts, att("望城区旧城改造项目房屋征收补偿方案（区分处理后）"))
		case "withhold.law_prohibited":
			c.Draft.LegalBasis = "《中华人民共和国档案法》第二十七条"
		case "withhold.third_party":
			c.Parties = []cases.Party{{Kind: "third_party", Name: thirdParty.Name, Answer: "object"}}
		case "unavailable.unclear":
			c.Clock.CorrectionOn = cases.MustDate("2026-10-14")
			c.Clock.CorrectedOn = cases.MustDate("2026-10-21")
		case "rejected.petition":
			c.Draft.WherePublic = "望城区信访局，地址：望城区雷锋大道2号，电话：12345"
		case "rejected.publication":
			c.Draft.WherePublic = "《望城区人民政府公报》2025年第3期，可在区图书馆查阅或者在区人民政府门户网站“政府公报”栏目下载"
		}
		gs = append(gs, goldenCase{"reply_" + strings.ReplaceAll(o.Code, ".", "_"), fixtureRequest(cases.DocReply, c, opts...)})
	}
	gs = append(gs,
		goldenCase{"reply_disclose_already_public", fixtureRequest(cases.DocReply, fixtureCase(withDraft("disclose", "", func(d *cases.Draft) {
			d.WherePublic = "望城区人民政府门户网站（http://www.wangcheng.gov.cn）“政府信息公开—重大建设项目”栏目，2025年3月15日发布"
		})))},
		goldenCase{"reply_unavailable_not_held_other_agency", fixtureRequest(cases.DocReply, fixtureCase(withDraft("unavailable.not_held", "房屋征收补偿方案由区住房和城乡建设局制作并保存。", func(d *cases.Draft) {
			d.ResponsibleAgency = "望城区住房和城乡建设局"
		})))},
	)
	return gs
}

// normalizeText drops the trailing spaces pdftotext leaves at line ends.
var trailingSpace = regexp.MustCompile(`(?m)[ \t]+$`)

func TestLettersGolden(t *testing.T) {
	r := renderer(t)
	requireTool(t, "pdftotext")
	for _, g := range goldenCases() {
		t.Run(g.name, func(t *testing.T) {
			pdf, warnings, err := r.Render(g.req)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings: %q", warnings)
			}
			saveArtifact(t, g.name, pdf)
			got := trailingSpace.ReplaceAllString(pdfText(t, pdf, false, 0, 0), "")
			path := filepath.Join("testdata", g.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./forms -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the rendered text (go test ./forms -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// flat is the extracted text without any white space.
func flat(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// letterText renders req and returns its text without white space.
func letterText(t *testing.T, r *Renderer, req cases.LetterRequest) (string, []string) {
	t.Helper()
	pdf, warnings, err := r.Render(req)
	if err != nil {
		t.Fatalf("Render(%s): %v", req.Kind, err)
	}
	return flat(pdfText(t, pdf, true, 0, 0)), warnings
}

func TestEveryLetterCarriesTheEssentials(t *testing.T) {
	r := renderer(t)
	for _, g := range goldenCases() {
		t.Run(g.name, func(t *testing.T) {
			text, _ := letterText(t, r, g.req)
			want := []string{"望城区人民政府办公室", "GK2026000123"}
			if !official(g.req.Kind) {
				want = append(want, "第1页共") // an official letter has no number on its first page
			} else if strings.Contains(text, "第1页") {
				t.Errorf("an official letter with 第1页:\n%s", text)
			}
			if g.req.Kind != cases.DocApplicationForm {
				want = append(want, "望政公开〔2026〕12号", g.req.Date.Chinese(), "望城区人民政府办公室（政府信息公开专用章）")
				if g.req.Kind != cases.DocConsultationLetter && g.req.Kind != cases.DocObjectionOverride {
					want = append(want, "张三：", "2026年10月12日", "网上申请")
				}
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("missing %q in:\n%s", w, text)
				}
			}
			if strings.Contains(text, "〓") {
				t.Errorf("unexpected 〓 in:\n%s", text)
			}
		})
	}
}

const (
	remedyDirect = "如对本答复不服，可以自收到本答复之日起六十日内向望城区人民政府申请行政复议，或者自收到本答复之日起六个月内向望城区人民法院提起行政诉讼。"
	remedyFirst  = "如对本答复不服，应当先向望城区人民政府申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内依法向人民法院提起行政诉讼。"
)

func TestRemedyClause(t *testing.T) {
	r := renderer(t)
	for _, o := range cases.Outcomes {
		if !o.Decision {
			continue
		}
		t.Run(o.Code, func(t *testing.T) {
			text, _ := letterText(t, r, fixtureRequest(cases.DocReply, fixtureCase(withDraft(o.Code, "理由。"))))
			want, notWant := remedyDirect, remedyFirst
			if o.RemedyFirst() {
				want, notWant = remedyFirst, remedyDirect
			}
			if !strings.Contains(text, want) {
				t.Errorf("%s: missing remedy clause %q", o.Code, want)
			}
			if strings.Contains(text, notWant) {
				t.Errorf("%s: carries the wrong clause %q", o.Code, notWant)
			}
			if o.RemedyFirst() && (strings.Contains(text, "六个月内") || strings.Contains(text, "望城区人民法院")) {
				t.Errorf("%s: offers a direct lawsuit", o.Code)
			}
			if !strings.Contains(text, "根据"+Regulation+"第") {
				t.Errorf("%s: no article of the Regulation cited", o.Code)
			}
		})
	}
	// Procedural notices carry no remedy clause.
	for _, g := range goldenCases() {
		if g.req.Kind == cases.DocReply || g.req.Kind == cases.DocObjectionOverride {
			continue
		}
		text, _ := letterText(t, r, g.req)
		if strings.Contains(text, "行政复议") || strings.Contains(text, "行政诉讼") {
			t.Errorf("%s: a procedural notice carries a remedy clause", g.name)
		}
	}
}

func TestArticlesCited(t *testing.T) {
	r := renderer(t)
	tests := []struct {
		name string
		req  cases.LetterRequest
		want string
	}{
		{"receipt", fixtureRequest(cases.DocReceipt, fixtureCase()), "本机关将在收到申请之日起20个工作日内（即2026年11月9日前）予以答复"},
		{"receipt article", fixtureRequest(cases.DocReceipt, fixtureCase()), Regulation + "第三十三条"},
		{"third party", fixtureRequest(cases.DocReply, fixtureCase(withDraft("withhold.third_party", ""))), "根据" + Regulation + "第十五条、第三十二条的规定"},
		{"state secret", fixtureRequest(cases.DocReply, fixtureCase(withDraft("withhold.state_secret", ""))), "根据" + Regulation + "第十四条的规定，本机关决定不予公开。"},
		{"other law beside", fixtureRequest(cases.DocReply, fixtureCase(withDraft("withhold.law_prohibited", "", func(d *cases.Draft) { d.LegalBasis = "《中华人民共和国档案法》第二十七条" }))), "根据" + Regulation + "第十四条和《中华人民共和国档案法》第二十七条的规定"},
		{"article override", fixtureRequest(cases.DocReply, fixtureCase(withDraft("withhold.process_info", "", func(d *cases.Draft) { d.LegalBasis = "第十六条第二款、第三十六条第（三）项" }))), "根据" + Regulation + "第十六条第二款、第三十六条第（三）项的规定"},
		{"already public", fixtureRequest(cases.DocReply, fixtureCase(withDraft("disclose", "", func(d *cases.Draft) { d.WherePublic = "区政府网站" }))), Regulation + "第三十六条第（一）项的规定，现告知您获取该政府信息的方式和途径：区政府网站。"},
		{"sibling contact", fixtureRequest(cases.DocReply, fixtureCase(withDraft("unavailable.not_held", "", func(d *cases.Draft) { d.ResponsibleAgency = "望城区住房和城乡建设局" }))), "该政府信息由望城区住房和城乡建设局负责公开，联系方式：地址望城区雷锋大道1号，电话0731-88089999。"},
		{"correction consequence", fixtureRequest(cases.DocCorrectionNotice, fixtureCase(), func(r *cases.LetterRequest) { r.Items = []string{"项目名称"} }), "逾期未补正的，视为放弃申请，本机关不再处理该政府信息公开申请"},
		{"correction restart", fixtureRequest(cases.DocCorrectionNotice, fixtureCase(), func(r *cases.LetterRequest) { r.Items = []string{"项目名称"} }), "答复期限自本机关收到补正后的申请之日起重新计算"},
		{"fee lapse", fixtureRequest(cases.DocFeeNotice, fixtureCase(func(c *cases.Case) { c.Fee = &cases.Fee{Basis: cases.FeePerRequest, Count: 12, Amount: 100} })), "逾期未缴纳的，视为放弃申请"},
		{"fee not counted", fixtureRequest(cases.DocFeeNotice, fixtureCase(func(c *cases.Case) { c.Fee = &cases.Fee{Basis: cases.FeePerRequest, Count: 12, Amount: 100} })), "不计算在答复期限内"},
		{"consultation paused", fixtureRequest(cases.DocConsultationNotice, fixtureCase()), "第三十三条第三款的规定，征求意见所需时间不计算在答复期限内"},
		{"agency silence", fixtureRequest(cases.DocConsultationLetter, fixtureCase(), func(r *cases.LetterRequest) { r.Party = &cases.Party{Kind: "agency", Name: "某局"} }), "逾期未提出意见的，视为同意公开"},
		{"extension", fixtureRequest(cases.DocExtensionNotice, fixtureCase(), func(r *cases.LetterRequest) { r.Days, r.Due = 15, cases.MustDate("2026-11-30") }), "第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长15个工作日，本机关将于2026年11月30日前作出答复。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, _ := letterText(t, r, tt.req)
			if !strings.Contains(text, flat(tt.want)) {
				t.Errorf("missing %q in:\n%s", tt.want, text)
			}
		})
	}
}

// subsequence reports whether the runes of want appear in got in order.
func subsequence(got, want string) bool {
	g := []rune(got)
	i := 0
	for _, r := range want {
		for i < len(g) && g[i] != r {
			i++
		}
		if i == len(g) {
			return false
		}
		i++
	}
	return true
}

func TestCharactersSurvive(t *testing.T) {
	r := renderer(t)
	name := "欧阳喆堃·Maximilian O'Brien-犇珺"
	desc := "请提供2019年至2025年望城区“喆园”“堃苑”“犇珺里”三个片区（Block A/B/C, Lot No.17-23）旧城改造项目的全部征收补偿协议、" +
		"评估报告（Appraisal Report v2.1）以及补偿款发放明细；其中涉及龘靐齉爩等生僻字地名的，请一并提供；生僻字𠀀𪚥请照录。" +
		strings.Repeat("另：请注明每份文件的文号、成文日期和发布机关。", 3)
	c := fixtureCase(func(c *cases.Case) {
		c.Applicant.Name = name
		c.Description = desc
		c.Applicant.Address = "望城区喆堃路𠀀号 Room 1203, Tower B"
	})
	pdf, warnings, err := r.Render(fixtureRequest(cases.DocApplicationForm, c, func(r *cases.LetterRequest) { r.Number = "" }))
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "characters", pdf)
	text := flat(pdfText(t, pdf, true, 0, 0))
	// Every BMP character in order; every character above U+FFFF as 〓.
	expect := func(s string) string {
		return flat(strings.Map(func(r rune) rune {
			if r > 0xFFFF {
				return Replacement
			}
			return r
		}, s))
	}
	for _, s := range []string{name, desc, c.Applicant.Address} {
		if !strings.Contains(text, expect(s)) && !subsequence(text, expect(s)) {
			t.Errorf("%q does not survive in order in:\n%s", s, text)
		}
	}
	if !strings.Contains(text, expect(desc)) {
		t.Errorf("the description is not shown whole in the form:\n%s", text)
	}
	want := []string{"字符“𠀀”(U+20000) 无法显示，已以〓代替", "字符“𪚥”(U+2A6A5) 无法显示，已以〓代替"}
	if strings.Join(warnings, "|") != strings.Join(want, "|") {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
	// The same case in a reply letter: the addressee and the quote.
	c.Draft = &cases.Draft{Outcome: "disclose"}
	text, warnings = letterText(t, r, fixtureRequest(cases.DocReply, c))
	quote := string([]rune(desc)[:QuoteLimit])
	if !strings.Contains(text, expect(name)+"：") || !strings.Contains(text, "“"+expect(quote)+"……”") {
		t.Errorf("reply lost characters:\n%s", text)
	}
	if len(warnings) != 2 {
		t.Errorf("reply warnings = %q, want 2", warnings)
	}
}

func TestQuoteCutAfter200(t *testing.T) {
	r := renderer(t)
	for _, n := range []int{QuoteLimit, QuoteLimit + 1} {
		desc := strings.Repeat("甲", QuoteLimit) + strings.Repeat("乙", n-QuoteLimit)
		text, _ := letterText(t, r, fixtureRequest(cases.DocReceipt, fixtureCase(func(c *cases.Case) { c.Description = desc })))
		cut := strings.Contains(text, strings.Repeat("甲", QuoteLimit)+"……”")
		whole := strings.Contains(text, "“"+desc+"”")
		if n == QuoteLimit && (!whole || cut) {
			t.Errorf("%d characters: want the description whole", n)
		}
		if n > QuoteLimit && (!cut || strings.Contains(text, "乙")) {
			t.Errorf("%d characters: want 200 then ……", n)
		}
	}
}

func TestDraftWatermarkOnEveryPage(t *testing.T) {
	r := renderer(t)
	long := strings.Repeat("经核查，该项目的征收补偿方案包括安置房源、货币补偿标准、奖励办法和过渡期安排等内容。", 40)
	req := fixtureRequest(cases.DocReply, fixtureCase(withDraft("partial", long)), func(r *cases.LetterRequest) {
		r.Draft = true // the number passed by mistake must not show
	})
	pdf, _, err := r.Render(req)
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "draft", pdf)
	n := pageCount(t, pdf)
	if n < 2 {
		t.Fatalf("%d pages; the draft test needs at least 2", n)
	}
	for p := 1; p <= n; p++ {
		text := flat(pdfText(t, pdf, true, p, p))
		marks := strings.Count(strings.ReplaceAll(text, "（草稿，未编号）", ""), "草稿")
		if marks < 1 {
			t.Errorf("page %d has no 草稿 watermark:\n%s", p, text)
		}
		if strings.Contains(text, "望政公开〔2026〕12号") {
			t.Errorf("page %d of a draft shows the number", p)
		}
	}
	if !strings.Contains(flat(pdfText(t, pdf, true, 1, 1)), "（草稿，未编号）") {
		t.Error("page 1 lacks （草稿，未编号）")
	}
	req.Draft = false
	final, _, err := r.Render(req)
	if err != nil {
		t.Fatal(err)
	}
	if text := flat(pdfText(t, final, true, 0, 0)); strings.Contains(text, "草稿") || !strings.Contains(text, "望政公开〔2026〕12号") {
		t.Errorf("the issued letter shows 草稿 or lacks its number")
	}
}

func TestRenderRefuses(t *testing.T) {
	r := renderer(t)
	tests := []struct {
		name string
		req  cases.LetterRequest
	}{
		{"unknown kind", fixtureRequest("memo", fixtureCase())},
		{"upload", fixtureRequest(cases.DocUpload, fixtureCase())},
		{"no case", fixtureRequest(cases.DocReceipt, nil)},
		{"no number", fixtureRequest(cases.DocReceipt, fixtureCase(), func(r *cases.LetterRequest) { r.Number = "" })},
		{"no date", fixtureRequest(cases.DocReceipt, fixtureCase(), func(r *cases.LetterRequest) { r.Date = cases.Date{} })},
		{"no party", fixtureRequest(cases.DocConsultationLetter, fixtureCase())},
		{"no items", fixtureRequest(cases.DocCorrectionNotice, fixtureCase())},
		{"no fee", fixtureRequest(cases.DocFeeNotice, fixtureCase())},
		{"no override reason", fixtureRequest(cases.DocObjectionOverride, fixtureCase(), func(r *cases.LetterRequest) { r.Party = &cases.Party{Name: "某公司"} })},
		{"withdrawal has no letter", fixtureRequest(cases.DocTerminationNotice, fixtureCase(func(c *cases.Case) { c.Outcome = cases.OutcomeOther }))},
		{"lapse has no reply", fixtureRequest(cases.DocReply, fixtureCase(withDraft(cases.OutcomeFeeLapsed, "")))},
		{"unknown outcome", fixtureRequest(cases.DocReply, fixtureCase(withDraft("granted", "")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := r.Render(tt.req)
			if cases.ErrorCode(err) != cases.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
	}
	if _, _, err := (&Renderer{}).Render(fixtureRequest(cases.DocReceipt, fixtureCase())); cases.ErrorCode(err) != cases.EINTERNAL {
		t.Errorf("no font: err = %v, want EINTERNAL", err)
	}
}

func TestMissingRemedySettingsWarn(t *testing.T) {
	r := renderer(t)
	req := fixtureRequest(cases.DocReply, fixtureCase(withDraft("disclose", "")))
	req.Agency.Settings.ReconsiderationBody, req.Agency.Settings.Court = "", ""
	text, warnings := letterText(t, r, req)
	if !strings.Contains(text, "有管辖权的行政复议机关") || len(warnings) != 2 {
		t.Errorf("warnings %q; text:\n%s", warnings, text)
	}
}

func TestRenderIsDeterministicAndConcurrent(t *testing.T) {
	r := renderer(t)
	req := fixtureRequest(cases.DocReply, fixtureCase(withDraft("partial", fixtureReasons["partial"])))
	first, _, err := r.Render(req)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _, _ = r.Render(req)
		}()
	}
	wg.Wait()
	for i, b := range results {
		if !bytes.Equal(b, first) {
			t.Errorf("render %d differs from the first", i)
		}
	}
}

func BenchmarkReplyLetter(b *testing.B) {
	r := renderer(b)
	req := fixtureRequest(cases.DocReply, fixtureCase(withDraft("partial", fixtureReasons["partial"])), func(r *cases.LetterRequest) {
		r.Attachments = []string{"望城区旧城改造项目房屋征收补偿方案（区分处理后）"}
	})
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

func TestRenderErrorMessages(t *testing.T) {
	r := renderer(t)
	for _, req := range []cases.LetterRequest{
		fixtureRequest(cases.DocReceipt, fixtureCase(), func(r *cases.LetterRequest) { r.Number = "" }),
		fixtureRequest(cases.DocTerminationNotice, fixtureCase(func(c *cases.Case) { c.Outcome = cases.OutcomeOther })),
		fixtureRequest("memo", fixtureCase()),
	} {
		_, _, err := r.Render(req)
		for _, lang := range []string{"zh", "en"} {
			if msg := cases.ErrorMessage(err, lang); msg == "" || strings.Contains(msg, "%!") {
				t.Errorf("%s: bad %s message %q", req.Kind, lang, msg)
			}
		}
	}
}
