// 0010: column names as SQLite spells them, so one row mapper (src/store/rows.ts) reads both
// dialects: the `_json` suffixes go (both dialects keep those columns as JSON text), and an
// attempt's duration keeps its fraction of a millisecond, as on SQLite. Renames are catalogue
// changes only; the duration column is rewritten once.
export default `
ALTER TABLE event_types RENAME COLUMN schema_json TO schema;
ALTER TABLE subscribers RENAME COLUMN metadata_json TO metadata;
ALTER TABLE subscriptions RENAME COLUMN headers_json TO headers;
ALTER TABLE events RENAME COLUMN data_json TO data;
ALTER TABLE attempts RENAME COLUMN request_headers_json TO request_headers;
ALTER TABLE attempts RENAME COLUMN response_headers_json TO response_headers;
ALTER TABLE attempts ALTER COLUMN duration_ms TYPE DOUBLE PRECISION;
ALTER TABLE audit_log RENAME COLUMN changes_json TO changes;
`;
