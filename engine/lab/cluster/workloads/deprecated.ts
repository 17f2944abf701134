// Objects a deprecated-API scan must find (workload set 'deprecated-apis'): a Helm 3 release
// Secret whose manifest uses removed apiVersions, and an object whose last-applied-configuration
// annotation was written with a removed apiVersion.
import { gzipSync } from 'node:zlib';
import type { KObject } from '../types.js';

const MANIFEST = `---
# Source: legacy-app/templates/pdb.yaml
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: legacy-app
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: legacy-app
---
# Source: legacy-app/templates/cronjob.yaml
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: legacy-app-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: busybox:1.36
`;

export function deprecatedApiObjects(): Array<[string, KObject]> {
  const release = { name: 'legacy-app', namespace: 'legacy', version: 1, info: { status: 'deployed', description: 'Install complete' }, chart: { metadata: { name: 'legacy-app', version: '0.3.0' } }, manifest: MANIFEST };
  // Helm stores base64(gzip(json)) in the release field; the Secret's data adds its own base64.
  const helmPayload = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  const secret: KObject = {
    apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
    metadata: { name: 'sh.helm.release.v1.legacy-app.v1', namespace: 'legacy', labels: { owner: 'helm', name: 'legacy-app', status: 'deployed', version: '1' } },
    data: { release: Buffer.from(helmPayload).toString('base64') },
  };
  const lastApplied = { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'legacy-budget', namespace: 'legacy' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'legacy-none' } } } };
  const legacyPdb: KObject = {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
    metadata: { name: 'legacy-budget', namespace: 'legacy', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(lastApplied)}\n` } },
    spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'legacy-none' } } },
  };
  return [['secrets', secret], ['poddisruptionbudgets', legacyPdb]];
}
