// kubesim.io/ annotations on a StorageClass are checked at load like those on pods.

import { expect, test } from 'vitest';
import { checkScenario } from '../../src/scenario/load.js';

test('a malformed kubesim.io/provisioning-delay on a StorageClass is a load error at its value', () => {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: sc}
spec:
  duration: 1m
  objects:
    - apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: fast
        annotations: {kubesim.io/provisioning-delay: soon}
      provisioner: ebs.csi.aws.com
`;
  const { diagnostics } = checkScenario(text, 'sc.yaml');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ file: 'sc.yaml', line: 11 });
  expect(errors[0]!.message).toContain('kubesim.io/provisioning-delay');
});
