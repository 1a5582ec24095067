package cases

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// User is a staff account.
type User struct {
	ID           int64   `db:"id" json:"id"`
	AgencyID     int64   `db:"agency_id" json:"-"`
	Username     string  `db:"username" json:"username"`
	DisplayName  string  `db:"display_name" json:"display_name"`
	Email        string  `db:"email" json:"email,omitempty"`
	PasswordHash string  `db:"password_hash" json:"-"`
	RolesText    string  `db:"roles" json:"-"`
	Active       bool    `db:"active" json:"active"`
	Agencies     []int64 `db:"-" json:"-"`
	// AllAgencies: an administrator of the whole deployment (`user add --all-agencies`); other
	// administrators manage their own agency only (docs/design.md "Users").
	AllAgencies bool `db:"all_agencies" json:"-"`
	// MustChangePassword: the account was created, or its password reset, by an administrator;
	// the user chooses a new password at the next login before anything else.
	MustChangePassword bool `db:"must_change_password" json:"-"`
}

// Roles returns the user's roles.
func (u User) Roles() []string {
	if u.RolesText == "" {
		return nil
	}
	return strings.Split(u.RolesText, ",")
}

// Actor is the user as the workflow sees it.
func (u User) Actor() Actor {
	return Actor{Kind: ActorStaff, UserID: u.ID, Name: u.Username, Roles: u.Roles(), AgencyID: u.AgencyID, Agencies: u.Agencies}
}

// CaseFilter selects cases for a queue or list; nil fields do not filter (docs/api.md "Staff":
// GET /cases).
type CaseFilter struct {
	AgencyIDs    []int64 // the agencies the caller may see (empty: all)
	States       []State // any of
	Assignee     *string
	Unassigned   bool
	DueBefore    Date     // reply_due on or before
	Overdue      bool     // running clock and reply_due < Today
	Paused       bool     // the reply clock stopped (awaiting correction, consulting, awaiting the fee)
	Channels     []string // any of
	ReceivedFrom Date     // received on or after
	ReceivedTo   Date     // received on or before
	Today        Date
	// Q matches a tracking number, an identity number or a telephone number exactly, and names
	// and words of the description of two characters and more.
	Q string
	// Sort is one of SortKeys, descending with a leading "-"; "" is "due". Cases without the key
	// come last in both directions; ties by id.
	Sort   string
	Limit  int
	Cursor string // the next of the previous page: valid only with the same sort and filters
	// CountMax makes CountCases stop counting after CountMax+1 cases (0: count all).
	CountMax int
	// Brief makes FindCases fill only what a row of a list shows: ID, AgencyID, TrackingNo, State,
	// Applicant.Name, Description, Assignee, ReceivedOn, ReplyDue, Provisional and ConcludedOn
	// (the queue pages; the API returns whole cases).
	Brief bool
}

// SortKeys are the sort keys of a case list (docs/api.md "Staff": GET /cases).
var SortKeys = []string{"due", "received", "tracking_no", "state"}

// PausedStates are the open states in which the reply clock is stopped.
var PausedStates = []State{StateAwaitingCorrection, StateConsulting, StateAwaitingFee}

// Recomputed is one open case whose deadlines moved after a calendar change.
type Recomputed struct {
	TrackingNo string
	AgencyID   int64
	Before     Date
	After      Date
}

// Broken is one case whose event chain does not verify.
type Broken struct {
	TrackingNo string
	Seq        int
	Reason     string
}

// EventRequest is one event asked for a case: its name, the version the caller saw (optional)
// and the payload (the rest of the API body).
type EventRequest struct {
	Event           EventName
	ExpectedVersion *int
	Payload         json.RawMessage
}

// CaseService keeps cases (package store implements it).
type CaseService interface {
	// CreateApplication stores an online application in state submitted and returns it with its
	// access code (EINVALID with fields for a bad application).
	CreateApplication(ctx context.Context, app Application) (*Case, string, error)
	// RegisterPaper stores an application received otherwise, in state registered.
	RegisterPaper(ctx context.Context, app Application, actor Actor) (*Case, error)
	// Case returns a case with documents, events and remedies (ENOTFOUND).
	Case(ctx context.Context, id int64) (*Case, error)
	// CaseAgency returns the agency of a case (ENOTFOUND): the access check before a transition,
	// which reads the case itself in its transaction.
	CaseAgency(ctx context.Context, id int64) (int64, error)
	// CaseByTracking returns the case with a tracking number (ENOTFOUND).
	CaseByTracking(ctx context.Context, trackingNo string) (*Case, error)
	// AccessCase returns the case whose tracking number and access code match (ENOTFOUND).
	AccessCase(ctx context.Context, trackingNo, code string) (*Case, error)
	// FindCases lists cases in the filter's sort order with keyset pagination: the cases of the
	// page and the cursor of the next ("" on the last).
	FindCases(ctx context.Context, f CaseFilter) ([]*Case, string, error)
	// FillCases loads the documents, events and remedies of listed cases (as Case has them).
	FillCases(ctx context.Context, cs []*Case) error
	// CountCases counts what FindCases lists.
	CountCases(ctx context.Context, f CaseFilter) (int, error)
	// TransitionCase fires an event dated at (EINVALID, EFORBIDDEN, ECONFLICT, ENOTFOUND): the
	// same checks, the sign-off's included, for people and for the scheduler.
	TransitionCase(ctx context.Context, id int64, req EventRequest, actor Actor, at time.Time) (*Case, error)
	// TransitionCases fires one event on several cases, each with its own transition and event,
	// all in one transaction: all or nothing. It returns each case's error (nil where the case
	// would pass); when any is not nil nothing changed. The error is for a failure of the whole.
	TransitionCases(ctx context.Context, ids []int64, req EventRequest, actor Actor, at time.Time) ([]error, error)
	// Document returns a document of a case with its body (ENOTFOUND).
	Document(ctx context.Context, caseID, docID int64) (Document, error)
	// AddUpload stores an uploaded file with a case.
	AddUpload(ctx context.Context, caseID int64, d Document, actor Actor) (Document, error)
	// AddUploads stores the files of one request with a case, all or none; from the applicant
	// within the per-case quota (ApplicantUploadFiles, ApplicantUploadBytes; EINVALID field
	// "file" beyond). The documents come back as stored (size, sha256, created_at).
	AddUploads(ctx context.Context, caseID int64, docs []Document, actor Actor) ([]Document, error)
}

// The applicant's uploads to one case, all requests together (docs/api.md "JSON API"): at most
// ApplicantUploadFiles files and ApplicantUploadBytes bytes; a request beyond is refused whole.
const (
	ApplicantUploadFiles = 10
	ApplicantUploadBytes = 30 << 20
)

// AgencyService keeps agencies and their settings.
type AgencyService interface {
	Agencies(ctx context.Context) ([]Agency, error)
	AgencyByCode(ctx context.Context, code string) (Agency, error)
	Agency(ctx context.Context, id int64) (Agency, error)
	CreateAgency(ctx context.Context, code, name string, s Settings) (Agency, error)
	UpdateAgency(ctx context.Context, a Agency) error
	// SetAgencySeal stores the seal image printed on the agency's letters (PNG; nil removes
	// it); EINVALID for an image that is not a usable PNG.
	SetAgencySeal(ctx context.Context, agencyID int64, seal []byte, by string) error
	// AgencyLetterAssets returns the agency's seal and signing key (empty when not set).
	AgencyLetterAssets(ctx context.Context, agencyID int64) (*LetterAssets, error)
}

// UserService keeps staff accounts and API tokens.
type UserService interface {
	CreateUser(ctx context.Context, username, password string, roles []string, agencyID int64, display string) (User, error)
	UserByName(ctx context.Context, username string) (User, error)
	UserByID(ctx context.Context, id int64) (User, error)
	Users(ctx context.Context, agencyID int64) ([]User, error)
	Authenticate(ctx context.Context, username, password string) (User, error)
	CreateToken(ctx context.Context, userID int64, label string) (string, error)
	RevokeToken(ctx context.Context, token string) error
	UserByToken(ctx context.Context, token string) (User, error)
	LogAuth(ctx context.Context, username, address, event, detail string) error
}
