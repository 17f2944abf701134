// Secrets never leak: an inventory password variable, a secret -e value, the become password
// (RUNBOOK_BECOME_PASSWORD) and a registered value marked `secret: true` appear in no event, no
// file of the run directory (inputs, journal, report), no console or error output and no
// `runbook status`; the become password is not in any command line the node saw (ps); the run
// directory is 0700 and its files 0600.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { tail } from './engine.js';
import { scenarioSkip, withScenario } from './scenario.js';

const skip = scenarioSkip();
const SECRETS = {
  inventory: 'S3cr3t-inventory-41aa',
  ansibleBecome: 'S3cr3t-ansible-become-77c0',
  extra: 'S3cr3t-extra-9e02',
  become: 'S3cr3t-become-5b1e',
  registered: 'S3cr3t-registered-7d41', // printed by test/fixtures/reliability/secrets.yaml
};

/** Every secret found in text, by source. */
function leaks(text: string): string[] {
  return Object.entries(SECRETS).filter(([, v]) => text.includes(v)).map(([k]) => k);
}

test('secrets from the inventory, -e, the become password and secret steps appear in no output, journal, report or status', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({ topology: { controlPlanes: 1, workers: 0, gpus: 0 } }, async (s) => {
    // The lab's inventory plus two password variables (one named like Ansible's).
    const inv = readFileSync(s.lab.inventory, 'utf8').replace(/^vars:\n/m, `vars:\n  db_password: "${SECRETS.inventory}"\n  ansible_become_password: "${SECRETS.ansibleBecome}"\n`);
    const invFile = join(s.work, 'inventory-with-secrets.yaml');
    writeFileSync(invFile, inv);
    const env = { RUNBOOK_BECOME_PASSWORD: SECRETS.become };
    const r = await s.cli(['exec', join(packageRoot(), 'test/fixtures/reliability/secrets.yaml'), '-i', invFile, '--yes', '--json', '-e', `api_token=${SECRETS.extra}`], { env });
    assert.is(r.code, 1, `the fixture ends with a failing step:\n${tail(r)}`);
    // The steps really ran with the secrets (else this test proves nothing).
    const cmds = s.lab.records().commands.map((c) => c.command).join('\n');
    for (const k of ['inventory', 'extra', 'registered'] as const) assert.ok(cmds.includes(SECRETS[k]), `the ${k} secret reached the node`);
    assert.ok(r.events.some((e) => e.kind === 'step.output' && e.line.includes('‹redacted›')), 'redacted output was produced');

    assert.equal(leaks(r.stdout), [], 'stdout (events) leaks');
    assert.equal(leaks(r.stderr), [], 'stderr (console, errors) leaks');
    const dir = s.runDir();
    for (const f of readdirSync(dir)) {
      assert.equal(leaks(readFileSync(join(dir, f), 'utf8')), [], `${f} leaks`);
      assert.is(statSync(join(dir, f)).mode & 0o777, 0o600, `${f} mode`);
    }
    assert.is(statSync(dir).mode & 0o777, 0o700, 'run directory mode');
    const st = await s.cli(['status', '--json']);
    assert.equal(leaks(st.stdout + st.stderr), [], 'runbook status leaks');

    // ps on the node: the become password went over stdin, never into a command line.
    assert.ok(!cmds.includes(SECRETS.become), 'the become password is in a command line on the node');
  });
});

test.run();
