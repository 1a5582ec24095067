package cases

import "encoding/json"

// DeliveryProof is the proof of a delivery kept in the record_delivery event (docs/api.md
// "Events"): an EMS tracking number, a scanned 送达回证 (a document of the case), an e-mail
// sending record, or another (ProofKinds).
type DeliveryProof struct {
	Kind       string `json:"kind"`
	Number     string `json:"number,omitempty"`
	DocumentID int64  `json:"document_id,omitempty"`
}

// proofShort are the kinds in a word or two, for a table cell.
var proofShort = map[string][2]string{
	"ems":          {"EMS", "EMS"},
	"receipt_card": {"送达回证", "Service receipt"},
	"email":        {"电子邮件发送记录", "E-mail record"},
	"other":        {"其他凭证", "Other proof"},
}

// Short is the proof in a few words, for the ledger and the case page: "EMS 1234567890",
// "送达回证（扫描件）", "Service receipt (scan)".
func (p DeliveryProof) Short(lang string) string {
	w, ok := proofShort[p.Kind]
	t := p.Kind
	if ok {
		t = w[0]
		if lang == "en" {
			t = w[1]
		}
	}
	if p.Number != "" {
		t += " " + p.Number
	}
	if p.DocumentID != 0 {
		if lang == "en" {
			t += " (scan)"
		} else {
			t += "（扫描件）"
		}
	}
	return t
}

// ProofOf returns the proof recorded by a record_delivery event's payload, nil when it has none.
func ProofOf(payload json.RawMessage) *DeliveryProof {
	var p struct {
		Proof *DeliveryProof `json:"proof"`
	}
	if json.Unmarshal(payload, &p) != nil || p.Proof == nil || p.Proof.Kind == "" {
		return nil
	}
	return p.Proof
}

// DeliveryProofOf returns the proof of the case's delivery: that of its last record_delivery
// event (a reopened case's new delivery replaces the earlier one), nil when the delivery has none
// or none is recorded.
func DeliveryProofOf(events []Event) *DeliveryProof {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Event == EventRecordDelivery {
			return ProofOf(events[i].Payload)
		}
	}
	return nil
}
