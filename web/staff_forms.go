package web

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The form fields of each action on the case page are the fields of the event's payload struct
// (workflow.FormFields: json tag = the payload key of docs/api.md, so that the workflow's field
// errors land next to their fields; form tag = how the field's value is made). consult and
// consultation_done have repeated rows and are built by their own functions.

// formPayload turns an action form into the event's JSON payload. Values that cannot be what
// their field holds (a date, a number) are field errors; everything else is for the workflow to
// judge, so the page and the API refuse exactly the same things.
func formPayload(event string, form url.Values, c *cases.Case) (json.RawMessage, error) {
	name := cases.EventName(event)
	p := map[string]any{}
	var fe cases.FieldErrors
	switch name {
	case cases.EventConsult:
		kinds, names, addrs := form["party_kind"], form["party_name"], form["party_address"]
		parties := []map[string]string{}
		for i := range names {
			name := strings.TrimSpace(names[i])
			if name == "" {
				continue
			}
			pt := map[string]string{"name": name, "kind": formAt(kinds, i)}
			if a := strings.TrimSpace(formAt(addrs, i)); a != "" {
				pt["address"] = a
			}
			parties = append(parties, pt)
		}
		p["parties"] = parties
	case cases.EventConsultationDone:
		answers := []map[string]string{}
		for i := range c.Parties {
			n := strconv.Itoa(i)
			a := map[string]string{"name": c.Parties[i].Name, "answer": form.Get("answer_" + n)}
			if t := strings.TrimSpace(form.Get("answer_text_" + n)); t != "" {
				a["text"] = t
			}
			if a["answer"] == "" {
				continue
			}
			answers = append(answers, a)
		}
		p["answers"] = answers
	default:
		fields, ok := workflow.FormFields(name)
		if !ok {
			return nil, cases.Errorf(cases.EINVALID, "未知的操作“%s”。", "unknown event %q", event)
		}
		for _, f := range fields {
			v := strings.TrimSpace(form.Get(f.Name))
			switch f.Kind {
			case workflow.FormText:
				p[f.Name] = v
			case workflow.FormOpt:
				if v != "" {
					p[f.Name] = v
				}
			case workflow.FormDate:
				if v == "" {
					continue
				}
				if _, err := cases.ParseDate(v); err != nil {
					fe.Add(f.Name, "请按“年-月-日”格式填写日期，如2026-11-03。", "Enter the date as YYYY-MM-DD, e.g. 2026-11-03.")
					continue
				}
				p[f.Name] = v
			case workflow.FormInt:
				if v == "" {
					continue
				}
				n, err := strconv.Atoi(v)
				if err != nil {
					fe.Add(f.Name, "请填写整数。", "Enter a whole number.")
					continue
				}
				p[f.Name] = n
			case workflow.FormLines:
				items := []string{}
				for _, line := range strings.Split(form.Get(f.Name), "\n") {
					if line = strings.TrimSpace(line); line != "" {
						items = append(items, line)
					}
				}
				p[f.Name] = items
			case workflow.FormIDs:
				var ids []int64
				for _, s := range form[f.Name] {
					id, err := strconv.ParseInt(s, 10, 64)
					if err != nil {
						fe.Add(f.Name, "所选文件不正确。", "A chosen document is not valid.")
						break
					}
					ids = append(ids, id)
				}
				if len(ids) > 0 {
					p[f.Name] = ids
				}
			}
		}
		if name == cases.EventRequestFee && p["basis"] != cases.FeePerPage {
			delete(p, "pages")
		}
		if name == cases.EventRecordDelivery {
			if pr := proofFromForm(form, &fe); pr != nil {
				p["proof"] = pr
			}
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(p)
	return b, err
}

func formAt(l []string, i int) string {
	if i < len(l) {
		return strings.TrimSpace(l[i])
	}
	return ""
}

// proofFromForm reads record_delivery's proof (fields proof.kind, proof.number,
// proof.document_id, named as the payload's field errors): nil when all three are empty. What the
// proof must hold (a kind, an EMS number, a document of this case) is the workflow's to judge.
func proofFromForm(form url.Values, fe *cases.FieldErrors) map[string]any {
	kind, number, doc := strings.TrimSpace(form.Get("proof.kind")), strings.TrimSpace(form.Get("proof.number")), strings.TrimSpace(form.Get("proof.document_id"))
	if kind == "" && number == "" && doc == "" {
		return nil
	}
	pr := map[string]any{"kind": kind}
	if number != "" {
		pr["number"] = number
	}
	if doc != "" {
		id, err := strconv.ParseInt(doc, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("proof.document_id", "所选文件不正确。", "The chosen document is not valid.")
			return nil
		}
		pr["document_id"] = id
	}
	return pr
}
