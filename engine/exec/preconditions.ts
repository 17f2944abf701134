// What the runbook requires of the cluster before anything runs: `requires.cluster_version`, a
// semver range checked against the live API server (exit 3 when it does not hold). Checked on
// resume too — the shipped hops' ranges include their own target, so a half-done hop resumes.
import { RefusedError } from '../model/errors.js';
import type { RunCtx } from './context.js';

/** Longest wait for the API server's version. */
const VERSION_TIMEOUT_MS = 30_000;

export async function checkClusterVersion(run: RunCtx): Promise<void> {
  const range = run.opts.runbook.requires.clusterVersion;
  if (!range) return;
  const { ports } = run;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(run.abort.signal.reason);
  run.abort.signal.addEventListener('abort', onAbort, { once: true });
  const timer = new AbortController();
  ports.clock.sleep(VERSION_TIMEOUT_MS, timer.signal).then(() => ctl.abort(new Error('timeout')), () => {});
  let version: string;
  try {
    version = await (await ports.kube()).serverVersion(ctl.signal);
  } catch (e) {
    if (run.abort.signal.aborted) throw e;
    throw new RefusedError(
      `cannot read the cluster's version to check requires.cluster_version "${range}": ${(e as Error).message}`,
      'check the inventory\'s kube: settings (kubeconfig, context) and that the API server answers',
    );
  } finally {
    timer.abort();
    run.abort.signal.removeEventListener('abort', onAbort);
  }
  if (!ports.templates.evalBool('semver_satisfies(v, range)', { v: version, range })) {
    throw new RefusedError(
      `the cluster runs ${version}; ${run.opts.runbook.file} needs ${range} (requires.cluster_version)`,
      'run the runbook for the next minor version in order (one minor per hop), or check the inventory points at the right cluster',
    );
  }
}
