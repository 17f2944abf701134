// What `runbook` loads to start: `validate` neither the SSH client, the Kubernetes client, ajv's
// schema compiler nor the lab; `exec` of a local step no colours, prompt, SSH or Kubernetes client;
// `--version` no dependency at all; and the bundle `npm run build`
// makes (dist/bundle/) prints exactly what the modules print, and runs only while it is fresh.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshBundle } from '../../engine/cli/bundle-check.js';
import { packageRoot } from '../../engine/paths.js';
import { runCli } from './helpers.js';

const root = packageRoot();
const RECORD = join(root, 'test', 'fixtures', 'cli', 'record-loads.mjs');

/** The URLs of every module a run of `runbook ARGS` loaded (and its result). */
async function loads(args: string[], env: Record<string, string> = {}, cwd = root) {
  const r = await runCli(args, cwd, { ...env, NODE_OPTIONS: `--import ${pathToFileURL(RECORD).href}` });
  const urls = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
  return { ...r, urls, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('LOADED ')).join('\n') };
}

const pkg = (urls: string[], name: string) => urls.filter((u) => u.includes(`/node_modules/${name}/`));

for (const mode of ['bundle if fresh', 'modules'] as const) {
  const env: Record<string, string> = mode === 'modules' ? { RUNBOOK_NO_BUNDLE: '1' } : {};
  test(`validate (${mode}) loads no SSH client, no Kubernetes client, no ajv compiler and no lab`, async () => {
    const r = await loads(['validate', 'runbooks/upgrade-1.31.yaml'], env);
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.urls.length > 5, 'the preload recorded nothing');
    const bundled = r.urls.some((u) => u.includes('/dist/bundle/'));
    if (mode === 'modules') assert.not.ok(bundled, 'RUNBOOK_NO_BUNDLE=1 ran the bundle');
    else if (freshBundle(pathToFileURL(join(root, 'dist', 'engine', 'cli', 'main.js')).href)) assert.ok(bundled, 'a fresh bundle was not used');
    else console.log('note: dist/bundle/ is missing or stale (npm run build makes it): the modules ran');
    assert.equal(pkg(r.urls, 'ssh2'), []);
    assert.equal(pkg(r.urls, '@kubernetes/client-node'), []);
    assert.equal(r.urls.filter((u) => u.includes('/dist/engine/lab/')), []);
    // ajv's runtime helpers (used by the generated validators) are fine; its compiler is not.
    assert.equal(pkg(r.urls, 'ajv').filter((u) => !u.includes('/ajv/dist/runtime/')), [], 'ajv compiled a schema at run time (is dist/engine/load/validators.generated.js stale? npm run build)');
  });

  test(`exec of a local step (${mode}) loads no colours off a terminal, no prompt, no SSH client, no Kubernetes client and no lab`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-startup-'));
    try {
      const r = await loads(['exec', join(root, 'bench/startup/one-step.yaml'), '-i', join(root, 'bench/startup/local-inventory.yaml'), '--yes'], env, dir);
      assert.is(r.code, 0, r.stderr);
      assert.match(r.stdout, /Done\. ok=1/);
      // chalk (bundled or not) imports node:tty; the confirm prompt node:readline.
      assert.equal(r.urls.filter((u) => u === 'node:tty' || u === 'node:readline' || u.includes('/node_modules/chalk/')), []);
      assert.equal(pkg(r.urls, 'ssh2'), []);
      assert.equal(pkg(r.urls, '@kubernetes/client-node'), []);
      assert.equal(r.urls.filter((u) => u.includes('/dist/engine/lab/') || /\/lab-[A-Z0-9]+\.js$/.test(u)), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('--version loads no dependency and no runbook loader', async () => {
  const r = await loads(['--version']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /^runbook \d+\.\d+\.\d+\n$/);
  assert.equal(r.urls.filter((u) => u.includes('/node_modules/')), []);
  assert.equal(r.urls.filter((u) => /\/engine\/load\/|\/load-[A-Z0-9]+\.js$/.test(u)), []);
});

test('validate prints the same, byte for byte, through the bundle and through the modules', async () => {
  for (const args of [['validate', 'runbooks/upgrade-1.31.yaml'], ['validate', 'test/fixtures/bad/args-bad-duration.yaml', 'test/fixtures/bad/step-unknown-action.yaml'], ['validate', 'no-such-file.yaml', '-i', 'inventories/example-prod.yaml'], ['--version'], ['validate']]) {
    const a = await runCli(args, root);
    const b = await runCli(args, root, { RUNBOOK_NO_BUNDLE: '1' });
    assert.equal([a.code, a.stdout, a.stderr], [b.code, b.stdout, b.stderr], args.join(' '));
  }
});

test('the bundle runs only while every file it was built from is unchanged (content, not mtime)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bundle-'));
  try {
    const main = pathToFileURL(join(dir, 'dist', 'engine', 'cli', 'main.js')).href;
    const bundle = pathToFileURL(join(dir, 'dist', 'bundle', 'command-line.js')).href;
    mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true });
    const input = join(dir, 'dist', 'input.js');
    const text = 'export const x = 1;\n';
    writeFileSync(input, text);
    const t = 1_700_000_000; // seconds
    utimesSync(input, t, t);
    assert.is(freshBundle(main), undefined, 'no manifest: modules');
    writeFileSync(join(dir, 'dist', 'bundle', 'manifest.json'), JSON.stringify({
      entry: 'dist/bundle/command-line.js',
      inputs: [['dist/input.js', text.length, t * 1000, createHash('sha256').update(text).digest('hex')]],
    }));
    assert.is(freshBundle(main), bundle, 'unchanged: the bundle');
    utimesSync(input, t + 5, t + 5);
    assert.is(freshBundle(main), bundle, 'rewritten with the same bytes (tsc does that): still the bundle');
    writeFileSync(input, text.replace('1', '2'));
    assert.is(freshBundle(main), undefined, 'same size, other bytes: modules');
    writeFileSync(input, text);
    utimesSync(input, t, t);
    assert.is(freshBundle(main.replace(/\.js$/, '.ts')), undefined, 'running from source: modules');
    process.env['RUNBOOK_NO_BUNDLE'] = '1';
    assert.is(freshBundle(main), undefined, 'RUNBOOK_NO_BUNDLE=1: modules');
    delete process.env['RUNBOOK_NO_BUNDLE'];
    rmSync(input);
    assert.is(freshBundle(main), undefined, 'an input gone: modules');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
