// The shipped runbooks: generated files up to date, every file loads and validates with zero
// problems against the example inventories, and the plan of a hop keeps kubeadm's order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { packageRoot } from '../../engine/paths.js';
import { loadRunbook } from '../../engine/load/index.js';
import { actionCatalog } from '../../engine/actions/registry.js';
import { formatProblem } from '../../engine/model/errors.js';
import { runCli, inventoryLoaderMissing } from './cli.js';

const root = packageRoot();
const rb = join(root, 'runbooks');

/** Every YAML file under runbooks/ except the language examples (another area). */
function runbookFiles(dir = rb): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== join(rb, 'examples')) out.push(...runbookFiles(p));
    } else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}
/** Files that are runbooks of their own (entry points and importable pieces), not step libraries. */
const entryAndPieces = (): string[] => runbookFiles().filter((f) => 'runbook' in (parse(readFileSync(f, 'utf8')) as object));
const entries = (): string[] => runbookFiles().filter((f) => relative(rb, f).indexOf('/') < 0);

test('the generated runbooks match lib/ and the release data (node runbooks/generate.mjs)', async () => {
  const gen = (await import(pathToFileURL(join(rb, 'generate.mjs')).href)) as { outputs(): Map<string, string> };
  const files = gen.outputs();
  assert.ok(files.size >= 8);
  for (const [rel, text] of files) assert.ok(readFileSync(join(rb, rel), 'utf8') === text, `runbooks/${rel} is stale: run node runbooks/generate.mjs`);
});

test('one hop per minor from 1.29 to 1.33, each differing only in its version lines', () => {
  const names = entries().map((f) => relative(rb, f));
  for (const m of ['1.29', '1.30', '1.31', '1.32', '1.33']) assert.ok(names.includes(`upgrade-${m}.yaml`), m);
  const a = readFileSync(join(rb, 'upgrade-1.30.yaml'), 'utf8').split('\n');
  const b = readFileSync(join(rb, 'upgrade-1.31.yaml'), 'utf8').split('\n');
  assert.is(a.length, b.length);
  const differing = a.filter((l, i) => l !== b[i]);
  assert.ok(differing.length <= 12, `${differing.length} lines differ:\n${differing.join('\n')}`);
});

test('every runbook and piece in runbooks/ loads with zero problems', async () => {
  for (const f of entryAndPieces()) {
    const r = await loadRunbook(f, { actions: actionCatalog });
    assert.equal(r.problems.map(formatProblem), [], relative(root, f));
  }
});

test('the etcd snapshot uses kubeadm\'s PKI flags and the hop keeps kubeadm\'s order', async () => {
  const r = await loadRunbook(join(rb, 'upgrade-1.31.yaml'), { actions: actionCatalog });
  const names = r.runbook!.phases.map((p) => p.name);
  const at = (n: string) => names.indexOf(n);
  for (const n of ['Pre-flight: cluster', 'Back up etcd', 'Upgrade the control plane', 'Upgrade the workers', 'Upgrade the GPU nodes', 'Validate: nodes']) assert.ok(at(n) >= 0, n);
  assert.ok(at('Pre-flight: cluster') < at('Back up etcd'));
  assert.ok(at('Back up etcd') < at('Upgrade the control plane'));
  assert.ok(at('Upgrade the control plane') < at('Upgrade the workers'));
  assert.ok(at('Upgrade the workers') < at('Upgrade the GPU nodes'));
  assert.ok(at('Upgrade the GPU nodes') < at('Validate: nodes'));
  const etcd = readFileSync(join(rb, 'lib/etcd-backup.yaml'), 'utf8');
  assert.match(etcd, 'etcdctl --cacert {{pki}}/ca.crt --cert {{pki}}/server.crt --key {{pki}}/server.key --endpoints {{etcd_endpoint}} snapshot save');
});

test('both example inventories validate every runbook with exit 0', () => {
  const why = inventoryLoaderMissing();
  if (why) return void console.log(`SKIP: ${why}`);
  for (const inv of ['inventories/example-prod.yaml', 'inventories/example-ansible.ini']) {
    const files = entries().map((f) => relative(root, f)).filter((f) => f !== 'runbooks/upgrade.yaml');
    const r = runCli(['validate', ...files, '-i', inv]);
    assert.is(r.code, 0, `validate -i ${inv}:\n${r.stdout}\n${r.stderr}`);
    // The multi-hop entry needs its two versions.
    const m = runCli(['validate', 'runbooks/upgrade.yaml', '-i', inv, '-e', 'from_version=1.28.15', '-e', 'target_version=1.32.4']);
    assert.is(m.code, 0, `validate upgrade.yaml -i ${inv}:\n${m.stdout}\n${m.stderr}`);
  }
});

test.run();
