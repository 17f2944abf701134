// The kube adapter's HTTP layer: one keep-alive agent for the whole run (a drain of 100 pods
// would otherwise pay a TLS handshake per request), AbortSignal on every request, bounded retries
// of 5xx / 429 / dropped connections, and API errors turned into KubeError naming user and verb.
// Watches stream on an agent of their own, so long-lived streams never hold the sockets that
// ordinary requests queue for.
import http from 'node:http';
import https from 'node:https';
import { KubeError } from '../../model/errors.js';
import type { LoadedConfig } from './config.js';
import { authHeaderSource } from './config.js';

export interface HttpResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Statuses the caller handles itself (returned, not thrown, never retried), e.g. 404, 429, 409. */
  accept?: number[];
  /** For error messages: "patch nodes/w1". */
  what: string;
}

const ATTEMPTS = 4;
/** Open watches at once (each holds a socket); more wait for one, their callers poll meanwhile. */
const WATCH_SOCKETS = 32;
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
/** One request may not hang forever even when the caller gave no signal. */
const REQUEST_TIMEOUT_MS = 60_000;

export class KubeHttp {
  private readonly agent: http.Agent;
  private readonly watchAgent: http.Agent;
  private readonly headers: () => Promise<Record<string, string>>;
  private readonly base: URL;

  constructor(readonly cfg: LoadedConfig) {
    this.base = new URL(cfg.server);
    const isHttps = this.base.protocol === 'https:';
    // Bounded sockets: evictions of 100 pods queue on a few connections instead of opening 100.
    this.agent = cfg.proxyAgent
      ? cfg.proxyAgent // proxy-url in the kubeconfig: client-node's proxy agent (no keep-alive pool of ours)
      : isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: 16, ca: cfg.tls.ca, cert: cfg.tls.cert, key: cfg.tls.key, rejectUnauthorized: cfg.tls.rejectUnauthorized, servername: cfg.tls.servername })
      : new http.Agent({ keepAlive: true, maxSockets: 16 });
    // One socket per open watch (HTTP/1.1); bounded, so a wide wait queues instead of opening hundreds.
    this.watchAgent = cfg.proxyAgent
      ? cfg.proxyAgent
      : isHttps
      ? new https.Agent({ keepAlive: false, maxSockets: WATCH_SOCKETS, ca: cfg.tls.ca, cert: cfg.tls.cert, key: cfg.tls.key, rejectUnauthorized: cfg.tls.rejectUnauthorized, servername: cfg.tls.servername })
      : new http.Agent({ keepAlive: false, maxSockets: WATCH_SOCKETS });
    this.headers = authHeaderSource(cfg.kc);
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  /**
   * A streaming GET (a watch): onLine for every newline-terminated line as it arrives; resolves
   * when the server ends the stream, the connection drops or the signal aborts; rejects with
   * KubeError on a non-2xx answer. Never retried here: the caller decides when to watch again.
   */
  async stream(path: string, opts: { query?: RequestOptions['query']; signal: AbortSignal; what: string; idleTimeoutMs: number }, onLine: (line: string) => void): Promise<void> {
    if (opts.signal.aborted) return;
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'runbook', ...(await this.headers()) };
    const mod = url.protocol === 'https:' ? https : http;
    await new Promise<void>((resolvePromise, reject) => {
      const req = mod.request(url, { method: 'GET', headers, agent: this.watchAgent, signal: opts.signal, timeout: opts.idleTimeoutMs }, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (status >= 300) return void chunks.push(Buffer.from(c));
          rest += c;
          for (let i = rest.indexOf('\n'); i >= 0; i = rest.indexOf('\n')) {
            const line = rest.slice(0, i).trim();
            rest = rest.slice(i + 1);
            if (line) onLine(line);
          }
        });
        res.on('end', () => (status >= 300 ? reject(this.toError({ status, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }, opts.what)) : resolvePromise()));
        // A stream cut short (server restart, abort) simply ends the watch.
        res.on('error', () => resolvePromise());
        res.on('close', () => resolvePromise());
      });
      req.on('timeout', () => req.destroy());
      req.on('error', (e) => {
        if (opts.signal.aborted) return resolvePromise();
        reject(new KubeError(undefined, (e as NodeJS.ErrnoException).code || 'NetworkError', `cannot ${opts.what}: ${this.cfg.server}: ${e.message}`));
      });
      req.end();
    });
  }

  /** JSON request with retries; returns the parsed body (undefined for empty) and status. */
  async json<T>(method: string, path: string, opts: RequestOptions): Promise<{ status: number; data: T }> {
    const res = await this.request(method, path, opts);
    return { status: res.status, data: (res.body ? JSON.parse(res.body) : undefined) as T };
  }

  async request(method: string, path: string, opts: RequestOptions): Promise<HttpResponse> {
    let lastErr: unknown;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      opts.signal?.throwIfAborted();
      let res: HttpResponse;
      try {
        res = await this.once(method, path, opts);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (opts.signal?.aborted || !RETRYABLE_CODES.has(code)) {
          if (opts.signal?.aborted) throw opts.signal.reason ?? e;
          throw new KubeError(undefined, code || 'NetworkError', `cannot ${opts.what}: ${this.cfg.server}: ${(e as Error).message}`);
        }
        lastErr = new KubeError(undefined, code, `cannot ${opts.what}: ${this.cfg.server}: ${(e as Error).message} (after ${attempt} attempts)`);
        await backoff(attempt, undefined, opts.signal);
        continue;
      }
      if (res.status < 400 || opts.accept?.includes(res.status)) return res;
      const err = this.toError(res, opts.what);
      if ((res.status >= 500 || res.status === 429) && attempt < ATTEMPTS) {
        lastErr = err;
        await backoff(attempt, res.headers['retry-after'], opts.signal);
        continue;
      }
      if (res.status >= 500 || res.status === 429) err.message += ` (after ${attempt} attempts)`;
      throw err;
    }
    throw lastErr;
  }

  private toError(res: HttpResponse, what: string): KubeError {
    let status: { message?: string; reason?: string } = {};
    try {
      status = JSON.parse(res.body) as typeof status;
    } catch {
      status = { message: res.body.slice(0, 200) };
    }
    const said = status.message ? `: ${status.message}` : '';
    if (res.status === 401) {
      return new KubeError(401, status.reason ?? 'Unauthorized', `cannot ${what}: the API server rejected the credentials of user "${this.cfg.userName}" (401 Unauthorized; kubeconfig ${this.cfg.source}, context ${this.cfg.context})${said}`);
    }
    if (res.status === 403) {
      return new KubeError(403, status.reason ?? 'Forbidden', `cannot ${what}: user "${this.cfg.userName}" is not allowed to (403 Forbidden)${said}`);
    }
    return new KubeError(res.status, status.reason, `cannot ${what}: ${res.status}${status.reason ? ` ${status.reason}` : ''}${said}`);
  }

  private async once(method: string, path: string, opts: RequestOptions): Promise<HttpResponse> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'runbook', ...(await this.headers()) };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const mod = url.protocol === 'https:' ? https : http;
    return await new Promise<HttpResponse>((resolvePromise, reject) => {
      const req = mod.request(url, { method, headers, agent: this.agent, signal: opts.signal, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000}s`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** 250 ms, 500 ms, 1 s (or the server's Retry-After, capped at 5 s); aborts with the signal. */
async function backoff(attempt: number, retryAfter: string | string[] | undefined, signal?: AbortSignal): Promise<void> {
  const ra = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  const ms = Number.isFinite(ra) && ra > 0 ? Math.min(ra * 1000, 5000) : 250 * 2 ** (attempt - 1);
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      res();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      rej(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
