// Kubeconfig loading for the kube adapter: which file (inventory, else KUBECONFIG, else
// ~/.kube/config), which context, and the TLS material and auth headers it asks for. client-node's
// KubeConfig does the parsing and the auth plugins (token, client cert, exec, OIDC).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeAccess } from '../../model/inventory.js';
import { KubeError } from '../../model/errors.js';

export interface LoadedConfig {
  kc: KubeConfig;
  /** The file(s) read, for error messages. */
  source: string;
  context: string;
  server: string;
  userName: string;
  /** TLS settings for the agent, as the kubeconfig says. */
  tls: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized: boolean; servername?: string };
  proxyUrl?: string;
  /** The agent client-node builds for a proxy-url (socks, http(s) proxy); unset without a proxy. */
  proxyAgent?: import('node:http').Agent;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/** Pick the kubeconfig files in kubectl's order of precedence. */
export function kubeconfigFiles(access: KubeAccess, env: NodeJS.ProcessEnv = process.env): string[] {
  if (access.kubeconfig) return [resolve(expandHome(access.kubeconfig))];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean).map((p) => resolve(expandHome(p)));
  return [join(homedir(), '.kube', 'config')];
}

export async function loadKubeConfig(access: KubeAccess, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const files = kubeconfigFiles(access, env);
  const present = files.filter((f) => existsSync(f));
  const source = files.join(delimiter);
  if (present.length === 0) {
    throw new KubeError(undefined, 'NoKubeconfig', `kubeconfig not found: ${source} — set kube.kubeconfig in the inventory, or KUBECONFIG`);
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(present[0]!);
    // KUBECONFIG with several files: merge like kubectl, first file wins the current context.
    for (const f of present.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(f);
      kc.mergeConfig(more, true);
    }
  } catch (e) {
    throw new KubeError(undefined, 'BadKubeconfig', `cannot read kubeconfig ${source}: ${(e as Error).message}`);
  }
  if (access.context) {
    if (!kc.getContextObject(access.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new KubeError(undefined, 'BadKubeconfig', `kubeconfig ${source} has no context "${access.context}" (contexts: ${known})`);
    }
    kc.setCurrentContext(access.context);
  }
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) throw new KubeError(undefined, 'BadKubeconfig', `kubeconfig ${source}: context "${kc.getCurrentContext()}" names no cluster`);
  const opts: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean; servername?: string; agent?: import('node:http').Agent } = {};
  await kc.applyToHTTPSOptions(opts as never);
  return {
    kc,
    source,
    context: kc.getCurrentContext(),
    server: cluster.server.replace(/\/+$/, ''),
    userName: user?.name ?? 'anonymous',
    tls: {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      rejectUnauthorized: !cluster.skipTLSVerify,
      servername: cluster.tlsServerName ?? opts.servername,
    },
    proxyUrl: cluster.proxyUrl,
    proxyAgent: cluster.proxyUrl ? opts.agent : undefined,
  };
}

/** Auth headers (bearer token from the file, exec plugin or OIDC), refreshed each minute. */
export function authHeaderSource(kc: KubeConfig): () => Promise<Record<string, string>> {
  let cached: { at: number; headers: Record<string, string> } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < 60_000) return cached.headers;
    const opts: { headers?: Record<string, string>; auth?: string } = { headers: {} };
    await kc.applyToHTTPSOptions(opts as never);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k] = String(v);
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    cached = { at: Date.now(), headers };
    return headers;
  };
}
