// Questions to the operator on the terminal: confirm gates (serialised, so two hosts never ask
// at once) and the hidden become password. No terminal and no --yes: a clear error, never a hang.
import pLimit from 'p-limit';
import type { ConfirmRequest } from '../exec/context.js';
import { UsageError } from './errors.js';

export function makeConfirm(yes: boolean, pause?: () => void, resume?: () => void): (r: ConfirmRequest) => Promise<boolean> {
  const one = pLimit(1);
  return (r) => {
    if (yes) return Promise.resolve(true);
    return one(async () => {
      if (!process.stdin.isTTY) {
        throw new Error(`"${r.question}" needs an answer but there is no terminal; re-run with --yes to answer yes to confirm gates`);
      }
      pause?.();
      const { createInterface } = await import('node:readline'); // only when a question is asked
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await new Promise<string>((res) => {
          // Ctrl-C at the prompt: answer no and interrupt the run like Ctrl-C anywhere else.
          rl.on('SIGINT', () => {
            res('');
            process.kill(process.pid, 'SIGINT');
          });
          // The step timed out or the run was interrupted while waiting: stop asking.
          if (r.signal?.aborted) return res('');
          r.signal?.addEventListener('abort', () => res(''), { once: true });
          rl.question(`\n${r.host}: ${r.step}\n${r.question} [y/N] `, res);
        });
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
        resume?.();
      }
    });
  };
}

/** Read a password from the terminal without echo. */
export async function askPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new UsageError('--ask-become-pass needs a terminal; set RUNBOOK_BECOME_PASSWORD instead');
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let pw = '';
      const onData = (ch: string) => {
        for (const c of ch) {
          if (c === '\r' || c === '\n') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            return resolve(pw);
          }
          if (c === '\u0003') {
            stdin.off('data', onData);
            return reject(new Error('interrupted'));
          }
          if (c === '\u007f') pw = pw.slice(0, -1);
          else pw += c;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
