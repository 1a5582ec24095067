// Package workflow is the state machine and statutory clocks of foidesk; pure: no SQL, no HTTP,
// time passed in.
//
// The clocks count working days (工作日) on a Calendar built from the State Council's yearly
// holiday notices (through github.com/6tail/lunar-go) overlaid with an administrator's
// corrections (REGULATION §3); Recompute derives every deadline of a case from the facts in its
// cases.Clock (REGULATION §4), and ComputeFee applies the fee measures of 国办函〔2020〕109号
// (REGULATION §5).
package workflow
