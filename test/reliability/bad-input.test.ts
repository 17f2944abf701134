// Bad input never reaches a host: `runbook exec` of a broken runbook or inventory against a live
// lab ends with exit 2 and FILE:LINE:COL (where a position exists), in bounded time and memory,
// and the lab records no command and no API write — nothing was contacted, no journal written.
// The loader's own corpus (test/fixtures/bad/, checked by `validate` in test/load/) is used here
// read-only, through `exec`, plus a 50 MB file made on the fly and a mistyped -e value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { runEngine, tail } from './engine.js';
import { scenarioSkip, withScenario } from './scenario.js';

const skip = scenarioSkip();
const root = packageRoot();
const UPGRADE = 'runbooks/upgrade-1.31.yaml';
/** Wall time allowed per case on a loaded 2-core machine (the loader itself needs well under 1 s). */
const MAX_MS = 15_000;
/** Heap limit for the CLI: a loader that expands an alias bomb or reads 50 MB would crash (exit ≠ 2). */
const HEAP_MB = 96;
/** Peak resident memory allowed (KiB), measured by /usr/bin/time where present. */
const MAX_RSS_KB = 300 * 1024;
const TIME = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'RUNBOOK_MAXRSS_KB=%M'] : undefined;

type Case = { name: string; args: (inv: string, tmp: string) => string[]; expect?: string; message: RegExp };

const corpus = (name: string, message: RegExp): Case => ({
  name,
  args: (inv) => ['exec', `test/fixtures/bad/${name}`, '-i', inv, '--yes'],
  expect: readFileSync(join(root, `test/fixtures/bad/${name}.expect`), 'utf8').trim(),
  message,
});

const CASES: Case[] = [
  corpus('yaml-unclosed-flow.yaml', /YAML syntax/),
  corpus('undefined-variable.yaml', /undefined variable/),
  corpus('step-unknown-action.yaml', /unknown action/),
  corpus('alias-bomb.yaml', /aliases/),
  corpus('non-utf8.yaml', /not valid UTF-8/),
  corpus('empty.yaml', /empty/),
  corpus('import-cycle.yaml', /cycle/i),
  {
    name: 'an inventory with a YAML syntax error',
    args: () => ['exec', UPGRADE, '-i', 'test/fixtures/bad/inv-yaml-syntax.yaml', '--yes'],
    expect: readFileSync(join(root, 'test/fixtures/bad/inv-yaml-syntax.yaml.expect'), 'utf8').trim(),
    message: /YAML syntax/,
  },
  { name: 'a 50 MB runbook', args: (inv, tmp) => ['exec', join(tmp, 'huge.yaml'), '-i', inv, '--yes'], message: /50\.0 MiB/ },
  { name: 'an -e value of the wrong type', args: (inv) => ['exec', UPGRADE, '-i', inv, '--yes', '-e', 'min_free_mb=lots'], message: /min_free_mb/ },
  { name: 'an -e value outside its pattern', args: (inv) => ['exec', UPGRADE, '-i', inv, '--yes', '-e', 'target_version=1.33.0'], message: /target_version/ },
];

test('bad runbooks, inventories and -e values end with exit 2 before any host is contacted', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({ topology: { controlPlanes: 1, workers: 1, gpus: 0 } }, async (s) => {
    const tmp = mkdtempSync(join(tmpdir(), 'runbook-bad-'));
    try {
      const fd = openSync(join(tmp, 'huge.yaml'), 'w');
      const chunk = Buffer.from(`# ${'x'.repeat(1021)}\n`);
      for (let i = 0; i < 50 * 1024; i++) writeSync(fd, chunk);
      closeSync(fd);
      const runs = join(tmp, 'runs');
      for (const c of CASES) {
        const r = await runEngine(c.args(s.lab.inventory, tmp), {
          cwd: root,
          env: { RUNBOOK_RUNS_DIR: runs },
          timeoutMs: MAX_MS,
          nodeArgs: [`--max-old-space-size=${HEAP_MB}`],
          ...(TIME ? { prefix: TIME } : {}),
        });
        assert.is(r.timedOut, false, `${c.name}: not done in ${MAX_MS} ms`);
        assert.is(r.code, 2, `${c.name}: exit ${r.code}:\n${tail(r)}`);
        assert.match(r.stderr, c.message, `${c.name}:\n${tail(r)}`);
        if (c.expect) assert.ok(r.stderr.includes(c.expect), `${c.name}: expected the line\n  ${c.expect}\n${tail(r)}`);
        const rss = Number(/RUNBOOK_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0);
        if (TIME) assert.ok(rss > 0 && rss < MAX_RSS_KB, `${c.name}: peak memory ${rss} KiB`);
        if (process.env['RUNBOOK_RELIABILITY_VERBOSE']) console.log(`${c.name}: exit 2 in ${r.ms} ms, peak ${Math.round(rss / 1024)} MiB`);
      }
      const rec = s.lab.records();
      assert.equal(rec.commands, [], 'no command may reach a node');
      assert.equal(rec.apiWrites, [], 'no write may reach the API server');
      assert.ok(!existsSync(runs) || readdirSync(runs).length === 0, 'no journal is written for invalid input');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

test.run();
