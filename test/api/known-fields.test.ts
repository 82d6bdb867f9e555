import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Issue } from '../../src/api/issue.js';
import { closestField, findField, manifestSchema } from '../../src/api/known-fields.js';
import { normalizeManifest } from '../../src/api/manifest.js';
import { validateKnownFields } from '../../src/api/validate.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are deliberately loose, including invalid shapes
type Any = Record<string, any>;

const errors = (issues: Issue[]) => issues.filter((i) => i.severity === 'error');
const unknown = (issues: Issue[]) => issues.filter((i) => i.message.startsWith('unknown field'));

function deployment(container: Any = {}, podSpec: Any = {}, spec: Any = {}, apiVersion = 'apps/v1'): Any {
  return {
    apiVersion,
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ...container }], ...podSpec },
      },
      ...spec,
    },
  };
}

const C = ['spec', 'template', 'spec', 'containers', 0];

describe('unknown fields', () => {
  it('reports podAffinity indented under a container, pointing at the affinity it belongs to', () => {
    const r = normalizeManifest(
      deployment({
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      }),
    );
    expect(r.object).toBeUndefined();
    expect(r.issues).toEqual([
      {
        severity: 'error',
        path: [...C, 'podAffinity'],
        message: 'unknown field "spec.template.spec.containers[0].podAffinity"',
        hint: 'podAffinity is a field of spec.template.spec.affinity; check the indentation',
        key: true,
      },
    ]);
  });

  it('reports a misspelt container field with the field it most likely means', () => {
    const r = normalizeManifest(deployment({ imagePullPolicyy: 'Always' }));
    expect(r.object).toBeUndefined();
    expect(r.issues).toEqual([
      {
        severity: 'error',
        path: [...C, 'imagePullPolicyy'],
        message: 'unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
        hint: 'did you mean "imagePullPolicy"?',
        key: true,
      },
    ]);
  });

  it('says field names are case-sensitive when only the case is wrong', () => {
    const issues = validateKnownFields(deployment({ ImagePullPolicy: 'Always' }), 'Deployment');
    expect(issues[0]!.hint).toBe('did you mean "imagePullPolicy"? field names are case-sensitive');
  });

  it('reports an unknown Deployment spec field and lists the valid ones', () => {
    const r = normalizeManifest(deployment({}, {}, { bogusField: true }));
    expect(r.object).toBeUndefined();
    expect(errors(r.issues)).toEqual([
      expect.objectContaining({
        path: ['spec', 'bogusField'],
        message: 'unknown field "spec.bogusField"',
        hint: expect.stringMatching(/^valid fields here: .*\breplicas\b.*\bstrategy\b/),
      }),
    ]);
  });

  it('points a field at the right level when it belongs to another one', () => {
    const issues = validateKnownFields(
      deployment({}, { imagePullPolicy: 'Always', replicas: 3 }),
      'Deployment',
    );
    expect(issues.map((i) => [i.message, i.hint])).toEqual([
      [
        'unknown field "spec.template.spec.imagePullPolicy"',
        'imagePullPolicy is a field of spec.template.spec.containers[*]; check the indentation',
      ],
      ['unknown field "spec.template.spec.replicas"', 'replicas is a field of spec; check the indentation'],
    ]);
  });

  it('keeps the list index of the item the field belongs to', () => {
    const issues = validateKnownFields(
      deployment({ ports: [{ containerPort: 80 }], readinessProbe: { port: 80, httpGet: { path: '/' } } }),
      'Deployment',
    );
    expect(issues[0]).toMatchObject({
      path: [...C, 'readinessProbe', 'port'],
      hint: 'port is a field of spec.template.spec.containers[0].readinessProbe.httpGet; check the indentation',
    });
  });

  it('reports every unknown field, at any depth, including in lists and at the top level', () => {
    const d = deployment(
      { env: [{ name: 'A', valu: '1' }], volumeMounts: [{ name: 'data', mountpath: '/data' }] },
      {
        volumes: [{ name: 'data', emptyDir: { size: '1Gi' } }],
        tolerations: [{ key: 'k', efect: 'NoSchedule' }],
      },
    );
    d.metadata.lables = { app: 'web' };
    d.replicas = 3;
    expect(validateKnownFields(d, 'Deployment').map((i) => i.message)).toEqual([
      'unknown field "metadata.lables"',
      'unknown field "spec.template.spec.containers[0].env[0].valu"',
      'unknown field "spec.template.spec.containers[0].volumeMounts[0].mountpath"',
      'unknown field "spec.template.spec.volumes[0].emptyDir.size"',
      'unknown field "spec.template.spec.tolerations[0].efect"',
      'unknown field "replicas"',
    ]);
  });

  it('does not look into free-form maps, status or the volume sources kubesim does not read', () => {
    const d = deployment(
      {
        resources: {
          requests: { cpu: '100m', 'example.com/foo': 1 },
          limits: { cpu: 1, 'example.com/foo': 1 },
        },
        volumeMounts: [{ name: 'ebs', mountPath: '/ebs' }],
      },
      {
        nodeSelector: { anything: 'goes' },
        volumes: [{ name: 'ebs', awsElasticBlockStore: { volumeID: 'vol-1', whatever: true } }],
        overhead: { cpu: '10m' },
      },
    );
    d.metadata.labels = { 'x/y': 'z' };
    d.metadata.annotations = { note: 'n' };
    d.metadata.managedFields = [{ manager: 'kubectl', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }];
    d.status = { replicas: 3, anythingAtAll: { nested: true } };
    expect(normalizeManifest(d).issues).toEqual([]);
  });

  it('leaves wrong shapes to validation (a map where a list belongs is not walked)', () => {
    const issues = normalizeManifest(deployment({ env: { name: 'A' } })).issues;
    expect(unknown(issues)).toEqual([]);
  });

  it('reports fields a ConfigMap does not have, such as a spec', () => {
    const r = normalizeManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, spec: {} });
    expect(errors(r.issues)).toEqual([
      expect.objectContaining({ path: ['spec'], message: 'unknown field "spec"' }),
    ]);
  });

  it('checks the top-level keys of a Node status, which scenarios write by hand', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: {
        allocatable: { cpu: '4' },
        alocatable: { cpu: '4' },
        nodeInfo: { kubeletVersion: 'v1.33.0', somethingNew: 'x' },
        conditions: [{ type: 'Ready', status: 'True', reson: 'KubeletReady' }],
      },
    };
    expect(validateKnownFields(node, 'Node').map((i) => [i.message, i.hint])).toEqual([
      ['unknown field "status.alocatable"', 'did you mean "allocatable"?'],
      ['unknown field "status.conditions[0].reson"', 'did you mean "reason"?'],
    ]);
  });

  it('skips kinds kubesim does not model', () => {
    expect(validateKnownFields({ apiVersion: 'x/v1', kind: 'Widget', bogus: 1 }, 'Widget')).toEqual([]);
  });
});

describe('legacy group/versions', () => {
  it('reports an unknown field in an extensions/v1beta1 Deployment, after the version warning', () => {
    const d = deployment({
      imagePullPolicy: 'Always',
      livenessProbe: { httpGet: { path: '/', port: 80, shceme: 'HTTP' } },
    });
    delete d.spec.selector;
    d.apiVersion = 'extensions/v1beta1';
    const r = normalizeManifest(d);
    expect(r.object).toBeUndefined();
    expect(r.issues.map((i) => [i.severity, i.message])).toEqual([
      ['warning', 'extensions/v1beta1 Deployment is served as apps/v1 Deployment'],
      ['error', 'unknown field "spec.template.spec.containers[0].livenessProbe.httpGet.shceme"'],
    ]);
    expect(r.issues[1]!.hint).toBe('did you mean "scheme"?');
  });

  it('allows spec.rollbackTo in a legacy Deployment only', () => {
    const legacy = deployment({}, {}, { rollbackTo: { revision: 2 } }, 'extensions/v1beta1');
    expect(errors(normalizeManifest(legacy).issues)).toEqual([]);
    const current = deployment({}, {}, { rollbackTo: { revision: 2 } });
    expect(errors(normalizeManifest(current).issues)).toEqual([
      expect.objectContaining({ message: 'unknown field "spec.rollbackTo"' }),
    ]);
  });

  it('allows spec.templateGeneration in an extensions/v1beta1 DaemonSet', () => {
    const ds = {
      ...deployment({}, {}, { templateGeneration: 3 }),
      apiVersion: 'extensions/v1beta1',
      kind: 'DaemonSet',
    };
    expect(errors(normalizeManifest(ds).issues)).toEqual([]);
  });

  it('accepts the extensions/v1beta1 Ingress backend shape and rejects the v1 one there', () => {
    const ingress = (backend: Any) => ({
      apiVersion: 'extensions/v1beta1',
      kind: 'Ingress',
      metadata: { name: 'ing' },
      spec: {
        backend,
        rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend }] } }],
      },
    });
    expect(errors(normalizeManifest(ingress({ serviceName: 'web', servicePort: 80 })).issues)).toEqual([]);
    const issues = validateKnownFields(
      ingress({ service: { name: 'web', port: { number: 80 } } }),
      'Ingress',
      true,
    );
    expect(issues.map((i) => i.message)).toEqual([
      'unknown field "spec.backend.service"',
      'unknown field "spec.rules[0].http.paths[0].backend.service"',
    ]);
    expect(issues[0]!.hint).toBe('valid fields here: serviceName, servicePort, resource');
  });

  it('leaves legacy names in a networking.k8s.io/v1 Ingress to the specific validation message', () => {
    const r = normalizeManifest({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'ing' },
      spec: {
        backend: { serviceName: 'web', servicePort: 80 },
        rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { serviceName: 'web' } }] } }],
      },
    });
    expect(errors(r.issues).map((i) => i.message)).toEqual([
      'spec.backend is not part of networking.k8s.io/v1',
      'spec.rules[0].http.paths[0].backend uses serviceName/servicePort, which networking.k8s.io/v1 does not have',
    ]);
  });
});

// Fields most manifests never use, all real (core/v1 up to 1.35): none may be reported.
const RICH = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rich
  namespace: prod
  labels: {app: rich}
  annotations: {deployment.kubernetes.io/revision: "3"}
  generation: 3
  resourceVersion: "12345"
  uid: 0b7c6f5e-0000-4000-8000-000000000001
  creationTimestamp: "2024-01-01T00:00:00Z"
  finalizers: [example.com/cleanup]
  ownerReferences:
    - {apiVersion: example.com/v1, kind: App, name: rich, uid: x, controller: true, blockOwnerDeletion: true}
spec:
  replicas: 2
  minReadySeconds: 5
  revisionHistoryLimit: 3
  progressDeadlineSeconds: 120
  paused: false
  selector:
    matchLabels: {app: rich}
    matchExpressions: [{key: tier, operator: In, values: [web]}]
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata:
      labels: {app: rich, tier: web}
      annotations: {prometheus.io/scrape: "true"}
    spec:
      serviceAccountName: rich
      automountServiceAccountToken: false
      enableServiceLinks: false
      shareProcessNamespace: true
      hostUsers: false
      runtimeClassName: gvisor
      priorityClassName: high
      schedulerName: default-scheduler
      terminationGracePeriodSeconds: 45
      activeDeadlineSeconds: 3600
      dnsPolicy: None
      dnsConfig:
        nameservers: [10.0.0.10]
        searches: [prod.svc.cluster.local]
        options: [{name: ndots, value: "2"}, {name: edns0}]
      hostAliases: [{ip: 10.1.2.3, hostnames: [db.local]}]
      hostname: rich
      subdomain: rich-headless
      setHostnameAsFQDN: false
      imagePullSecrets: [{name: registry}]
      readinessGates: [{conditionType: example.com/ready}]
      os: {name: linux}
      schedulingGates: []
      resourceClaims: [{name: gpu, resourceClaimTemplateName: gpu-template}]
      resources: {limits: {cpu: "4", memory: 4Gi}}
      securityContext:
        runAsUser: 1000
        runAsGroup: 3000
        runAsNonRoot: true
        fsGroup: 2000
        fsGroupChangePolicy: OnRootMismatch
        supplementalGroups: [4000]
        supplementalGroupsPolicy: Merge
        seLinuxChangePolicy: MountOption
        seLinuxOptions: {level: "s0:c123,c456"}
        seccompProfile: {type: RuntimeDefault}
        appArmorProfile: {type: RuntimeDefault}
        sysctls: [{name: net.core.somaxconn, value: "1024"}]
      nodeSelector: {kubernetes.io/os: linux}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [a, b]}]
                matchFields: [{key: metadata.name, operator: NotIn, values: [bad-node]}]
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 10
              preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}
        podAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 50
              podAffinityTerm:
                labelSelector: {matchLabels: {app: cache}}
                namespaceSelector: {}
                namespaces: [prod]
                topologyKey: kubernetes.io/hostname
                matchLabelKeys: [pod-template-hash]
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: rich}}
              topologyKey: kubernetes.io/hostname
              mismatchLabelKeys: [tenant]
      tolerations:
        - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
        - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 60}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          minDomains: 2
          nodeAffinityPolicy: Honor
          nodeTaintsPolicy: Ignore
          matchLabelKeys: [pod-template-hash]
          labelSelector: {matchLabels: {app: rich}}
      initContainers:
        - name: migrate
          image: example.com/migrate:1
          command: [/bin/migrate]
          args: [--up]
          envFrom:
            - {prefix: DB_, configMapRef: {name: db, optional: true}}
            - secretRef: {name: db-creds}
        - name: proxy
          image: example.com/proxy:2
          restartPolicy: Always
          startupProbe: {tcpSocket: {port: 15000}, failureThreshold: 30, periodSeconds: 1}
      containers:
        - name: app
          image: example.com/app:3
          imagePullPolicy: IfNotPresent
          workingDir: /srv
          command: [/app]
          args: [--port=8080]
          stdin: true
          stdinOnce: false
          tty: true
          terminationMessagePath: /dev/termination-log
          terminationMessagePolicy: FallbackToLogsOnError
          ports:
            - {name: http, containerPort: 8080, protocol: TCP}
            - {name: metrics, containerPort: 9090, hostIP: 0.0.0.0}
          env:
            - {name: PLAIN, value: x}
            - name: POD_NAME
              valueFrom: {fieldRef: {apiVersion: v1, fieldPath: metadata.name}}
            - name: MEM_LIMIT
              valueFrom: {resourceFieldRef: {containerName: app, resource: limits.memory, divisor: 1Mi}}
            - name: FROM_CM
              valueFrom: {configMapKeyRef: {name: cfg, key: a, optional: true}}
            - name: FROM_SECRET
              valueFrom: {secretKeyRef: {name: creds, key: password}}
          resources:
            requests: {cpu: 500m, memory: 512Mi, ephemeral-storage: 1Gi}
            limits: {cpu: "1", memory: 1Gi}
            claims: [{name: gpu, request: one}]
          resizePolicy:
            - {resourceName: cpu, restartPolicy: NotRequired}
            - {resourceName: memory, restartPolicy: RestartContainer}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
              scheme: HTTP
              host: localhost
              httpHeaders: [{name: X-Probe, value: "1"}]
            initialDelaySeconds: 10
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 3
            terminationGracePeriodSeconds: 30
          readinessProbe: {grpc: {port: 9090, service: ready}, successThreshold: 2}
          startupProbe: {exec: {command: [cat, /tmp/started]}}
          lifecycle:
            postStart: {exec: {command: [/bin/warm]}}
            preStop: {sleep: {seconds: 5}}
            stopSignal: SIGTERM
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            procMount: Default
            runAsUser: 1000
            capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
            seccompProfile: {type: Localhost, localhostProfile: profiles/app.json}
            seLinuxOptions: {user: u, role: r, type: t, level: l}
          volumeMounts:
            - {name: config, mountPath: /etc/app, readOnly: true, recursiveReadOnly: IfPossible}
            - {name: secrets, mountPath: /etc/secrets, subPath: tls}
            - {name: all-in-one, mountPath: /projected, mountPropagation: None}
            - {name: podinfo, mountPath: /podinfo, subPathExpr: $(POD_NAME)}
            - {name: cache, mountPath: /cache}
            - {name: host, mountPath: /host}
            - {name: scratch, mountPath: /scratch}
            - {name: data, mountPath: /data}
            - {name: shared, mountPath: /shared}
            - {name: models, mountPath: /models}
            - {name: store, mountPath: /store}
            - {name: legacy, mountPath: /legacy}
          volumeDevices: [{name: raw, devicePath: /dev/xvda}]
      volumes:
        - name: config
          configMap: {name: cfg, defaultMode: 0644, optional: false, items: [{key: a, path: a.conf, mode: 0400}]}
        - name: secrets
          secret: {secretName: tls, defaultMode: 0400, items: [{key: tls.crt, path: tls/crt}]}
        - name: all-in-one
          projected:
            defaultMode: 0440
            sources:
              - serviceAccountToken: {audience: vault, expirationSeconds: 3600, path: token}
              - configMap: {name: cfg, items: [{key: a, path: cfg-a}]}
              - secret: {name: tls, optional: true}
              - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
              - clusterTrustBundle: {signerName: example.com/signer, labelSelector: {}, path: ca.pem}
        - name: podinfo
          downwardAPI:
            items:
              - {path: cpu_limit, resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
        - name: cache
          emptyDir: {medium: Memory, sizeLimit: 256Mi}
        - name: host
          hostPath: {path: /var/log, type: Directory}
        - name: scratch
          ephemeral:
            volumeClaimTemplate:
              metadata: {labels: {type: scratch}}
              spec:
                accessModes: [ReadWriteOnce]
                storageClassName: fast
                resources: {requests: {storage: 1Gi}}
        - name: data
          persistentVolumeClaim: {claimName: data, readOnly: false}
        - name: raw
          persistentVolumeClaim: {claimName: raw}
        - name: shared
          nfs: {server: nfs.example.com, path: /exports, readOnly: true}
        - name: models
          image: {reference: example.com/models:1, pullPolicy: IfNotPresent}
        - name: store
          csi: {driver: secrets-store.csi.k8s.io, readOnly: true, volumeAttributes: {secretProviderClass: x}}
        - name: legacy
          gitRepo: {repository: https://example.com/repo.git, revision: main}
`;

// A pod as \`kubectl get pod -o yaml\` prints it after \`kubectl debug\` added an ephemeral container.
const EXPORTED_POD = `
apiVersion: v1
kind: Pod
metadata:
  name: web-7d4b9c-abcde
  generateName: web-7d4b9c-
  namespace: default
  uid: 1b2c3d4e-0000-4000-8000-000000000002
  resourceVersion: "999"
  creationTimestamp: "2024-01-01T00:00:00Z"
  labels: {app: web, pod-template-hash: 7d4b9c}
  ownerReferences:
    - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7d4b9c, uid: abc, controller: true, blockOwnerDeletion: true}
  managedFields:
    - manager: kube-controller-manager
      operation: Update
      apiVersion: v1
      time: "2024-01-01T00:00:00Z"
      fieldsType: FieldsV1
      fieldsV1: {"f:metadata": {"f:labels": {".": {}}}}
    - {manager: kubelet, operation: Update, apiVersion: v1, subresource: status, fieldsType: FieldsV1, fieldsV1: {}}
spec:
  nodeName: node-1
  priority: 0
  preemptionPolicy: PreemptLowerPriority
  serviceAccount: default
  serviceAccountName: default
  containers:
    - name: web
      image: nginx:1.27
      imagePullPolicy: IfNotPresent
      resources: {}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
      volumeMounts:
        - {name: kube-api-access, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
  ephemeralContainers:
    - name: debugger-x7k2p
      image: busybox:1.36
      imagePullPolicy: IfNotPresent
      stdin: true
      tty: true
      targetContainerName: web
      resources: {}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
  restartPolicy: Always
  terminationGracePeriodSeconds: 30
  dnsPolicy: ClusterFirst
  schedulerName: default-scheduler
  securityContext: {}
  enableServiceLinks: true
  tolerations:
    - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  volumes:
    - name: kube-api-access
      projected:
        defaultMode: 420
        sources:
          - serviceAccountToken: {expirationSeconds: 3607, path: token}
          - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
          - downwardAPI:
              items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]
status:
  phase: Running
  qosClass: BestEffort
  hostIP: 10.0.0.1
  podIPs: [{ip: 10.244.0.5}]
  conditions: [{type: Ready, status: "True", lastProbeTime: null, lastTransitionTime: "2024-01-01T00:00:05Z"}]
  containerStatuses: [{name: web, ready: true, restartCount: 0, image: nginx:1.27, started: true, state: {running: {startedAt: "2024-01-01T00:00:04Z"}}}]
`;

const OTHERS = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  podManagementPolicy: Parallel
  minReadySeconds: 10
  revisionHistoryLimit: 5
  ordinals: {start: 1}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0, maxUnavailable: 1}}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: postgres:16.3
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: data, labels: {app: db}}
      spec:
        accessModes: [ReadWriteOncePod]
        storageClassName: fast
        volumeMode: Filesystem
        volumeAttributesClassName: gold
        dataSourceRef: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap}
        resources: {requests: {storage: 10Gi}}
      status: {phase: Pending}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  type: LoadBalancer
  selector: {app: db}
  clusterIP: 10.96.0.20
  clusterIPs: [10.96.0.20]
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  externalIPs: [192.0.2.10]
  externalTrafficPolicy: Local
  internalTrafficPolicy: Cluster
  healthCheckNodePort: 31000
  allocateLoadBalancerNodePorts: true
  loadBalancerClass: example.com/lb
  loadBalancerSourceRanges: [10.0.0.0/8]
  publishNotReadyAddresses: true
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}
  trafficDistribution: PreferClose
  ports:
    - {name: pg, port: 5432, targetPort: 5432, protocol: TCP, appProtocol: postgresql, nodePort: 30432}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-local}
spec:
  capacity: {storage: 100Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  volumeMode: Filesystem
  mountOptions: [noatime]
  local: {path: /mnt/disks/1, fsType: ext4}
  claimRef: {namespace: default, name: data-db-0}
  nodeAffinity:
    required:
      nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [n1]}]}]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
parameters: {type: gp3, iops: "3000"}
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
mountOptions: [debug]
allowedTopologies:
  - matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [a]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  defaultBackend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static}}
  tls: [{hosts: [web.example.com], secretName: web-tls}]
  rules:
    - host: web.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: db}}, unhealthyPodEvictionPolicy: AlwaysAllow}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
globalDefault: false
preemptionPolicy: Never
description: for the important things
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
type: kubernetes.io/basic-auth
immutable: true
stringData: {username: u, password: p}
---
apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
spec:
  podCIDR: 10.244.1.0/24
  podCIDRs: [10.244.1.0/24]
  providerID: aws:///eu-west-1a/i-0123
  taints: [{key: dedicated, value: db, effect: NoSchedule, timeAdded: "2024-01-01T00:00:00Z"}]
status:
  capacity: {cpu: "8", memory: 32Gi, pods: "110"}
  allocatable: {cpu: "7800m", memory: 31Gi, pods: "110"}
  phase: Running
  addresses: [{type: InternalIP, address: 10.0.0.1}]
  daemonEndpoints: {kubeletEndpoint: {Port: 10250}}
  nodeInfo: {kubeletVersion: v1.33.1, architecture: amd64, operatingSystem: linux}
  conditions:
    - {type: Ready, status: "True", reason: KubeletReady, message: ok, lastHeartbeatTime: "2024-01-01T00:00:00Z", lastTransitionTime: "2024-01-01T00:00:00Z"}
  images: [{names: ["postgres:16.3"], sizeBytes: 157286400}]
  volumesInUse: []
  volumesAttached: []
  runtimeHandlers: [{name: runc, features: {recursiveReadOnlyMounts: true}}]
  features: {supplementalGroupsPolicy: true}
  declaredFeatures: []
`;

describe('a manifest using many rarely-used but real fields', () => {
  it.each([
    ['a Deployment', RICH],
    ['an exported Pod with an ephemeral container', EXPORTED_POD],
  ])('%s has no issue at all', (_, text) => {
    expect(normalizeManifest(parse(text)).issues).toEqual([]);
  });

  it('and neither has any kind of object in it', () => {
    const docs = OTHERS.split(/^---$/m).map((d) => parse(d) as Any);
    expect(docs.map((d) => [d.kind, normalizeManifest(d).issues])).toEqual(docs.map((d) => [d.kind, []]));
  });
});

describe('helpers', () => {
  it('suggests a field only when it is a likely typo', () => {
    const fields = ['imagePullPolicy', 'image', 'ports', 'resources'];
    expect(closestField('imagePulPolicy', fields)).toBe('imagePullPolicy');
    expect(closestField('resource', fields)).toBe('resources');
    expect(closestField('podAffinity', fields)).toBeUndefined();
  });

  it('finds where a field lives, nearest first', () => {
    const pod = manifestSchema('Pod', false)!;
    expect(findField(pod, 'podAntiAffinity')).toEqual(['spec', 'affinity']);
    expect(findField(pod, 'imagePullPolicy')).toEqual(['spec', 'containers', -1]);
    expect(findField(pod, 'noSuchField')).toBeUndefined();
  });

  it('knows legacy-only fields for legacy versions only', () => {
    expect(manifestSchema('Deployment', true)!.fields.spec).toMatchObject({
      fields: { rollbackTo: { fields: { revision: null } } },
    });
    expect(manifestSchema('Deployment', false)!.fields.spec).not.toMatchObject({
      fields: { rollbackTo: expect.anything() },
    });
    expect(manifestSchema('Widget', false)).toBeUndefined();
  });
});
