// The `runbook` command's composition root: argv → command, errors → exit code. Started by
// main.ts (as modules, or bundled into dist/bundle/). The only place that calls process.exit.
// Commands load lazily so `runbook --version` stays fast and `validate` loads no SSH or Kubernetes client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { reportError, EXIT, UsageError } from './errors.js';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./cmd-validate.js')).validateCommand,
  plan: async () => (await import('./cmd-plan.js')).planCommand,
  exec: async () => (await import('./cmd-exec.js')).execCommand,
  resume: async () => (await import('./cmd-resume.js')).resumeCommand,
  status: async () => (await import('./cmd-status.js')).statusCommand,
  actions: async () => (await import('./cmd-actions.js')).actionsCommand,
  lab: async () => (await import('../lab/cli.js')).labCommand,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    process.stdout.write(`runbook ${pkg.version}\n`);
    return EXIT.ok;
  }
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const { USAGE } = await import('./args.js');
    (cmd === undefined ? process.stderr : process.stdout).write(USAGE);
    return cmd === undefined ? EXIT.invalid : EXIT.ok;
  }
  const load = COMMANDS[cmd];
  if (!load) throw new UsageError(`unknown command "${cmd}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  const run = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    const { USAGE } = await import('./args.js');
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  return run(rest);
}

// `runbook plan … | head`: the reader went away. Never crash on it, and never exit early either —
// an exec piped into a pager that quits must still finish (or stop) its step cleanly and keep
// its journal right; the output is simply lost.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

// Signals: a command that handles them (a run stops its step first) registers its own listener;
// without one, or on the second signal, exit now.
let signals = 0;
const onSignal = (sig: NodeJS.Signals) => {
  signals++;
  if (signals > 1 || process.listenerCount(sig) <= 1) {
    if (signals > 1) process.stderr.write(`\nrunbook: second ${sig}: exiting now; the journal shows the step in flight (resume will ask).\n`);
    process.exit(EXIT.interrupted);
  }
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (e) {
  code = reportError(e, (s) => process.stderr.write(s));
}
// process.exit does not wait for a pipe to drain: `runbook plan --json | jq` lost the tail of a
// large plan. An empty write's callback runs after everything written before it.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((res) => s.write('', () => res()))));
process.exit(code);
