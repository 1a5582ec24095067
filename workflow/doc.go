// Package workflow is the state machine and statutory clocks of foidesk; pure: no SQL, no HTTP,
// time passed in.
//
// The clocks count working days (工作日) on a Calendar built from the State Council's yearly
// holiday notices (through github.com/6tail/lunar-go) overlaid with an administrator's
// corrections (docs/rules.md §3); Recompute derives every deadline of a case from the facts in its
// cases.Clock (docs/rules.md §4), and ComputeFee applies the fee measures of 国办函〔2020〕109号
// (docs/rules.md §5).
package workflow
