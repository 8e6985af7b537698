// Receivers for the fleet and dead-endpoints benchmark scenarios (bench/scenarios.ts), in a process
// of their own so that their CPU is not the benchmark's nor counted as Herald's. Loopback only.
//   fleet <endpoints> <answer-ms>: one HTTP server per address 127.0.x.y (skipping 127.0.0.0 and
//     127.0.0.1), all on one port, each answering 204 after <answer-ms>; counts distinct webhook-ids.
//   dead <count>: <count> TCP servers on 127.0.0.1 that accept connections and read, never answer,
//     and one healthy HTTP server answering 204 at once, which reports when each request arrived
//     (the `seq` in its event's data).
// Talks to its parent over IPC: sends {ready, ...} once listening; answers {type:'stats'} with its
// counts; on {type:'stop'} destroys every socket (the hung ones first) and exits.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';

const [mode, a, b] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message);
const now = () => performance.timeOrigin + performance.now(); // wall clock, sub-millisecond, comparable across processes

/** The address of endpoint i: 127.0.x.y, skipping 127.0.0.0 and 127.0.0.1. */
const hostOf = (i: number): string => `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`;

const listen = (server: HttpServer | NetServer, host: string, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });

const httpServers: HttpServer[] = [];
const netServers: NetServer[] = [];
const hung = new Set<Socket>();
const stats = { requests: 0, distinct: 0, duplicates: 0, deadConnections: [] as number[], arrivals: [] as [number, number][] };

async function fleet(endpoints: number, answerMs: number): Promise<void> {
  const seen = new Set<string>();
  let port = 0;
  for (let i = 0; i < endpoints; i++) {
    const server = createHttpServer((req, res) => {
      stats.requests++;
      const id = String(req.headers['webhook-id']);
      if (seen.has(id)) stats.duplicates++;
      else seen.add(id);
      stats.distinct = seen.size;
      req.resume();
      setTimeout(() => res.writeHead(204).end(), answerMs);
    });
    server.keepAliveTimeout = 30_000;
    port = await listen(server, hostOf(i), port);
    httpServers.push(server);
  }
  send({ ready: true, urls: httpServers.map((_, i) => `http://${hostOf(i)}:${port}/hook`) });
}

async function dead(count: number): Promise<void> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    stats.deadConnections.push(0);
    const server = createNetServer((socket) => {
      stats.deadConnections[i]!++;
      hung.add(socket);
      socket.on('data', () => {});
      socket.on('error', () => {});
      socket.on('close', () => hung.delete(socket));
    });
    ports.push(await listen(server, '127.0.0.1', 0));
    netServers.push(server);
  }
  const healthy = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = now();
      stats.requests++;
      const seq = /"seq":(\d+)/.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
      if (seq !== undefined) stats.arrivals.push([Number(seq), at]);
      res.writeHead(204).end();
    });
  });
  healthy.keepAliveTimeout = 30_000;
  const healthyPort = await listen(healthy, '127.0.0.1', 0);
  httpServers.push(healthy);
  send({ ready: true, urls: ports.map((p) => `http://127.0.0.1:${p}/hook`), healthyUrl: `http://127.0.0.1:${healthyPort}/hook` });
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    send({ stats: { ...stats, arrivals: stats.arrivals.splice(0) } }); // arrivals are sent once
  } else if (message.type === 'stop') {
    for (const socket of hung) socket.destroy(); // the hung receivers first: Herald's attempts to them end now
    for (const server of netServers) server.close();
    for (const server of httpServers) {
      server.closeAllConnections();
      server.close();
    }
    setTimeout(() => process.exit(0), 100).unref();
  }
});
process.on('disconnect', () => process.exit(0)); // the benchmark ended without stopping us

if (mode === 'fleet') await fleet(Number(a), Number(b));
else if (mode === 'dead') await dead(Number(a));
else throw new Error(`slow-receivers: unknown mode ${mode}`);
