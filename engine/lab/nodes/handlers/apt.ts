// apt-get, apt-mark and apt-cache against the node's simulated dpkg state and the community
// package repositories (one per minor, named by /etc/apt/sources.list.d/kubernetes.list).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGES, type NodeState, type PackageName } from '../node-state.js';
import { compareVersions, matchesGlob, parseVersion, repoMinor, repoVersions } from '../versions.js';
import type { ShimCall, ShimHandler } from './types.js';

const LIST_FILE = 'etc/apt/sources.list.d/kubernetes.list';
const REPO = (minor: string): string => `https://prod-cdn.packages.k8s.io/repositories/isv:/kubernetes:/core:/stable:/v${minor}/deb`;
/** Minors the community repositories publish (pkgs.k8s.io started at 1.24). */
const PUBLISHED = (minor: string): boolean => { const m = parseVersion(`${minor}.0`); return !!m && m.major === 1 && m.minor >= 24 && m.minor <= 37; };
/** Packages of the repository the lab does not model but accepts as installed. */
const PASSIVE = new Set(['kubernetes-cni', 'cri-tools']);

function isPackage(name: string): name is PackageName {
  return (PACKAGES as string[]).includes(name);
}

interface AptArgs { flags: Set<string>; positional: string[] }

/** apt's option syntax: `-qy` bundles, `-o Key=Value` takes an argument, long flags as given. */
function parseArgs(argv: string[]): AptArgs {
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-o' || a === '-c' || a === '-t') { i++; continue; }
    if (a.startsWith('--')) flags.add(a.split('=')[0]!);
    else if (a.startsWith('-') && a.length > 1) for (const ch of a.slice(1)) flags.add(`-${ch}`);
    else positional.push(a);
  }
  return { flags, positional };
}

const yes = (f: Set<string>): boolean => f.has('-y') || f.has('--yes') || f.has('--assume-yes');

function update(call: ShimCall): number {
  const { node, io } = call;
  const listPath = join(node.root, LIST_FILE);
  const minor = existsSync(listPath) ? repoMinor(readFileSync(listPath, 'utf8')) : undefined;
  io.out('Hit:1 http://archive.ubuntu.com/ubuntu jammy InRelease\n');
  if (minor && !PUBLISHED(minor)) {
    io.out(`Err:2 ${REPO(minor)}  InRelease\n  403  Forbidden [IP: 13.107.246.40 443]\nReading package lists...\n`);
    io.err(`E: Failed to fetch ${REPO(minor)}/InRelease  403  Forbidden [IP: 13.107.246.40 443]\n`);
    io.err(`E: The repository '${REPO(minor)}  InRelease' is no longer signed.\n`);
    return 100;
  }
  if (minor) {
    io.out(`Get:2 ${REPO(minor)}  InRelease [1,186 B]\nGet:3 ${REPO(minor)}  Packages [${repoVersions(minor).length * 1213} B]\n`);
  }
  io.out('Reading package lists...\n');
  node.aptIndexMinor = minor;
  return 0;
}

interface Change { pkg: PackageName; from: string; to: string }

function install(call: ShimCall, args: AptArgs): number {
  const { node, io } = call;
  const f = args.flags;
  io.out('Reading package lists...\nBuilding dependency tree...\nReading state information...\n');
  const minor = node.aptIndexMinor;
  const changes: Change[] = [];
  const current: string[] = [];
  for (const spec of args.positional.slice(1)) {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const want = eq < 0 ? undefined : spec.slice(eq + 1);
    if (PASSIVE.has(name)) continue;
    if (!isPackage(name) || !minor) {
      io.err(`E: Unable to locate package ${name}\n`);
      return 100;
    }
    const offered = repoVersions(minor);
    const pick = want === undefined ? offered[0] : offered.find((v) => v === want || matchesGlob(v, want));
    if (!pick) {
      io.err(`E: Version '${want}' for '${name}' was not found\n`);
      return 100;
    }
    if (pick === node.packages[name]) current.push(`${name} is already the newest version (${pick}).\n`);
    else changes.push({ pkg: name, from: node.packages[name], to: pick });
  }
  for (const line of current) io.out(line);
  const newer = (c: Change): boolean => compareVersions(parseVersion(c.to)!, parseVersion(c.from)!) > 0;
  const held = changes.filter((c) => node.held.has(c.pkg));
  const down = changes.filter((c) => !newer(c));
  const list = (cs: Change[]): string => `  ${cs.map((c) => c.pkg).join(' ')}\n`;
  if (held.length) io.out(`The following held packages will be changed:\n${list(held)}`);
  if (changes.some(newer)) io.out(`The following packages will be upgraded:\n${list(changes.filter(newer))}`);
  if (down.length) io.out(`The following packages will be DOWNGRADED:\n${list(down)}`);
  io.out(`${changes.filter(newer).length} upgraded, 0 newly installed, ${down.length} downgraded, 0 to remove and 0 not upgraded.\n`);
  if (changes.length === 0) return 0;
  if (f.has('-s') || f.has('--simulate') || f.has('--dry-run') || f.has('--just-print')) {
    for (const c of changes) io.out(`Inst ${c.pkg} [${c.from}] (${c.to} kubernetes:v${minor} [amd64])\n`);
    return 0;
  }
  if (!yes(f)) {
    io.out('Do you want to continue? [Y/n] Abort.\n');
    return 1;
  }
  if (held.length && !f.has('--allow-change-held-packages')) {
    io.err('E: Held packages were changed and -y was used without --allow-change-held-packages.\n');
    return 100;
  }
  if (down.length && !f.has('--allow-downgrades')) {
    io.err('E: Packages were downgraded and -y was used without --allow-downgrades.\n');
    return 100;
  }
  for (const c of changes) {
    io.out(`Get:1 ${REPO(minor!)}  ${c.pkg} ${c.to} [10.4 MB]\n`);
  }
  io.out('(Reading database ... 74512 files and directories currently installed.)\n');
  for (const c of changes) {
    io.out(`Preparing to unpack .../${c.pkg}_${c.to}_amd64.deb ...\nUnpacking ${c.pkg} (${c.to}) over (${c.from}) ...\n`);
  }
  for (const c of changes) {
    io.out(`Setting up ${c.pkg} (${c.to}) ...\n`);
    node.packages[c.pkg] = c.to;
    if (c.pkg === 'kubelet') node.kubelet.unitChanged = true;
  }
  return 0;
}

export const aptGet: ShimHandler = (call) => {
  const args = parseArgs(call.argv);
  const op = args.positional[0];
  switch (op) {
    case 'update': return update(call);
    case 'install': return install(call, args);
    case 'upgrade': case 'dist-upgrade': case 'full-upgrade':
      call.io.out('Reading package lists...\nBuilding dependency tree...\nReading state information...\nCalculating upgrade...\n');
      call.io.out(`The following packages have been kept back:\n  ${[...call.node.held].join(' ')}\n0 upgraded, 0 newly installed, 0 to remove and ${call.node.held.size} not upgraded.\n`);
      return 0;
    case undefined:
      call.io.err('E: No operation given (install, update, upgrade, ...). See apt-get(8).\n');
      return 100;
    default:
      call.io.err(`E: Invalid operation ${op}\n`);
      return 100;
  }
};

export const aptMark: ShimHandler = ({ node, argv, io }) => {
  const { positional } = parseArgs(argv);
  const [op, ...names] = positional;
  if (op === 'showhold') {
    for (const p of PACKAGES) if (node.held.has(p)) io.out(`${p}\n`);
    return 0;
  }
  if (op !== 'hold' && op !== 'unhold') {
    io.err(op ? `E: Invalid operation ${op}\n` : 'E: No operation given. See apt-mark(8).\n');
    return 100;
  }
  if (names.length === 0) { io.err('E: No packages found\n'); return 100; }
  for (const n of names) {
    if (!isPackage(n)) { io.err(`E: Unable to locate package ${n}\n`); return 100; }
  }
  for (const n of names as PackageName[]) {
    if (op === 'hold') {
      io.out(node.held.has(n) ? `${n} was already set on hold.\n` : `${n} set on hold.\n`);
      node.held.add(n);
    } else {
      io.out(node.held.has(n) ? `Canceled hold on ${n}.\n` : `${n} was already not on hold.\n`);
      node.held.delete(n);
    }
  }
  return 0;
};

function policy(node: NodeState, p: PackageName, minor: string | undefined): string {
  const offered = minor ? repoVersions(minor) : [];
  let s = `${p}:\n  Installed: ${node.packages[p]}\n  Candidate: ${offered[0] ?? node.packages[p]}\n  Version table:\n`;
  const all = [...new Set([...offered, node.packages[p]])];
  for (const v of all) {
    s += `${v === node.packages[p] ? ' *** ' : '     '}${v} 500\n`;
    if (offered.includes(v)) s += `        500 ${REPO(minor!)}  Packages\n`;
    if (v === node.packages[p]) s += '        100 /var/lib/dpkg/status\n';
  }
  return s;
}

export const aptCache: ShimHandler = ({ node, argv, io }) => {
  const { positional } = parseArgs(argv);
  const [op, ...names] = positional;
  const minor = node.aptIndexMinor;
  if (op === 'madison') {
    for (const n of names) {
      if (!isPackage(n) || !minor) { io.err(`N: Unable to locate package ${n}\n`); continue; }
      for (const v of repoVersions(minor)) io.out(`${n.padStart(10)} | ${v} | ${REPO(minor)}  Packages\n`);
    }
    return 0;
  }
  if (op === 'policy') {
    for (const n of names) if (isPackage(n)) io.out(policy(node, n, minor));
    return 0;
  }
  io.err(op ? `E: Invalid operation ${op}\n` : 'E: No operation given. See apt-cache(8).\n');
  return 100;
};
