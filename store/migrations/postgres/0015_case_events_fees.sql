-- The fees of the annual report (store/reports.go fees): the fee notices and payments with their
-- payloads, read from this small partial index instead of one random read of the event log per
-- event (60,000 at a million cases: 3.3 s of a cold `report annual`, docs/performance.md). The
-- report's query repeats the index's condition literally, which is how the planner knows that the
-- index covers it.
CREATE INDEX case_events_fees ON case_events (event, case_id, seq, payload) WHERE event IN ('request_fee', 'fee_paid');
