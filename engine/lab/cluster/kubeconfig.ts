// The kubeconfig a lab hands out: the lab's CA inline and a bearer token.
import YAML from 'yaml';

export interface ListenInfo { url: string; port: number; caPem: string; token: string }

export function kubeconfigText(info: ListenInfo, name = 'runbook-lab'): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: info.url, 'certificate-authority-data': Buffer.from(info.caPem).toString('base64') } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
    users: [{ name: `${name}-admin`, user: { token: info.token } }],
  });
}
