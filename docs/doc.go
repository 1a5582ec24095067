// Package docs holds foidesk's documentation (rules.md, design.md, api.md, operations.md) and the
// tests that keep it true: every function and test the traceability table of rules.md names exists,
// every article foidesk enforces has a row, and nothing in the repository points to a file outside
// it. It has no code.
package docs
