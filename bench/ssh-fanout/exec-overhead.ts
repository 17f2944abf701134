// A development aid: the executor's own cost per host, without SSH. Runs the fan-out's shape (N
// hosts, bench/ssh-fanout/fan-out.yaml, forks 50) through the real executor, console reporter and
// file journal, with an in-memory transport that answers at once (one line of output per command), and
// prints CPU milliseconds per host — what `runbook exec` spends beside the ssh2 work.
// Usage: node dist/bench/ssh-fanout/exec-overhead.js [--hosts 100] [--rounds 5] [--cpu-prof]
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allActions } from '../../engine/actions/registry.js';
import { consoleReporter } from '../../engine/adapters/console-reporter.js';
import { FileJournal } from '../../engine/adapters/file-journal.js';
import { systemClock } from '../../engine/adapters/system-clock.js';
import type { ExecutorPorts } from '../../engine/exec/context.js';
import { execute } from '../../engine/exec/executor.js';
import { loadInputs } from '../../engine/cli/inputs.js';
import { packageRoot } from '../../engine/paths.js';
import type { CommandResult, ExecOptions, Transport, TransportPool } from '../../engine/ports/transport.js';
import * as template from '../../engine/template/index.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const n = Number(opt('--hosts', '100'));
const rounds = Number(opt('--rounds', '5'));

const work = mkdtempSync(join(tmpdir(), 'runbook-exec-overhead-'));
const invFile = join(work, 'inventory.yaml');
writeFileSync(invFile, ['forks: 50', 'groups:', '  fleet:', '    hosts:', ...Array.from({ length: n }, (_, i) => `      h${i}: { address: 127.0.0.1, port: ${2200 + i} }`), ''].join('\n'));
const loaded = await loadInputs({ file: join(packageRoot(), 'bench/ssh-fanout/fan-out.yaml'), inventory: invFile, extra: [] });

/** Answers every command at once, on the next tick, like a very fast host. */
function instantPool(): TransportPool {
  const t = (host: string): Transport => ({
    host,
    exec: (command: string, o: ExecOptions = {}): Promise<CommandResult> =>
      new Promise((resolve) =>
        setImmediate(() => {
          o.onLine?.('stdout', host);
          resolve({ command, exitCode: 0, signal: null, stdout: `${host}\n`, stderr: '', durationMs: 0, timedOut: false, aborted: false });
        }),
      ),
    put: () => Promise.reject(new Error('no put')),
    get: () => Promise.reject(new Error('no get')),
    close: async () => undefined,
    release: async () => undefined,
  });
  const cache = new Map<string, Transport>();
  return { forHost: async (h) => cache.get(h.name) ?? (cache.set(h.name, t(h.name)), cache.get(h.name)!), closeAll: async () => undefined };
}

try {
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const out = createWriteStream('/dev/null') as unknown as NodeJS.WriteStream;
    const con = consoleReporter({ stream: out });
    const journal = FileJournal.create(join(work, 'runs'), { version: 1, runId: `r${r}`, createdAt: '', cwd: work, runbook: 'fan-out.yaml', sources: [], inventory: { file: 'inventory.yaml', sha256: '' }, extraVars: {}, secretVars: [], options: { check: false, tags: [], skipTags: [], yes: true, askBecomePass: false, json: false } });
    const ports: ExecutorPorts = {
      actions: new Map(allActions.map((a) => [a.name, a])), pool: instantPool(), local: () => Promise.reject(new Error('no local')), kube: () => Promise.reject(new Error('no kube')),
      clock: systemClock, templates: template, selectHosts: loaded.selectHosts,
      emit: (e) => { journal.append(e); con(e); }, durable: () => journal.durable(), confirm: async () => true,
    };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await execute(ports, { runId: `r${r}`, runDir: join(work, 'runs', `r${r}`), runbook: loaded.runbook, inventory: loaded.inventory, extraVars: {}, check: false, tags: [], skipTags: [], signal: new AbortController().signal });
    await journal.durable();
    journal.close();
    con.close();
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    per.push(cpuMs);
    if (s.status !== "ok") process.stdout.write(`${s.message}\n`);
    process.stdout.write(`round ${r + 1}: ${s.status} ${s.counts.ok} ok, ${(performance.now() - t0).toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${(cpuMs / n).toFixed(2)} ms/host)\n`);
  }
  const sorted = [...per].sort((a, b) => a - b);
  process.stdout.write(`median ${sorted[sorted.length >> 1]!.toFixed(0)} ms CPU for ${n} hosts × 2 steps (first round includes JIT warm-up)\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
