// 0005: each event keeps how many messages its ingest created, as PostgreSQL's events do, so a
// replayed idempotency key answers the original result, not what is left after deletions.
export default `
ALTER TABLE events ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
UPDATE events SET message_count = (SELECT count(*) FROM messages WHERE messages.event_id = events.id);
`;
