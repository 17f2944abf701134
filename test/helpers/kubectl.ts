// Finds the versioned real kubectl clients (kubectl.1.27 … kubectl.1.33) that the machines ship
// beside the real file behind the `kubectl` on PATH, and runs one with a kubeconfig and its own
// discovery cache. Returns undefined when absent, so tests can print `SKIP: …`.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** The directory of the real kubectl (`dirname "$(readlink -f "$(command -v kubectl)")"`). */
export function kubectlDir(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return dirname(realpathSync(candidate));
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Path of `kubectl.<minor>` (e.g. "1.33"), or undefined when this machine does not have it. */
export function findKubectl(minor: string): string | undefined {
  const dir = kubectlDir();
  if (!dir) return undefined;
  const p = join(dir, `kubectl.${minor}`);
  return existsSync(p) ? p : undefined;
}

export interface KubectlResult { code: number | null; stdout: string; stderr: string }

/** Run kubectl with --kubeconfig and --cache-dir; never throws for a non-zero exit; bounded by timeoutMs. */
export function runKubectl(bin: string, kubeconfig: string, cacheDir: string, args: string[], timeoutMs = 60_000): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(bin, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
