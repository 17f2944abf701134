// Builds an Inventory from what a reader (native YAML, Ansible YAML, Ansible INI) declared:
// groups, children, hosts with their settings and vars — with positions, so duplicate hosts with
// conflicting settings, child cycles and bad values are reported at FILE:LINE:COL.
import { homedir } from 'node:os';
import type { Problem, SourcePos } from '../model/errors.js';
import type { Group, Host, Inventory, KubeAccess, SshSettings } from '../model/inventory.js';
import { didYouMean } from './suggest.js';

/** Connection settings a host or group may carry (all optional; merged all < groups < host). */
export type Settings = Partial<SshSettings> & {
  become?: boolean;
  connection?: 'ssh' | 'local';
};

/** One value as written: where, and under which key name (for messages). */
interface Written {
  value: unknown;
  key: string;
  pos: SourcePos;
}

interface HostDraft {
  name: string;
  pos: SourcePos;
  settings: Record<string, Written>;
  vars: Record<string, Written>;
}

interface GroupDraft {
  name: string;
  pos: SourcePos;
  hosts: string[];
  children: Array<{ name: string; pos: SourcePos }>;
  vars: Record<string, unknown>;
  settings: Settings;
}

export function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? `${homedir()}${p.slice(1)}` : p;
}

export class InventoryBuilder {
  readonly problems: Problem[] = [];
  private readonly hosts = new Map<string, HostDraft>();
  private readonly groups = new Map<string, GroupDraft>();
  private readonly groupHosts = new WeakMap<GroupDraft, Set<string>>();
  all: { vars: Record<string, unknown>; settings: Settings } = { vars: {}, settings: {} };
  kube: KubeAccess = {};
  forks = 10;

  constructor(
    readonly file: string,
    readonly format: Inventory['format'],
  ) {}

  /** The group of this name, created on first mention. */
  group(name: string, pos: SourcePos): GroupDraft {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, pos, hosts: [], children: [], vars: {}, settings: {} };
      this.groups.set(name, g);
    }
    return g;
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  /**
   * Declare a host (in a group, or ungrouped when group is undefined). Declaring it again is
   * fine (Ansible lists a host in several groups), but not with a different value for a setting or var.
   */
  host(group: string | undefined, name: string, pos: SourcePos, settings: Record<string, Written>, vars: Record<string, Written>): void {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, pos, settings: {}, vars: {} };
      this.hosts.set(name, h);
    }
    for (const [kind, bag] of [['settings', settings], ['vars', vars]] as const) {
      const have = h[kind];
      for (const [k, w] of Object.entries(bag)) {
        const old = have[k];
        if (old && JSON.stringify(old.value) !== JSON.stringify(w.value)) {
          this.problems.push({
            pos: w.pos,
            message: `host "${name}" is defined twice with different ${w.key}: ${JSON.stringify(old.value)} at ${old.pos.file}:${old.pos.line}:${old.pos.col}, ${JSON.stringify(w.value)} here — keep one`,
          });
          continue;
        }
        have[k] = w;
      }
    }
    if (group !== undefined) {
      const g = this.group(group, pos);
      // A Set beside the list: groups of thousands of hosts made this quadratic.
      const seen = (this.groupHosts.get(g) ?? this.groupHosts.set(g, new Set()).get(g))!;
      if (!seen.has(name)) {
        seen.add(name);
        g.hosts.push(name);
      }
    }
  }

  child(parent: string, child: string, pos: SourcePos): void {
    const g = this.group(parent, pos);
    if (!g.children.some((c) => c.name === child)) g.children.push({ name: child, pos });
  }

  /** Children that must already exist (native format): report unknown ones. */
  checkChildrenExist(): void {
    for (const g of this.groups.values()) {
      for (const c of g.children) {
        if (!this.groups.has(c.name)) this.problems.push({ pos: c.pos, message: `group "${g.name}" has unknown child group "${c.name}"${didYouMean(c.name, this.groups.keys())}` });
      }
    }
  }

  finish(): Inventory {
    const groups = this.groups;
    // Depth of each group below `all` (Ansible applies group vars shallow to deep, then by name).
    const depth = new Map<string, number>();
    const parents = new Map<string, string[]>();
    for (const g of groups.values()) for (const c of g.children) parents.set(c.name, [...(parents.get(c.name) ?? []), g.name]);
    const depthOf = (n: string, seen: string[]): number => {
      if (depth.has(n)) return depth.get(n)!;
      if (seen.includes(n)) return 0;
      const ps = parents.get(n) ?? [];
      const d = ps.length ? Math.max(...ps.map((p) => depthOf(p, [...seen, n]))) + 1 : 1;
      depth.set(n, d);
      return d;
    };
    // Members through children, with cycle detection.
    const members = new Map<string, string[]>();
    const reported = new Set<string>();
    const membersOf = (n: string, stack: string[]): string[] => {
      if (members.has(n)) return members.get(n)!;
      if (stack.includes(n)) {
        const cyc = [...stack.slice(stack.indexOf(n)), n].join(' → ');
        if (!reported.has(n)) {
          reported.add(n);
          this.problems.push({ pos: groups.get(n)!.pos, message: `group children form a cycle: ${cyc}` });
        }
        return [];
      }
      const g = groups.get(n);
      if (!g) return [];
      const set = new Set(g.hosts);
      for (const c of g.children) for (const h of membersOf(c.name, [...stack, n])) set.add(h);
      members.set(n, [...set]);
      return members.get(n)!;
    };
    const order = [...this.hosts.keys()];
    const index = new Map(order.map((h, i) => [h, i]));
    const byOrder = (a: string, b: string) => index.get(a)! - index.get(b)!;
    const outGroups: Record<string, Group> = {};
    for (const g of groups.values()) {
      if (g.name === 'all') continue;
      outGroups[g.name] = { name: g.name, hosts: [...membersOf(g.name, [])].sort(byOrder), children: g.children.map((c) => c.name), vars: g.vars };
    }
    const grouped = new Set(Object.values(outGroups).flatMap((g) => g.hosts));
    const allGroup = groups.get('all');
    const allVars = { ...this.all.vars, ...(allGroup?.vars ?? {}) };
    const allSettings = { ...this.all.settings, ...(allGroup?.settings ?? {}) };
    outGroups['all'] = { name: 'all', hosts: order, children: Object.keys(outGroups).filter((n) => !parents.has(n)), vars: allVars };
    outGroups['ungrouped'] = { name: 'ungrouped', hosts: order.filter((h) => !grouped.has(h)), children: [], vars: outGroups['ungrouped']?.vars ?? {} };

    // Each host's groups, in outGroups order (one pass over the memberships, not one per host).
    const groupsOf = new Map<string, Group[]>(order.map((h) => [h, []]));
    for (const g of Object.values(outGroups)) {
      if (g.name === 'all') continue;
      for (const h of new Set(g.hosts)) groupsOf.get(h)?.push(g);
    }
    const groupRank = new Map([...groups.keys()].map((g, i) => [g, i]));
    const rank = (g: string) => groupRank.get(g) ?? -1;
    const hosts: Host[] = order.map((name) => {
      const d = this.hosts.get(name)!;
      const mine = groupsOf.get(name)!;
      mine.sort((a, b) => depthOf(a.name, []) - depthOf(b.name, []) || a.name.localeCompare(b.name));
      const vars: Record<string, unknown> = { ...allVars };
      let settings: Settings = { ...allSettings };
      for (const g of mine) {
        Object.assign(vars, g.vars);
        settings = { ...settings, ...(groups.get(g.name)?.settings ?? {}) };
      }
      for (const [k, w] of Object.entries(d.vars)) vars[k] = w.value;
      for (const [k, w] of Object.entries(d.settings)) (settings as Record<string, unknown>)[k] = w.value;
      return toHost(name, settings, vars, mine.map((g) => g.name).filter((g) => g !== 'ungrouped').sort((a, b) => rank(a) - rank(b)));
    });
    // Ansible inventories have no kube section: take cluster access from `all` vars when given.
    const kube: KubeAccess = { ...this.kube };
    if (this.format !== 'native') {
      if (typeof allVars['kubeconfig'] === 'string') kube.kubeconfig = expandHome(allVars['kubeconfig']);
      if (typeof allVars['kube_context'] === 'string') kube.context = allVars['kube_context'];
    }
    return { file: this.file, format: this.format, hosts, groups: outGroups, vars: allVars, kube, forks: this.forks };
  }
}

function toHost(name: string, s: Settings, vars: Record<string, unknown>, groups: string[]): Host {
  const ssh: SshSettings = { address: s.address ?? name };
  if (s.port !== undefined) ssh.port = s.port;
  if (s.user !== undefined) ssh.user = s.user;
  if (s.identityFile !== undefined) ssh.identityFile = expandHome(s.identityFile);
  if (s.identitiesOnly !== undefined) ssh.identitiesOnly = s.identitiesOnly;
  if (s.proxyJump !== undefined) ssh.proxyJump = s.proxyJump;
  if (s.knownHosts !== undefined) ssh.knownHosts = expandHome(s.knownHosts);
  if (s.strictHostKeyChecking !== undefined) ssh.strictHostKeyChecking = s.strictHostKeyChecking;
  if (s.connectTimeoutMs !== undefined) ssh.connectTimeoutMs = s.connectTimeoutMs;
  const connection = s.connection ?? (name === 'localhost' ? 'local' : 'ssh');
  return { name, connection, ssh, become: s.become ?? false, groups, vars };
}

/** The implicit `localhost` (the operator's machine), for patterns that name it when the inventory does not. */
export function implicitLocalhost(inv: Inventory): Host {
  return { name: 'localhost', connection: 'local', ssh: { address: 'localhost' }, become: false, groups: [], vars: { ...inv.vars } };
}

const byName = new WeakMap<Host[], Map<string, Host>>();

/** The host of this name, including the implicit localhost. */
export function findHost(inv: Inventory, name: string): Host | undefined {
  // Indexed per host list (a plan or a run looks up each of thousands of hosts); rebuilt if the list changed size.
  let index = byName.get(inv.hosts);
  if (!index || index.size !== inv.hosts.length) {
    index = new Map();
    for (const h of inv.hosts) if (!index.has(h.name)) index.set(h.name, h);
    byName.set(inv.hosts, index);
  }
  return index.get(name) ?? (name === 'localhost' ? implicitLocalhost(inv) : undefined);
}
