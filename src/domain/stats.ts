// The statistics panel (seed 002's Statistics tab, DESIGN.md §6): the window of its time series.
// What the panel counts is in StatsStore (src/store/store.ts); an attempt succeeded when the
// receiver answered 2xx (the success row of src/delivery/classify.ts).

/** The charts' series: one bucket a minute over the last 24 hours. */
export const SERIES_INTERVAL_MS = 60_000;
export const SERIES_BUCKETS = 1_440;

/** The buckets of a time series: bucket i holds what was created in [start + i × intervalMs, start + (i + 1) × intervalMs). */
export interface SeriesWindow {
  start: number;
  intervalMs: number;
  buckets: number;
}

/**
 * The `buckets` whole intervals ending with the one that holds `now`, oldest first: with the
 * defaults, the minute now is in and the 1,439 minutes before it. Boundaries are multiples of the
 * interval since the epoch, so two calls in the same minute agree, whichever process answers.
 */
export function seriesWindow(now: number, intervalMs: number = SERIES_INTERVAL_MS, buckets: number = SERIES_BUCKETS): SeriesWindow {
  if (!(Number.isSafeInteger(intervalMs) && intervalMs > 0 && Number.isSafeInteger(buckets) && buckets > 0))
    throw new RangeError(`a series needs a positive whole interval and bucket count, not ${intervalMs} ms × ${buckets}`);
  const current = Math.floor(now / intervalMs) * intervalMs;
  return { start: current - (buckets - 1) * intervalMs, intervalMs, buckets };
}

/** Where the window ends (exclusive). */
export const seriesEnd = (w: SeriesWindow): number => w.start + w.buckets * w.intervalMs;
