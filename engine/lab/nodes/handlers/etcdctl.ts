// etcdctl (v3 API, as etcd 3.4's client prints it): snapshot save|status|restore, endpoint
// health, member list, version — reaching the lab's "etcd" (the cluster's object store) only with
// kubeadm's TLS flags, as the real stacked etcd on a control-plane node demands.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nodePath, simSleep, type ShimCall, type ShimHandler } from './types.js';

/** bbolt's meta page start (pgid 0, flags 0x04, magic 0xED0CDAED, version 2, page size 4096), then ours. */
function boltHeader(): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt16LE(0x04, 8);
  b.writeUInt32LE(0xed0cdaed, 16);
  b.writeUInt32LE(2, 20);
  b.writeUInt32LE(4096, 24);
  return b;
}
const MARK = '\nrunbook-lab etcd snapshot v1\n';

interface SnapshotBody { revision: number; totalKey: number; node: string; savedAt: string; state: string }

/** A snapshot file: bolt-like header, marker, JSON body, then a SHA-256 trailer like etcd's. */
export function encodeSnapshot(body: SnapshotBody): Buffer {
  const head = Buffer.concat([boltHeader(), Buffer.from(MARK + JSON.stringify(body))]);
  return Buffer.concat([head, createHash('sha256').update(head).digest()]);
}

export function decodeSnapshot(buf: Buffer): SnapshotBody | undefined {
  if (buf.length < 64 + MARK.length + 32 || buf.readUInt32LE(16) !== 0xed0cdaed) return undefined;
  const head = buf.subarray(0, buf.length - 32);
  if (!createHash('sha256').update(head).digest().equals(buf.subarray(buf.length - 32))) return undefined;
  const text = head.subarray(64).toString('utf8');
  if (!text.startsWith(MARK)) return undefined;
  try { return JSON.parse(text.slice(MARK.length)) as SnapshotBody; } catch { return undefined; }
}

/** Revision and key count of the serialised store, best effort whatever its shape. */
function describe(state: string): { revision: number; totalKey: number } {
  try {
    const v = JSON.parse(state) as Record<string, unknown>;
    const rev = Number(v['revision'] ?? v['resourceVersion'] ?? v['rv'] ?? 0) || 0;
    const objs = v['objects'] ?? v['items'];
    const keys = Array.isArray(objs) ? objs.length : typeof objs === 'object' && objs ? Object.keys(objs).length : Object.keys(v).length;
    return { revision: rev, totalKey: keys };
  } catch {
    return { revision: 0, totalKey: state.split('\n').length };
  }
}

interface Opts { positional: string[]; flags: Map<string, string> }
const VALUED = new Set(['--endpoints', '--cacert', '--cert', '--key', '-w', '--write-out', '--data-dir', '--name', '--initial-cluster', '--initial-cluster-token', '--initial-advertise-peer-urls', '--dial-timeout', '--command-timeout', '--wal-dir', '--user', '--password']);

function parse(argv: string[], env: Record<string, string>): Opts {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(0, eq), a.slice(eq + 1));
    else if (VALUED.has(a)) flags.set(a, argv[++i] ?? '');
    else flags.set(a, 'true');
  }
  // ETCDCTL_<FLAG> environment variables stand in for flags, as in etcdctl.
  for (const f of ['endpoints', 'cacert', 'cert', 'key', 'write-out']) {
    const v = env[`ETCDCTL_${f.toUpperCase().replace('-', '_')}`];
    if (v !== undefined && !flags.has(`--${f}`)) flags.set(`--${f}`, v);
  }
  if (flags.has('-w')) flags.set('--write-out', flags.get('-w')!);
  return { positional, flags };
}

const ts = (): number => Date.now() / 1000;
const log = (call: ShimCall, caller: string, msg: string, extra: Record<string, unknown> = {}): void =>
  call.io.err(JSON.stringify({ level: 'info', ts: ts(), caller, msg, ...extra }) + '\n');

/** Can this invocation reach etcd? kubeadm's etcd listens on https://…:2379 and wants client certs. */
async function connect(call: ShimCall, o: Opts): Promise<string[] | undefined> {
  const endpoints = (o.flags.get('--endpoints') ?? '127.0.0.1:2379').split(',').map((e) => e.trim()).filter(Boolean);
  for (const f of ['--cacert', '--cert', '--key']) {
    const p = o.flags.get(f);
    if (p && !existsSync(nodePath(call, p))) { call.io.err(`Error: open ${p}: no such file or directory\n`); return undefined; }
  }
  const tlsOk = ['--cacert', '--cert', '--key'].every((f) => o.flags.has(f));
  const reason = call.node.role !== 'control-plane' ? 'connection refused (no etcd member runs on this node)'
    : endpoints.some((e) => !e.startsWith('https://')) ? 'connection reset by peer (etcd serves only https on :2379)'
    : !tlsOk ? 'x509: certificate signed by unknown authority (pass --cacert, --cert and --key: kubeadm puts them in /etc/kubernetes/pki/etcd/)'
    : undefined;
  if (reason) {
    await simSleep(call, 300);
    call.io.err(JSON.stringify({ level: 'warn', ts: new Date().toISOString(), caller: 'clientv3/retry_interceptor.go:62', msg: 'retrying of unary invoker failed', target: 'endpoint://client/' + endpoints[0], attempt: 0, error: `rpc error: code = DeadlineExceeded desc = latest balancer error: ${reason}` }) + '\n');
    call.io.err('Error: context deadline exceeded\n');
    return undefined;
  }
  return endpoints;
}

function cpEndpoints(call: ShimCall): Array<{ name: string; url: string }> {
  return [...call.ctx.nodes.values()].filter((n) => n.role === 'control-plane').map((n, i) => ({ name: n.name, url: `https://10.0.0.${11 + i}:2379` }));
}

async function save(call: ShimCall, o: Opts): Promise<number> {
  const file = o.positional[2];
  if (!file) { call.io.err('Error: snapshot save expects one argument\n'); return 1; }
  const endpoints = await connect(call, o);
  if (!endpoints) return 1;
  if (endpoints.length !== 1) { call.io.err(`Error: snapshot must be requested to one selected node, not multiple [${endpoints.join(' ')}]\n`); return 1; }
  const path = nodePath(call, file);
  if (!existsSync(dirname(path))) { call.io.err(`Error: could not open ${file}.part (open ${file}.part: no such file or directory)\n`); return 1; }
  log(call, 'snapshot/v3_snapshot.go:119', 'created temporary db file', { path: `${file}.part` });
  log(call, 'snapshot/v3_snapshot.go:127', 'fetching snapshot', { endpoint: endpoints[0] });
  if (call.ctx.control.faults.diskFull.includes(call.node.name)) {
    call.io.err(`Error: write ${file}.part: no space left on device\n`);
    return 1;
  }
  const state = call.ctx.control.snapshot();
  const bytes = encodeSnapshot({ ...describe(state), node: call.node.name, savedAt: new Date().toISOString(), state });
  await simSleep(call, 150);
  if (call.io.signal.aborted) return 130;
  writeFileSync(path, bytes, { mode: 0o600 });
  log(call, 'snapshot/v3_snapshot.go:142', 'fetched snapshot', { endpoint: endpoints[0], size: `${Math.round(bytes.length / 1000)} kB`, took: 0.15 });
  log(call, 'snapshot/v3_snapshot.go:152', 'saved', { path: file });
  call.io.out(`Snapshot saved at ${file}\n`);
  return 0;
}

function status(call: ShimCall, o: Opts): number {
  const file = o.positional[2];
  if (!file) { call.io.err('Error: snapshot status expects one argument\n'); return 1; }
  const path = nodePath(call, file);
  if (!existsSync(path)) { call.io.err(`Error: stat ${file}: no such file or directory\n`); return 1; }
  const buf = readFileSync(path);
  const body = decodeSnapshot(buf);
  if (!body) { call.io.err('Error: invalid database\n'); return 1; }
  const hash = createHash('sha256').update(body.state).digest().readUInt32BE(0);
  const hex = hash.toString(16).padStart(8, '0');
  const size = `${Math.max(1, Math.round(buf.length / 1000))} kB`;
  const fmt = o.flags.get('--write-out') ?? 'simple';
  if (fmt === 'json') call.io.out(JSON.stringify({ hash, revision: body.revision, totalKey: body.totalKey, totalSize: buf.length }) + '\n');
  else if (fmt === 'table') {
    const row = [hex, String(body.revision), String(body.totalKey), size];
    const w = [8, 8, 10, 10];
    const line = '+' + w.map((n) => '-'.repeat(n + 2)).join('+') + '+\n';
    call.io.out(line + '|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |\n' + line);
    call.io.out('| ' + row.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ') + ' |\n' + line);
  } else call.io.out(`${hex}, ${body.revision}, ${body.totalKey}, ${size}\n`);
  return 0;
}

function restore(call: ShimCall, o: Opts): number {
  const file = o.positional[2];
  if (!file) { call.io.err('Error: snapshot restore expects one argument\n'); return 1; }
  const path = nodePath(call, file);
  if (!existsSync(path)) { call.io.err(`Error: stat ${file}: no such file or directory\n`); return 1; }
  const dataDirArg = o.flags.get('--data-dir') ?? `${o.flags.get('--name') ?? 'default'}.etcd`;
  const dataDir = nodePath(call, dataDirArg);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) { call.io.err(`Error: data-dir "${dataDirArg}" exists\n`); return 1; }
  const buf = readFileSync(path);
  const body = decodeSnapshot(buf);
  if (!body) {
    call.io.err(o.flags.has('--skip-hash-check') ? 'Error: invalid database\n' : 'Error: snapshot missing hash but --skip-hash-check=false\n');
    return 1;
  }
  const where = { path: file, 'wal-dir': `${dataDirArg}/member/wal`, 'data-dir': dataDirArg, 'snap-dir': `${dataDirArg}/member/snap` };
  log(call, 'snapshot/v3_snapshot.go:296', 'restoring snapshot', where);
  mkdirSync(join(dataDir, 'member/snap'), { recursive: true });
  mkdirSync(join(dataDir, 'member/wal'), { recursive: true });
  writeFileSync(join(dataDir, 'member/snap/db'), buf, { mode: 0o600 });
  writeFileSync(join(dataDir, 'member/wal/0000000000000000-0000000000000000.wal'), '', { mode: 0o600 });
  // The lab has one store: restoring the data dir restores the cluster (see README: rollback).
  call.ctx.control.restore(body.state);
  log(call, 'snapshot/v3_snapshot.go:309', 'restored snapshot', where);
  return 0;
}

async function health(call: ShimCall, o: Opts): Promise<number> {
  const endpoints = await connect(call, o);
  if (!endpoints) return 1;
  const list = o.flags.has('--cluster') ? cpEndpoints(call).map((e) => e.url) : endpoints;
  for (const e of list) call.io.out(`${e} is healthy: successfully committed proposal: took = ${(2 + Math.random() * 8).toFixed(6)}ms\n`);
  return 0;
}

async function members(call: ShimCall, o: Opts): Promise<number> {
  if (!(await connect(call, o))) return 1;
  cpEndpoints(call).forEach((e, i) => {
    const id = createHash('sha256').update(e.name).digest('hex').slice(0, 16);
    call.io.out(`${id}, started, ${e.name}, ${e.url.replace(':2379', ':2380')}, ${e.url}, false\n`);
    void i;
  });
  return 0;
}

export const etcdctl: ShimHandler = async (call) => {
  const o = parse(call.argv, call.env);
  const [a, b] = o.positional;
  if (a === 'version') { call.io.out('etcdctl version: 3.4.23\nAPI version: 3.4\n'); return 0; }
  if (a === 'snapshot' && b === 'save') return save(call, o);
  if (a === 'snapshot' && b === 'status') return status(call, o);
  if (a === 'snapshot' && b === 'restore') return restore(call, o);
  if (a === 'endpoint' && b === 'health') return health(call, o);
  if (a === 'member' && b === 'list') return members(call, o);
  call.io.err(`Error: unknown command "${[a, b].filter(Boolean).join(' ')}" for "etcdctl" (the lab's etcdctl knows: snapshot save|status|restore, endpoint health, member list, version)\n`);
  return 1;
};
