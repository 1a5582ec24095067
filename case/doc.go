// Package cases is the domain of foidesk: applications for government information disclosure
// (政府信息公开申请) under the 2019 Regulations (Decree 711), their applicants, states, events,
// outcomes, deadlines and documents, the coded error type, and the service interfaces that the
// adapters (store, web, notify, forms) implement or consume.
//
// The folder is named "case" but the package is "cases" because case is a Go keyword; import it as
//
//	cases "foidesk/case"
//
// This package imports nothing else of foidesk.
package cases
