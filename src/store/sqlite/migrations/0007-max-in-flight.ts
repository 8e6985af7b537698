// 0007: a subscription may fix how many attempts go to it at once (1: one at a time); NULL leaves it
// to the adaptive per-endpoint cap (src/delivery/fairness.ts).
export default `
ALTER TABLE subscriptions ADD COLUMN max_in_flight INTEGER;
`;
