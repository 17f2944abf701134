// Inventories written in YAML: the native format (schemas/inventory.schema.json) and Ansible's
// YAML form (all/children/hosts/vars), each with positions for every problem.
import type { Problem, SourcePos } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import { isMap } from './context.js';
import { parseDuration } from './duration.js';
import { ansibleSettings, plainSettings, type PosValue } from './inventory-ansible-vars.js';
import { expandHome, InventoryBuilder, type Settings } from './inventory-build.js';
import { schemaProblems, schemaValidator } from './schema.js';
import type { DataPath, YamlSource } from './source.js';
import { didYouMean } from './suggest.js';

const NATIVE_KEYS = new Set(['kube', 'ssh', 'forks', 'become', 'vars', 'hosts', 'groups']);

/** Native when it says so ($schema line) or its top keys are ours; Ansible YAML otherwise. */
export function isNative(src: YamlSource): boolean {
  if (/yaml-language-server:\s*\$schema=.*inventory\.schema\.json/.test(src.text)) return true;
  if (!isMap(src.value)) return true;
  const keys = Object.keys(src.value);
  if ('all' in src.value) return false;
  return keys.every((k) => NATIVE_KEYS.has(k)) && keys.some((k) => k === 'groups' || k === 'kube' || k === 'ssh' || k === 'forks' || k === 'hosts');
}

/** Native settings keys → Settings, under the written names. */
function nativeSettings(src: YamlSource, path: DataPath, m: Record<string, unknown>): Record<string, { value: unknown; key: string; pos: SourcePos }> {
  const out: Record<string, { value: unknown; key: string; pos: SourcePos }> = {};
  const map: Record<string, keyof Settings> = {
    address: 'address', port: 'port', user: 'user', identity_file: 'identityFile', identities_only: 'identitiesOnly',
    proxy_jump: 'proxyJump', known_hosts: 'knownHosts', strict_host_key_checking: 'strictHostKeyChecking',
    connect_timeout: 'connectTimeoutMs', become: 'become', connection: 'connection',
  };
  for (const [k, field] of Object.entries(map)) {
    if (m[k] === undefined) continue;
    let value: unknown = m[k];
    if (field === 'connectTimeoutMs') value = parseDuration(value as string | number);
    if (value === undefined) continue;
    out[field] = { value, key: k, pos: src.pos([...path, k]) };
  }
  return out;
}

export function readNative(src: YamlSource): { inventory?: Inventory; problems: Problem[] } {
  const b = new InventoryBuilder(src.file, 'native');
  const v = schemaValidator('inventory');
  if (!v(src.value)) b.problems.push(...schemaProblems(v.errors, src, [], undefined, ''));
  if (b.problems.length) return { problems: b.problems };
  const top = src.value as Record<string, unknown>;
  if (isMap(top['kube'])) {
    const k = top['kube'];
    if (typeof k['kubeconfig'] === 'string') b.kube.kubeconfig = expandHome(k['kubeconfig']);
    if (typeof k['context'] === 'string') b.kube.context = k['context'];
  }
  if (typeof top['forks'] === 'number') b.forks = top['forks'];
  b.all.vars = isMap(top['vars']) ? top['vars'] : {};
  b.all.settings = plainSettings(nativeSettings(src, ['ssh'], isMap(top['ssh']) ? top['ssh'] : {}));
  if (typeof top['become'] === 'boolean') b.all.settings.become = top['become'];
  const hostsOf = (path: DataPath, hosts: unknown, group: string | undefined) => {
    if (!isMap(hosts)) return;
    for (const [name, h] of Object.entries(hosts)) {
      const m = isMap(h) ? h : {};
      const vars = isMap(m['vars']) ? m['vars'] : {};
      const written = Object.fromEntries(Object.entries(vars).map(([k, val]) => [k, { value: val, key: `vars.${k}`, pos: src.pos([...path, name, 'vars', k]) }]));
      b.host(group, name, src.keyPos([...path, name]), nativeSettings(src, [...path, name], m), written);
    }
  };
  hostsOf(['hosts'], top['hosts'], undefined);
  const groups = isMap(top['groups']) ? top['groups'] : {};
  for (const [name, g] of Object.entries(groups)) {
    const grp = b.group(name, src.keyPos(['groups', name]));
    const gm = isMap(g) ? g : {};
    grp.vars = isMap(gm['vars']) ? gm['vars'] : {};
    grp.settings = plainSettings(nativeSettings(src, ['groups', name, 'ssh'], isMap(gm['ssh']) ? gm['ssh'] : {}));
    if (typeof gm['become'] === 'boolean') grp.settings.become = gm['become'];
    hostsOf(['groups', name, 'hosts'], gm['hosts'], name);
    if (Array.isArray(gm['children'])) gm['children'].forEach((c, i) => b.child(name, String(c), src.pos(['groups', name, 'children', i])));
  }
  b.checkChildrenExist();
  const inventory = b.finish();
  return b.problems.length ? { problems: b.problems } : { inventory, problems: [] };
}

const GROUP_KEYS = ['hosts', 'children', 'vars'];

export function readAnsibleYaml(src: YamlSource): { inventory?: Inventory; problems: Problem[] } {
  const b = new InventoryBuilder(src.file, 'ansible-yaml');
  const problems = b.problems;
  const posVars = (path: DataPath, m: Record<string, unknown>): Record<string, PosValue> =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { value: v, pos: src.pos([...path, k]) }]));
  const visit = (name: string, path: DataPath, g: unknown, depth: number): void => {
    b.group(name, src.keyPos(path));
    if (depth > 50) {
      problems.push({ pos: src.keyPos(path), message: 'groups nested more than 50 deep' });
      return;
    }
    if (g === null || g === undefined) return;
    if (!isMap(g)) {
      problems.push({ pos: src.pos(path), message: `group "${name}" must be a map with hosts:, children: or vars:` });
      return;
    }
    for (const k of Object.keys(g)) {
      if (!GROUP_KEYS.includes(k)) problems.push({ pos: src.keyPos([...path, k]), message: `unknown key "${k}" in group "${name}"${didYouMean(k, GROUP_KEYS) || ' (expected hosts, children or vars)'}` });
    }
    if (g['vars'] !== undefined) {
      if (!isMap(g['vars'])) problems.push({ pos: src.pos([...path, 'vars']), message: `vars of group "${name}" must be a map` });
      else {
        const grp = b.group(name, src.keyPos(path));
        grp.vars = { ...grp.vars, ...g['vars'] };
        grp.settings = { ...grp.settings, ...plainSettings(ansibleSettings(posVars([...path, 'vars'], g['vars']), problems)) };
      }
    }
    if (g['hosts'] !== undefined && g['hosts'] !== null) {
      if (!isMap(g['hosts'])) problems.push({ pos: src.pos([...path, 'hosts']), message: `hosts of group "${name}" must be a map of host names (a list is not Ansible's YAML form)` });
      else {
        for (const [h, hv] of Object.entries(g['hosts'])) {
          const hp = [...path, 'hosts', h];
          if (hv !== null && !isMap(hv)) {
            problems.push({ pos: src.pos(hp), message: `host "${h}" must have a map of variables or nothing` });
            continue;
          }
          const vars = posVars(hp, hv ?? {});
          const written = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, { value: v.value, key: k, pos: v.pos }]));
          b.host(name === 'all' || name === 'ungrouped' ? undefined : name, h, src.keyPos(hp), ansibleSettings(vars, problems), written);
        }
      }
    }
    if (g['children'] !== undefined && g['children'] !== null) {
      if (!isMap(g['children'])) problems.push({ pos: src.pos([...path, 'children']), message: `children of group "${name}" must be a map of groups` });
      else {
        for (const [c, cv] of Object.entries(g['children'])) {
          if (name !== 'all') b.child(name, c, src.keyPos([...path, 'children', c]));
          visit(c, [...path, 'children', c], cv, depth + 1);
        }
      }
    }
  };
  if (!isMap(src.value)) return { problems: [{ pos: src.pos([]), message: 'an inventory is a map of groups' }] };
  for (const [name, g] of Object.entries(src.value)) visit(name, [name], g, 0);
  const inventory = b.finish();
  return problems.length ? { problems } : { inventory, problems: [] };
}
