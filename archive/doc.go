// Package archive makes a concluded case file into an archival package (卷宗) that an archive
// office can take in, keep and check without foidesk, and the year's transfer (移交) of those
// packages (docs/design.md "Archive", docs/operations.md "Archive").
//
// A package is one ZIP per archived case with a fixed layout:
//
//	目录.pdf        卷内文件目录: the case's documents with 件号, 序号, 责任者, 文号, 题名, 日期, 页数
//	documents/NN-…  every stored document in the order of the case, byte for byte as stored
//	history.json    every event: seq, event, actor, time, from/to state, reply deadline before and
//	                after, payload, and the hash chain (prev_hash, hash)
//	history.pdf     the same history for a reader
//	metadata.json   the archival metadata after GB/T 18894-2016 and DA/T 22-2015 (全宗号, 机构,
//	                年度, 保管期限, 件号, 档号, 题名, 责任者, 日期, 页数)
//	manifest.json   path, size and SHA-256 of every other file; the case's event count and head hash
//
// The package is deterministic: the same case (the same head hash) always gives the same bytes
// (fixed ZIP timestamps: the time of the case's last event; PDFs dated likewise).
//
// The package is pure: no SQL, no HTTP. A Source gives it the cases and a Renderer the PDFs
// (package forms); cmd/foidesk wires them. Verify needs neither: it checks a package or a
// transfer directory offline with the hash chain of package workflow, the function the store
// appends events with.
package archive
