// 0008: a subscriber's API keys go with the subscriber, as on SQLite: 0001 left api_keys.subscriber_id
// without a foreign key, so deleting a subscriber kept its scoped keys. Keys of subscribers
// deleted before this migration are deleted with it (SQLite would have deleted them then).
export default `
DELETE FROM api_keys k WHERE k.subscriber_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM subscribers s WHERE s.id = k.subscriber_id);
ALTER TABLE api_keys ADD CONSTRAINT api_keys_subscriber_id_fkey
  FOREIGN KEY (subscriber_id) REFERENCES subscribers (id) ON DELETE CASCADE;
CREATE INDEX api_keys_subscriber ON api_keys (subscriber_id) WHERE subscriber_id IS NOT NULL;
`;
