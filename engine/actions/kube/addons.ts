// `addons`: the images of Deployments, DaemonSets and StatefulSets in kube-system (and named
// namespaces) checked against the addon compatibility data for the target version. Unknown
// addons are reported as unknown, never as fine. Read-only.
import type { KubeObject } from '../../ports/kube.js';
import type { Action, ActionResult } from '../action.js';
import { judgeImage } from './addons-match.js';

export interface AddonsArgs {
  target_version: string;
  /** A list, or a rendered template: "a,b c" or a JSON list. */
  namespaces?: string[] | string;
}

export function namespaceList(v: AddonsArgs['namespaces']): string[] {
  if (v === undefined || v === '') return ['kube-system'];
  if (Array.isArray(v)) return v.length ? v.map(String) : ['kube-system'];
  const s = v.trim();
  if (s.startsWith('[')) return (JSON.parse(s) as unknown[]).map(String);
  return s.split(/[\s,]+/).filter(Boolean);
}

const KINDS = [
  { plural: 'deployments', kind: 'Deployment' },
  { plural: 'daemonsets', kind: 'DaemonSet' },
  { plural: 'statefulsets', kind: 'StatefulSet' },
];

function imagesOf(o: KubeObject): string[] {
  const spec = (o as { spec?: { template?: { spec?: { containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> } } } }).spec?.template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image ?? '').filter(Boolean);
}

export const addons: Action<AddonsArgs> = {
  name: 'addons',
  summary: 'Check addon images (CNI, DNS, kube-proxy, ingress, cert-manager, GPU Operator) against their supported Kubernetes versions',
  changes: false,
  schema: {
    type: 'object',
    required: ['target_version'],
    additionalProperties: false,
    properties: { target_version: { type: 'string', minLength: 1 }, namespaces: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] } },
  },
  describe: (a) => `check addon images in ${namespaceList(a.namespaces).join(', ')} support Kubernetes ${a.target_version}`,
  async run(ctx, a): Promise<ActionResult> {
    const kube = await ctx.kube();
    const namespaces = namespaceList(a.namespaces);
    const images: Array<{ namespace: string; workload: string; image: string } & ReturnType<typeof judgeImage>> = [];
    for (const ns of namespaces) {
      for (const k of KINDS) {
        const objs = await kube.listResource({ group: 'apps', version: 'v1', plural: k.plural, namespace: ns }, ctx.signal);
        for (const o of objs) {
          for (const image of new Set(imagesOf(o))) {
            images.push({ namespace: ns, workload: `${k.kind}/${o.metadata?.name ?? '?'}`, image, ...judgeImage(image, a.target_version) });
          }
        }
      }
    }
    const unsupported = images.filter((i) => i.status === 'unsupported');
    const unknown = images.filter((i) => i.status === 'unknown' || i.status === 'unknown-version');
    const unverified = images.filter((i) => i.unverified && i.status !== 'unknown');
    const data = {
      target_version: a.target_version,
      images: images.map((i) => ({ namespace: i.namespace, workload: i.workload, image: i.image, addon: i.addon, version: i.version, status: i.status, supported: i.supported, unverified: i.unverified, source: i.source })),
      unsupported: unsupported.map((i) => `${i.namespace}/${i.workload}`),
      unknown: unknown.map((i) => i.image),
    };
    const tail = [
      unknown.length ? `unknown (check by hand): ${unknown.map((i) => `${i.namespace}/${i.workload} ${i.image}`).join(', ')}` : '',
      unverified.length ? `matrix rows not verified at the source for: ${[...new Set(unverified.map((i) => `${i.addon} ${i.version}`))].join(', ')}` : '',
    ].filter(Boolean).join('; ');
    if (unsupported.length > 0) {
      const list = unsupported.map((i) => `${i.addon} ${i.version} (${i.namespace}/${i.workload}) supports Kubernetes ${i.supported}`);
      return { status: 'failed', message: `${unsupported.length} addon${unsupported.length === 1 ? '' : 's'} do not support ${a.target_version}: ${list.join('; ')}. Upgrade them first.${tail ? ` Also ${tail}.` : ''}`, data };
    }
    const known = images.length - unknown.length;
    return { status: 'ok', message: `${known} addon images support ${a.target_version}${tail ? `; ${tail}` : ''}`, data };
  },
};
