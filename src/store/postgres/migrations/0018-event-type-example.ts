// 0018: an event type's example payload (JSON text; NULL: none), sent by "Trigger now" when no data is given.
export default `
ALTER TABLE event_types ADD COLUMN example TEXT;
`;
