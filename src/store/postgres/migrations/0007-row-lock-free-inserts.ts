// 0007: inserting a message, its queue row and its attempts no longer runs a foreign-key check
// per row. Each such check locks the parent row (SELECT ... FOR KEY SHARE), and locking a row
// written a moment ago in the same transaction rewrites its tuple header and logs it to the WAL:
// per delivered message, three extra WAL records and a tenth of the database's CPU.
// - messages.event_id: events are never deleted, and ingest inserts a message only for an event
//   that exists (the statement checks).
// - message_queue.message_id and attempts.message_id: what the cascade did, a statement-level
//   trigger does once per DELETE on messages (the message API, or a subscription's cascade).
// messages.subscription_id keeps its foreign key: it is what deletes a subscription's messages,
// and it makes ingest wait for, rather than race, a subscription being deleted.
export default `
ALTER TABLE messages DROP CONSTRAINT messages_event_id_fkey;
ALTER TABLE message_queue DROP CONSTRAINT message_queue_message_id_fkey;
ALTER TABLE attempts DROP CONSTRAINT attempts_message_id_fkey;
CREATE FUNCTION herald_messages_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM message_queue WHERE message_id IN (SELECT id FROM gone);
  DELETE FROM attempts WHERE message_id IN (SELECT id FROM gone);
  RETURN NULL;
END
$$;
CREATE TRIGGER messages_deleted AFTER DELETE ON messages
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION herald_messages_deleted();
`;
