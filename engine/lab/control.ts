// The lab's control endpoint: plain HTTP on 127.0.0.1, every request carrying the lab's token.
// GET /records, GET /status, GET|POST /faults for people and tests; POST /shim for the node shims.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { LabFaults, LabRecords } from './contract.js';
import type { NodesContext } from './nodes/handlers/types.js';
import { dispatchShim, isShimRequest, parseNulBody } from './nodes/shim-dispatch.js';

/** What the endpoint serves; set once the lab's parts are up (the URL is needed before that). */
export interface ControlApp {
  records(): LabRecords;
  status(): unknown;
  faults: LabFaults;
  shims: NodesContext;
}

export interface ControlServer {
  url: string;
  port: number;
  setApp(app: ControlApp): void;
  stop(): Promise<void>;
}

const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return readRaw(req).then((b) => b.toString('utf8'));
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((res, rej) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { rej(new Error('request body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2) + '\n');
}

function authorised(req: IncomingMessage, token: string): boolean {
  const got = Buffer.from(req.headers.authorization ?? '');
  const want = Buffer.from(`Bearer ${token}`);
  return got.length === want.length && timingSafeEqual(got, want);
}

const FAULT_KEYS: Array<keyof LabFaults> = ['neverReady', 'api5xx', 'pdbBlocked', 'sshDrop', 'diskFull', 'crashLoop', 'deprecatedCalls'];

/** Merge a faults request into the live faults object (the cluster and nodes read it in place). */
export function applyFaults(faults: LabFaults, patch: unknown): string | undefined {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return 'the body must be a JSON object of faults';
  for (const [k, v] of Object.entries(patch)) {
    if (!FAULT_KEYS.includes(k as keyof LabFaults)) return `unknown fault "${k}" (known: ${FAULT_KEYS.join(', ')})`;
    const key = k as keyof LabFaults;
    if (key === 'api5xx') { if (typeof v !== 'number' || v < 0) return 'api5xx must be a number ≥ 0'; faults.api5xx = v; continue; }
    if (key === 'sshDrop') {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((s) => typeof s === 'string')) return 'sshDrop must map a node name (or "*") to a command substring';
      faults.sshDrop = { ...(v as Record<string, string>) };
      continue;
    }
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return `${key} must be a list of names`;
    faults[key] = [...v];
  }
  return undefined;
}

export async function startControlServer(token: string): Promise<ControlServer> {
  let app: ControlApp | undefined;
  const server = createServer((req, res) => {
    void handle(req, res).catch((e: Error) => { if (!res.headersSent) json(res, 500, { error: e.message }); else res.end(); });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorised(req, token)) return json(res, 401, { error: 'missing or wrong token (Authorization: Bearer <token from state.json>)' });
    if (!app) return json(res, 503, { error: 'the lab is still starting' });
    const path = new URL(req.url ?? '/', 'http://lab').pathname;
    const route = `${req.method} ${path}`;
    if (route === 'GET /records') return json(res, 200, app.records());
    if (route === 'GET /status') return json(res, 200, app.status());
    if (route === 'GET /faults') return json(res, 200, app.faults);
    if (route === 'POST /faults') {
      let body: unknown;
      try { body = JSON.parse(await readBody(req)); } catch { return json(res, 400, { error: 'the body must be JSON' }); }
      const problem = applyFaults(app.faults, body);
      return problem ? json(res, 400, { error: problem }) : json(res, 200, app.faults);
    }
    if (route === 'POST /shim') {
      // Two forwarders: bash+curl (NUL-separated fields, printf-escaped answer) and node (JSON, base64).
      const q = new URL(req.url ?? '/', 'http://lab').searchParams;
      let call: unknown;
      if (req.headers['content-type'] === 'application/x-lab-shim') {
        call = parseNulBody(q.get('node') ?? '', q.get('tool') ?? '', await readRaw(req));
      } else {
        try { call = JSON.parse(await readBody(req)); } catch { return json(res, 400, { error: 'the body must be JSON' }); }
      }
      if (!isShimRequest(call)) return json(res, 400, { error: 'not a shim call' });
      const ac = new AbortController();
      res.on('close', () => { if (!res.writableFinished) ac.abort(); });
      return dispatchShim(app.shims, call, res, ac.signal, q.get('enc') === 'printf' ? 'printf' : 'base64');
    }
    return json(res, 404, { error: `no route ${route} (try GET /status, GET /records, POST /faults)` });
  }
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(0, '127.0.0.1', () => res()); });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setApp: (a) => { app = a; },
    stop: () => new Promise<void>((res) => { server.closeAllConnections(); server.close(() => res()); }),
  };
}
