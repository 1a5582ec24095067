-- Repeated requests and Art. 44 clusters (store/similar.go): the applications an agency received
-- in a period are read through this index, not by scanning every case.
CREATE INDEX cases_agency_received ON cases (agency_id, received_on);
