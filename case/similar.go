package cases

import "context"

// EarlierRequest is an earlier concluded case of the same applicant (same identity document) at
// the same agency that asks for the same information (docs/rules.md §8, Art. 36(六)): what the clerk
// sees at registration and when drafting, and what rejected.duplicate names.
type EarlierRequest struct {
	ID          int64  `json:"id" db:"id"`
	TrackingNo  string `json:"tracking_no" db:"tracking_no"`
	ReceivedOn  Date   `json:"received_on" db:"received_on"`
	ConcludedOn Date   `json:"concluded_on" db:"concluded_on"`
	Outcome     string `json:"outcome" db:"outcome"`
	LetterNo    string `json:"letter_no" db:"letter_no"`
	Description string `json:"description" db:"description"`
}

// ClusterCase is one application of an Art. 44 cluster.
type ClusterCase struct {
	ID          int64  `json:"id" db:"id"`
	TrackingNo  string `json:"tracking_no" db:"tracking_no"`
	ReceivedOn  Date   `json:"received_on" db:"received_on"`
	State       string `json:"state" db:"state"`
	Outcome     string `json:"outcome" db:"outcome"`
	Description string `json:"description" db:"description"`
	Applicant   string `json:"-" db:"applicant"`
}

// InformationCluster is a group of applications of the last 12 months, by at least three
// different applicants, asking for the same information (Art. 44: a candidate for proactive
// disclosure).
type InformationCluster struct {
	Applicants int           `json:"applicants"`
	Cases      []ClusterCase `json:"cases"`
}

// NameOnFile is a case on file under an identity number with another applicant name than the
// one being registered: a warning at registration (a typo, or an application under another
// person's identity document), never a refusal.
type NameOnFile struct {
	ID         int64  `json:"id" db:"id"`
	TrackingNo string `json:"tracking_no" db:"tracking_no"`
	Name       string `json:"name" db:"applicant_name"`
	ReceivedOn Date   `json:"received_on" db:"received_on"`
}

// SimilarityService finds repeated requests and Art. 44 clusters.
type SimilarityService interface {
	// OtherNames lists the latest cases (at most five) of the agencies on file under this
	// identity document whose applicant name is not name.
	OtherNames(ctx context.Context, agencyIDs []int64, idType, idNumber, name string) ([]NameOnFile, error)
	// EarlierRequests lists the concluded cases of the applicant with this identity document at
	// agency, other than case exclude, that ask for the same information as description.
	EarlierRequests(ctx context.Context, agencyID int64, idType, idNumber, description string, exclude int64) ([]EarlierRequest, error)
	// InformationClusters lists the clusters among the applications received by the agencies in
	// the 12 months up to today.
	InformationClusters(ctx context.Context, agencyIDs []int64, today Date) ([]InformationCluster, error)
}
