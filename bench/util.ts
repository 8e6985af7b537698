// Helpers both benchmark drivers use (run.ts, scenarios.ts).
import { readFileSync } from 'node:fs';
import type { Pool } from 'undici';
import { ADMIN_KEY } from './herald-process.js';

/** CPU seconds (utime + stime) in a Linux /proc stat file. */
export function statSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

/** The p-th percentile of ascending `sorted`; NaN when it is empty. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Calls Herald's API with the admin key through `pool`; a status of 300 or more throws. */
export async function apiCall(pool: Pool, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await pool.request({
    method,
    path,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path} → ${res.statusCode} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}
