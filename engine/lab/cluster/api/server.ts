// The HTTPS front of the API server: TLS with the lab's certificate, bearer-token auth (401
// Status otherwise; /version and health endpoints are public as in kube-apiserver), the api5xx
// fault, JSON/text/watch responses, and a record of every write.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { ControllerContext } from '../controllers/context.js';
import type { Recorder } from '../records.js';
import type { LabCerts } from '../certs.js';
import type { WriteHook } from './crud.js';
import { route } from './router.js';
import { ApiError } from './status.js';
import type { ApiRequest, ApiResponse } from './request.js';
import { Watches } from './watch.js';

const MAX_BODY = 8 * 1024 * 1024;
const PUBLIC = new Set(['/version', '/healthz', '/readyz', '/livez']);

function tokenOk(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim()), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class ApiServer {
  private server: Server | undefined;
  private readonly watches: Watches;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(private readonly ctx: ControllerContext, private readonly recorder: Recorder, private readonly hook: WriteHook, private readonly token: string) {
    this.watches = new Watches(ctx);
  }

  async listen(certs: LabCerts): Promise<number> {
    const server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => this.handle(req, res));
    server.on('secureConnection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('lab: the API server has no TCP address — this is a bug');
    return addr.port;
  }

  async close(): Promise<void> {
    this.watches.closeAll();
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const api: ApiRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
      let answer: ApiResponse;
      try {
        if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
        if (!PUBLIC.has(api.path) && !tokenOk(req.headers.authorization, this.token)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
        if (this.ctx.faults.api5xx > 0) {
          this.ctx.faults.api5xx--;
          throw new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request (lab fault api5xx)');
        }
        answer = route(this.ctx, api, this.hook);
      } catch (e) {
        if (e instanceof ApiError) answer = { kind: 'json', code: e.code, body: e.body() };
        else answer = { kind: 'json', code: 500, body: new ApiError(500, 'InternalError', `lab API server: ${(e as Error).message} — this is a bug`).body() };
      }
      if (api.method !== 'GET' && api.method !== 'HEAD') this.recorder.apiWrite(api.method, api.path, answer.kind === 'watch' ? 200 : answer.code);
      this.respond(api, res, answer);
    });
  }

  private respond(api: ApiRequest, res: ServerResponse, a: ApiResponse): void {
    if (a.kind === 'watch') {
      this.watches.serve(api, res, a.resource, a.namespace);
      return;
    }
    const payload = a.kind === 'text' ? a.text : a.kind === 'bytes' ? a.bytes : JSON.stringify(a.body);
    const ct = a.kind === 'text' ? 'text/plain; charset=utf-8' : a.contentType ?? 'application/json';
    res.writeHead(a.code, { 'Content-Type': ct, 'Content-Length': Buffer.byteLength(payload), 'Cache-Control': 'no-cache, private' });
    res.end(payload);
  }
}
