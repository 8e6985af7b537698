// Batches that must not share one member's fate: group commit (ingest) and attempt recording write
// many items per transaction, and a transaction that fails on one item's data would fail them all.
// writeIsolating writes the batch; on failure it writes each half apart, recursively, down to the
// item that fails alone (about 2 log2(n) extra writes for one culprit among n), and hands what
// cannot be split further to `fallback`. Errors that say nothing about the items (the database is
// unreachable) are not split on: `splittable` decides.

export async function writeIsolating<T, R>(
  items: readonly T[],
  write: (part: T[]) => Promise<R[]>,
  fallback: (part: T[], err: unknown) => R[] | Promise<R[]>,
  splittable: (err: unknown) => boolean,
): Promise<R[]> {
  const part = [...items];
  try {
    return await write(part);
  } catch (err) {
    if (part.length === 1 || !splittable(err)) return fallback(part, err);
    const half = Math.ceil(part.length / 2);
    const first = await writeIsolating(part.slice(0, half), write, fallback, splittable);
    return first.concat(await writeIsolating(part.slice(half), write, fallback, splittable));
  }
}
