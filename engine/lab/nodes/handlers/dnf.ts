// dnf (and yum) and rpm for runbooks written for the RHEL family: the community rpm repository
// of one minor, named by /etc/yum.repos.d/kubernetes.repo, whose `exclude=` line keeps the
// Kubernetes packages out of reach unless --disableexcludes=kubernetes is given.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGES, type PackageName } from '../node-state.js';
import { compareVersions, parseVersion, repoVersions } from '../versions.js';
import type { ShimCall, ShimHandler } from './types.js';

export const RPM_REPO_FILE = 'etc/yum.repos.d/kubernetes.repo';
const RELEASE = '150500.1.1';

/** The repository file as the community instructions write it. */
export function rpmRepoText(minor: string): string {
  return `[kubernetes]
name=Kubernetes
baseurl=https://pkgs.k8s.io/core:/stable:/v${minor}/rpm/
enabled=1
gpgcheck=1
gpgkey=https://pkgs.k8s.io/core:/stable:/v${minor}/rpm/repodata/repomd.xml.key
exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni
`;
}

function repoMinor(call: ShimCall): string | undefined {
  const p = join(call.node.root, RPM_REPO_FILE);
  if (!existsSync(p)) return undefined;
  return /baseurl=\S*\/v(\d+\.\d+)\/rpm\//.exec(readFileSync(p, 'utf8'))?.[1];
}

/** "1.31.4-1.1" (how the node records it) → the rpm's VERSION "1.31.4". */
const upstream = (deb: string): string => deb.replace(/-.*$/, '');

/** `kubeadm-1.31.4`, `kubeadm-1.31.4-150500.1.1` or `kubeadm` → package and wanted version. */
function parseSpec(spec: string): { name: PackageName; version?: string } | undefined {
  for (const p of PACKAGES) {
    if (spec === p) return { name: p };
    if (spec.startsWith(`${p}-`)) return { name: p, version: spec.slice(p.length + 1).replace(/\.x86_64$/, '').replace(`-${RELEASE}`, '') };
  }
  return undefined;
}

function install(call: ShimCall, flags: string[], specs: string[]): number {
  const { node, io } = call;
  const quiet = flags.includes('-q') || flags.includes('--quiet');
  const yes = flags.includes('-y') || flags.includes('--assumeyes');
  const minor = repoMinor(call);
  const excludesOff = flags.some((f) => f === '--disableexcludes=kubernetes' || f === '--disableexcludes=all');
  const changes: Array<{ name: PackageName; from: string; to: string }> = [];
  for (const spec of specs) {
    const s = parseSpec(spec);
    const offered = minor && excludesOff ? repoVersions(minor) : [];
    const pick = s && offered.find((v) => s.version === undefined || upstream(v) === s.version);
    if (!s || !pick) {
      io.err(`No match for argument: ${spec}\nError: Unable to find a match: ${spec}\n`);
      return 1;
    }
    if (pick !== node.packages[s.name]) changes.push({ name: s.name, from: node.packages[s.name], to: pick });
    else if (!quiet) io.out(`Package ${s.name}-${upstream(pick)}-${RELEASE}.x86_64 is already installed.\n`);
  }
  if (changes.length === 0) { if (!quiet) io.out('Dependencies resolved.\nNothing to do.\nComplete!\n'); return 0; }
  if (!yes) { io.out('Is this ok [y/N]: Operation aborted.\n'); return 1; }
  for (const c of changes) {
    node.packages[c.name] = c.to;
    if (c.name === 'kubelet') node.kubelet.unitChanged = true;
  }
  if (!quiet) {
    const verb = (c: (typeof changes)[number]): string => (compareVersions(parseVersion(c.to)!, parseVersion(c.from)!) > 0 ? 'Upgraded' : 'Downgraded');
    io.out('Dependencies resolved.\n');
    for (const c of changes) io.out(`${verb(c)}:\n  ${c.name}-${upstream(c.to)}-${RELEASE}.x86_64\n`);
    io.out('\nComplete!\n');
  }
  return 0;
}

export const dnf: ShimHandler = (call) => {
  const flags = call.argv.filter((a) => a.startsWith('-'));
  const [op, ...rest] = call.argv.filter((a) => !a.startsWith('-'));
  const minor = repoMinor(call);
  switch (op) {
    case 'makecache': case 'check-update':
      if (!flags.includes('-q')) call.io.out(`Kubernetes${minor ? '' : ' (no repository file)'}   12 kB/s | 1.7 kB     00:00\nMetadata cache created.\n`);
      return 0;
    case 'install': case 'upgrade': case 'downgrade':
      return install(call, flags, rest);
    case 'list': {
      // `dnf list --showduplicates kubeadm --disableexcludes=kubernetes`
      const excludesOff = flags.some((f) => f.startsWith('--disableexcludes='));
      for (const n of rest) {
        if (!(PACKAGES as string[]).includes(n) || !minor || !excludesOff) continue;
        for (const v of repoVersions(minor)) call.io.out(`${`${n}.x86_64`.padEnd(24)}${`${upstream(v)}-${RELEASE}`.padEnd(22)}kubernetes\n`);
      }
      return 0;
    }
    default:
      call.io.err(op ? `No such command: ${op}. Please use /usr/bin/dnf --help\n` : 'Error: no command given\n');
      return 1;
  }
};

export const rpm: ShimHandler = ({ node, argv, io }) => {
  if (!argv.includes('-q') && !argv.includes('--query')) { io.err('rpm: the lab answers only rpm -q [--qf FORMAT] PACKAGE…\n'); return 1; }
  const qfAt = argv.findIndex((a) => a === '--qf' || a === '--queryformat');
  const qf = qfAt >= 0 ? argv[qfAt + 1]! : '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n';
  const names = argv.filter((a, i) => !a.startsWith('-') && i !== qfAt + 1);
  let code = 0;
  for (const n of names) {
    if (!(PACKAGES as string[]).includes(n)) { io.out(`package ${n} is not installed\n`); code = 1; continue; }
    const v = upstream(node.packages[n as PackageName]);
    io.out(qf.replace(/%\{NAME\}/g, n).replace(/%\{VERSION\}/g, v).replace(/%\{RELEASE\}/g, RELEASE).replace(/%\{ARCH\}/g, 'x86_64').replace(/\\n/g, '\n'));
  }
  return code;
};
