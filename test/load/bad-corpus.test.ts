// The malformed-input corpus: every file under test/fixtures/bad/ (runbooks, inventories, a
// directory, bad bytes, an alias bomb) fails validation with the exact first line recorded in its
// sibling NAME.expect — FILE:LINE:COL: message — and quickly. Plus a 50 MB file made on the fly.
import { mkdtempSync, readdirSync, readFileSync, rmSync, openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packageRoot } from '../../engine/paths.js';
import { loadInventory, loadRunbook } from '../../engine/load/index.js';
import { catalog } from '../fixtures/load/catalog.js';
import { validate } from './validate.js';

process.chdir(packageRoot());
const DIR = 'test/fixtures/bad';
/** Generous bound for one file on a loaded 2-core CI machine; real figures are ~1-30 ms. */
const MAX_MS = 3000;

const cases = readdirSync(DIR)
  .filter((f) => !f.endsWith('.expect') && f !== 'parts')
  .sort();

test('the corpus holds at least 60 malformed files, each with an expectation', () => {
  assert.ok(cases.length >= 60, `only ${cases.length} cases`);
  for (const f of cases) assert.ok(readdirSync(DIR).includes(`${f}.expect`), `${f} has no ${f}.expect`);
});

for (const f of cases) {
  test(`validate ${f} fails at the recorded position`, async () => {
    const expected = readFileSync(join(DIR, `${f}.expect`), 'utf8').split('\n')[0];
    const t0 = Date.now();
    const out = await validate(join(DIR, f));
    const ms = Date.now() - t0;
    assert.ok(out.length > 0, `${f} validated without problems`);
    assert.is(out[0], expected);
    assert.match(out[0]!, /^test\/fixtures\/bad\/[^:]+:\d+:\d+: \S/);
    assert.ok(ms < MAX_MS, `${f} took ${ms} ms`);
  });
}

test('a 50 MB runbook is refused by size before it is read, in bounded time and memory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-big-'));
  try {
    const file = join(dir, 'huge.yaml');
    const fd = openSync(file, 'w');
    const chunk = Buffer.from(`# ${'x'.repeat(1021)}\n`);
    for (let i = 0; i < 50 * 1024; i++) writeSync(fd, chunk);
    closeSync(fd);
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    for (const load of [() => loadRunbook(file, { actions: catalog }), () => loadInventory(file)]) {
      const r = await load();
      assert.is(r.problems.length, 1);
      assert.match(r.problems[0]!.message, /is 50\.0 MiB, over the 4 MiB limit/);
      assert.equal(r.problems[0]!.pos, { file, line: 1, col: 1 });
    }
    assert.ok(Date.now() - t0 < 500, `took ${Date.now() - t0} ms`);
    assert.ok(process.memoryUsage().heapUsed - heap0 < 20 * 1024 * 1024, 'the file was read into memory');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('YAML nested 30000 levels deep is refused without crashing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-deep-'));
  try {
    const file = join(dir, 'deep.yaml');
    writeFileSync(file, `phases: ${'['.repeat(30000)}${']'.repeat(30000)}\n`);
    const t0 = Date.now();
    const r = await loadRunbook(file, { actions: catalog });
    assert.ok(r.problems.length >= 1);
    assert.match(r.problems[0]!.message, /nested too deeply/);
    assert.is(r.problems[0]!.pos.line, 1);
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an alias bomb stops at the alias limit instead of expanding', async () => {
  const t0 = Date.now();
  const r = await loadRunbook(join(DIR, 'alias-bomb.yaml'), { actions: catalog });
  assert.match(r.problems[0]!.message, /aliases/);
  assert.ok(Date.now() - t0 < 1000);
});

test.run();
