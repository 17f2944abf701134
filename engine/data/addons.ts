// Addon compatibility: which Kubernetes minors each version of a common addon supports, from the
// addons' own published matrices (source on each addon). Rows marked `checked: true` were read
// from the cited page while writing this file; the others are from the same pages as remembered
// and must be verified before relying on them for a go/no-go (the `addons` action says so).
// Adding an addon version is adding a row.

export interface AddonRow {
  /** First addon version of the row (inclusive), e.g. "1.10.1". */
  since: string;
  /** First addon version after the row (exclusive); unset = up to the next row / no bound. */
  before?: string;
  /** Supported Kubernetes minors, inclusive. max undefined = no known upper bound. */
  k8s: { min: string; max?: string };
  checked: boolean;
}

export interface AddonSpec {
  name: string;
  /** Matches the image repository (without registry host, tag or digest). */
  image: RegExp;
  source: string;
  /** 'matrix': rows below; 'skew': must be within the kubelet skew of the target (kube-proxy). */
  mode: 'matrix' | 'skew';
  rows: AddonRow[];
  note?: string;
}

const r = (since: string, before: string | undefined, min: string, max: string | undefined, checked = false): AddonRow => ({ since, before, k8s: { min, max }, checked });

export const ADDONS: ReadonlyArray<AddonSpec> = [
  {
    name: 'kube-proxy',
    image: /(^|\/)kube-proxy$/,
    source: 'https://kubernetes.io/releases/version-skew-policy/ (kube-proxy: not newer than kube-apiserver, up to 3 minors older)',
    mode: 'skew',
    rows: [],
    note: 'kubeadm upgrade apply replaces kube-proxy with the target version',
  },
  {
    name: 'coredns',
    image: /(^|\/)coredns$/,
    source: 'https://github.com/coredns/deployment/blob/master/kubernetes/CoreDNS-k8s_version.md; CoreDNS < 1.8.4 reads EndpointSlice discovery.k8s.io/v1beta1, removed in Kubernetes 1.25',
    mode: 'matrix',
    rows: [r('1.6.0', '1.8.4', '1.16', '1.24'), r('1.8.4', undefined, '1.20', undefined)],
    note: 'kubeadm upgrade apply also upgrades CoreDNS to the version it ships',
  },
  {
    name: 'calico',
    image: /(^|\/)calico\/(node|cni|kube-controllers|typha)$|(^|\/)tigera\/operator$/,
    source: 'https://docs.tigera.io/calico/<version>/getting-started/kubernetes/requirements',
    mode: 'matrix',
    rows: [
      r('3.25.0', '3.26.0', '1.24', '1.26'),
      r('3.26.0', '3.27.0', '1.24', '1.28'),
      r('3.27.0', '3.28.0', '1.27', '1.29'),
      r('3.28.0', '3.29.0', '1.28', '1.30'),
      r('3.29.0', '3.30.0', '1.29', '1.32', true),
      r('3.30.0', '3.31.0', '1.30', '1.33'),
      r('3.31.0', '3.32.0', '1.31', '1.35', true),
    ],
  },
  {
    name: 'cilium',
    image: /(^|\/)cilium\/(cilium|operator(-generic)?)$/,
    source: 'https://docs.cilium.io/en/v<minor>/network/kubernetes/compatibility/ (e2e-tested versions)',
    mode: 'matrix',
    rows: [
      r('1.14.0', '1.15.0', '1.16', '1.27'),
      r('1.15.0', '1.16.0', '1.26', '1.29', true),
      r('1.16.0', '1.17.0', '1.27', '1.31'),
      r('1.17.0', '1.18.0', '1.29', '1.32'),
      r('1.18.0', '1.19.0', '1.30', '1.33', true),
    ],
  },
  {
    name: 'flannel',
    image: /(^|\/)flannel(io)?\/flannel$|(^|\/)coreos\/flannel$/,
    source: 'https://github.com/flannel-io/flannel (uses only core v1 APIs; no published upper bound)',
    mode: 'matrix',
    rows: [r('0.15.0', undefined, '1.20', undefined)],
  },
  {
    name: 'cert-manager',
    image: /(^|\/)cert-manager-(controller|webhook|cainjector)$/,
    source: 'https://cert-manager.io/docs/releases/ (supported Kubernetes versions per release)',
    mode: 'matrix',
    rows: [
      r('1.12.0', '1.13.0', '1.22', '1.29'),
      r('1.13.0', '1.14.0', '1.21', '1.27'),
      r('1.14.0', '1.15.0', '1.24', '1.31'),
      r('1.15.0', '1.16.0', '1.25', '1.32'),
      r('1.16.0', '1.17.0', '1.25', '1.32'),
      r('1.17.0', '1.18.0', '1.29', '1.33'),
      r('1.18.0', '1.19.0', '1.29', '1.33', true),
      r('1.19.0', '1.20.0', '1.31', '1.35', true),
      r('1.20.0', '1.21.0', '1.32', '1.35', true),
    ],
  },
  {
    name: 'ingress-nginx',
    image: /(^|\/)ingress-nginx\/controller(-chroot)?$/,
    source: 'https://github.com/kubernetes/ingress-nginx#supported-versions-table',
    mode: 'matrix',
    rows: [
      r('1.9.0', '1.9.6', '1.25', '1.28', true),
      r('1.9.6', '1.10.0', '1.25', '1.29', true),
      r('1.10.0', '1.10.1', '1.26', '1.29', true),
      r('1.10.1', '1.12.0', '1.26', '1.30', true),
      r('1.12.0', '1.13.0', '1.28', '1.32'),
      r('1.13.0', '1.14.0', '1.29', '1.33'),
    ],
  },
  {
    name: 'nvidia-gpu-operator',
    image: /(^|\/)nvidia\/gpu-operator$|(^|\/)nvidia\/cloud-native\/gpu-operator$/,
    source: 'https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/<version>/platform-support.html',
    mode: 'matrix',
    rows: [
      r('23.9.0', '24.3.0', '1.21', '1.29'),
      r('24.3.0', '24.9.0', '1.24', '1.30'),
      r('24.9.0', '25.3.0', '1.25', '1.31'),
      r('25.3.0', '25.10.0', '1.29', '1.32'),
      r('25.10.0', undefined, '1.30', '1.34'),
    ],
  },
];

/** "v1.11.3-eksbuild.1" → [1, 11, 3]; undefined when the tag is not a version. */
export function versionTriple(tag: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareVersions(a: string, b: string): number {
  const x = versionTriple(a) ?? [0, 0, 0];
  const y = versionTriple(b) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
