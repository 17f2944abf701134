// `runbook actions`: every action with whether it changes anything and its one-line summary.
import { allActions } from '../actions/registry.js';
import { EXIT } from './errors.js';

export async function actionsCommand(): Promise<number> {
  const width = Math.max(...allActions.map((a) => a.name.length));
  for (const a of allActions) {
    const kind = a.changes ? 'changes  ' : 'read-only';
    process.stdout.write(`${a.name.padEnd(width)}  ${kind}  ${a.summary}${a.shorthand ? ` (shorthand: ${a.name}: <${a.shorthand}>)` : ''}\n`);
  }
  return EXIT.ok;
}
