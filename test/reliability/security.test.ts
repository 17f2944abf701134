// Security on the lab: a template value that reaches a shell is one literal word everywhere
// (commands on nodes through sudo, file paths, guards, copy destinations, registered output,
// the operator's machine, and the shipped upgrade's own parameters); a changed host key stops
// the run before any command reaches that node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../engine/model/events.js';
import { packageRoot } from '../../engine/paths.js';
import { tail } from './engine.js';
import { scenarioSkip, withScenario } from './scenario.js';

const skip = scenarioSkip();
const fixture = (name: string) => join(packageRoot(), 'test/fixtures/reliability', name);
const SMALL = { topology: { controlPlanes: 1, workers: 0, gpus: 0 } };

/** A value that runs `touch MARKER-n` in six ways if any shell ever reads it as code. */
function hostile(marker: string): string {
  return `x'"; touch ${marker}-1; $(touch ${marker}-2) \`touch ${marker}-3\` | touch ${marker}-4 && touch ${marker}-5 #\ntouch ${marker}-6`;
}

const outputs = (events: RunEvent[], step: RegExp): string[] =>
  events.flatMap((e) => (e.kind === 'step.output' && e.stream === 'stdout' && step.test(e.stepName) ? [e.line] : []));

test('a hostile value from -e or the inventory reaches every shell as one literal word (node, sudo, paths, guards, copy, register, localhost)', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario(SMALL, async (s) => {
    const marker = join(s.work, 'pwned');
    const payload = hostile(marker);
    writeFileSync(join(s.work, 'src.txt'), 'copied\n');
    // The same value as an inventory variable (a JSON string is a valid YAML scalar).
    const inv = join(s.work, 'inventory.yaml');
    writeFileSync(inv, readFileSync(s.lab.inventory, 'utf8').replace(/^vars:\n/m, `vars:\n  inventory_payload: ${JSON.stringify(payload)}\n`));
    const r = await s.cli(['exec', fixture('inject.yaml'), '-i', inv, '--yes', '--json', '-e', `payload=${payload}`, '-e', `scratch=${s.work}`]);
    assert.is(r.code, 0, tail(r));
    assert.equal(readdirSync(s.work).filter((f) => f.startsWith('pwned')), [], 'a marker file means the value ran as code');
    const lines = payload.split('\n');
    for (const step of [/^Echo the value$/, /^Use the registered value/, /^Echo an inventory variable/, /^Echo the value locally/]) assert.equal(outputs(r.events, step), lines, `${step} must print the value unchanged`);
    // The node got the value inside its command line (quoted), so this test exercised the node path.
    assert.ok(s.lab.records().commands.some((c) => c.command.includes('touch') && c.command.includes('pwned-6')), 'the value reached the node');
  });
});

test('hostile values in the shipped upgrade\'s parameters stay literal (exec --check against the lab)', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  // The default scenario topology: the pre-flight PDB check needs workers for the web pods.
  await withScenario({}, async (s) => {
    const marker = join(s.work, 'pwned');
    const r = await s.exec(['--check', '-e', `snapshot_dir=/var/lib/etcd-backup${hostile(`${marker}-snap`)}`, '-e', `etcd_endpoint=https://127.0.0.1:2379${hostile(`${marker}-ep`)}`], { timeoutMs: 120_000 });
    assert.is(r.timedOut, false, tail(r));
    // The check run goes as far as it can (the snapshot it did not take cannot be verified).
    assert.ok(r.events.some((e) => e.kind === 'step.start' && /Check free disk for the snapshot/.test(e.stepName)), `the hostile snapshot_dir must reach a real command:\n${tail(r)}`);
    assert.ok(s.lab.records().commands.some((c) => c.command.includes(`${marker}-snap-6`)), 'the hostile snapshot_dir reached a node');
    assert.equal(readdirSync(s.work).filter((f) => f.startsWith('pwned')), [], 'a marker file means a parameter ran as code');
  });
});

test('a changed host key stops the run before any command reaches that node', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({ topology: { controlPlanes: 2, workers: 0, gpus: 0 } }, async (s) => {
    // The operator's known_hosts now holds cp-2's key for cp-1: as if cp-1 had been replaced.
    const lines = readFileSync(s.lab.knownHosts, 'utf8').trim().split('\n');
    const key = (name: string) => lines.find((l) => l.endsWith(` ${name}`))!.split(' ').slice(1, 3).join(' ');
    const changed = lines.map((l) => (l.endsWith(' cp-1') ? `${l.split(' ')[0]} ${key('cp-2')} cp-1` : l)).join('\n') + '\n';
    assert.is.not(key('cp-1'), key('cp-2'));
    writeFileSync(s.lab.knownHosts, changed);
    const r = await s.cli(['exec', fixture('touch-nodes.yaml'), '-i', s.lab.inventory, '--yes']);
    assert.ok(r.code === 1 || r.code === 3, `expected a failed or refused run, got ${r.code}:\n${tail(r)}`);
    if (process.env['RUNBOOK_RELIABILITY_VERBOSE']) console.log(r.stdout.slice(-1200), r.stderr.slice(-1200));
    assert.match(`${r.stdout}${r.stderr}`, /host key/i, tail(r));
    assert.match(`${r.stdout}${r.stderr}`, /cp-1/, tail(r));
    assert.equal(s.lab.records().commands.filter((c) => c.node === 'cp-1'), [], 'no command may reach cp-1');
  });
});

test.run();
