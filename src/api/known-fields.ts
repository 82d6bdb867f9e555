// The field names of the Kubernetes API types kubesim accepts, so that a field the API server would
// reject ("strict decoding error: unknown field ...", the default of kubectl create/apply since
// Kubernetes 1.27) is reported instead of being silently dropped. Written from the published API
// reference (core/v1, apps/v1, networking.k8s.io/v1, policy/v1, storage.k8s.io/v1,
// scheduling.k8s.io/v1, meta/v1) of current upstream, plus fields of the legacy group/versions
// kubesim still accepts. Deliberately complete rather than strict: every real field is listed,
// including the many kubesim ignores, and a field that was real in an older release (e.g.
// ObjectMeta.clusterName) stays allowed. Values that are free-form maps (labels, annotations,
// data, resource lists, nodeSelector, parameters, ...), every `status` except a Node's, and the
// volume sources kubesim never reads are OPEN: nothing under them is checked.

/** A value whose contents are not checked: a scalar, a free-form map, a list of scalars. */
export const OPEN = null;

/** An object with a fixed set of fields, each with the shape of its value. */
export interface Struct {
  readonly fields: Readonly<Record<string, Shape>>;
}

/** A list whose items are structs. */
export interface ListOf {
  readonly items: Struct;
}

export type Shape = typeof OPEN | Struct | ListOf;

export function isStruct(s: Shape): s is Struct {
  return s !== null && 'fields' in s;
}

export function isList(s: Shape): s is ListOf {
  return s !== null && 'items' in s;
}

/** A struct from space-separated OPEN field names and the fields that have structure. */
function struct(open: string, nested: Record<string, Shape> = {}): Struct {
  const fields: Record<string, Shape> = {};
  for (const name of open.split(/\s+/)) if (name !== '') fields[name] = OPEN;
  return { fields: { ...fields, ...nested } };
}

function list(items: Struct): ListOf {
  return { items };
}

/** A copy of `base` with more fields. */
function extend(base: Struct, open: string, nested: Record<string, Shape> = {}): Struct {
  return { fields: { ...base.fields, ...struct(open, nested).fields } };
}

// ---------------------------------------------------------------- meta/v1

const OBJECT_META = struct(
  // clusterName was removed in 1.25 but still appears in manifests exported from older clusters.
  'name generateName namespace selfLink uid resourceVersion generation creationTimestamp ' +
    'deletionTimestamp deletionGracePeriodSeconds labels annotations finalizers clusterName',
  {
    ownerReferences: list(struct('apiVersion kind name uid controller blockOwnerDeletion')),
    managedFields: list(struct('manager operation apiVersion time fieldsType fieldsV1 subresource')),
  },
);

const LABEL_SELECTOR = struct('matchLabels', {
  matchExpressions: list(struct('key operator values')),
});

// ---------------------------------------------------------------- scheduling constraints

const NODE_SELECTOR_REQUIREMENT = struct('key operator values');
const NODE_SELECTOR_TERM = struct('', {
  matchExpressions: list(NODE_SELECTOR_REQUIREMENT),
  matchFields: list(NODE_SELECTOR_REQUIREMENT),
});
const NODE_SELECTOR = struct('', { nodeSelectorTerms: list(NODE_SELECTOR_TERM) });

const POD_AFFINITY_TERM = struct('namespaces topologyKey matchLabelKeys mismatchLabelKeys', {
  labelSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
});
const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';
const POD_AFFINITY = struct('', {
  [REQUIRED]: list(POD_AFFINITY_TERM),
  [PREFERRED]: list(struct('weight', { podAffinityTerm: POD_AFFINITY_TERM })),
});
const AFFINITY = struct('', {
  nodeAffinity: struct('', {
    [REQUIRED]: NODE_SELECTOR,
    [PREFERRED]: list(struct('weight', { preference: NODE_SELECTOR_TERM })),
  }),
  podAffinity: POD_AFFINITY,
  podAntiAffinity: POD_AFFINITY,
});

const TOLERATION = struct('key operator value effect tolerationSeconds');

const TOPOLOGY_SPREAD_CONSTRAINT = struct(
  'maxSkew topologyKey whenUnsatisfiable minDomains nodeAffinityPolicy nodeTaintsPolicy matchLabelKeys',
  { labelSelector: LABEL_SELECTOR },
);

// ---------------------------------------------------------------- volumes

const KEY_TO_PATH = list(struct('key path mode'));
const OBJECT_FIELD_SELECTOR = struct('apiVersion fieldPath');
const RESOURCE_FIELD_SELECTOR = struct('containerName resource divisor');
const DOWNWARD_API_FILES = list(
  struct('path mode', { fieldRef: OBJECT_FIELD_SELECTOR, resourceFieldRef: RESOURCE_FIELD_SELECTOR }),
);

const PVC_SPEC = struct('accessModes volumeName storageClassName volumeMode volumeAttributesClassName', {
  selector: LABEL_SELECTOR,
  resources: struct('limits requests'),
  dataSource: struct('apiGroup kind name'),
  dataSourceRef: struct('apiGroup kind name namespace'),
});

/** Volume sources kubesim never reads: their keys are checked, their contents are not. */
const OPAQUE_POD_VOLUME_SOURCES =
  'awsElasticBlockStore azureDisk azureFile cephfs cinder fc flexVolume flocker gcePersistentDisk ' +
  'gitRepo glusterfs iscsi photonPersistentDisk portworxVolume quobyte rbd scaleIO storageos vsphereVolume';

const VOLUME = struct(`name ${OPAQUE_POD_VOLUME_SOURCES}`, {
  configMap: struct('name optional defaultMode', { items: KEY_TO_PATH }),
  secret: struct('secretName optional defaultMode', { items: KEY_TO_PATH }),
  persistentVolumeClaim: struct('claimName readOnly'),
  emptyDir: struct('medium sizeLimit'),
  hostPath: struct('path type'),
  nfs: struct('server path readOnly'),
  csi: struct('driver readOnly fsType volumeAttributes nodePublishSecretRef'),
  image: struct('reference pullPolicy'),
  downwardAPI: struct('defaultMode', { items: DOWNWARD_API_FILES }),
  ephemeral: struct('', {
    volumeClaimTemplate: struct('', { metadata: OBJECT_META, spec: PVC_SPEC }),
  }),
  projected: struct('defaultMode', {
    sources: list(
      struct('', {
        configMap: struct('name optional', { items: KEY_TO_PATH }),
        secret: struct('name optional', { items: KEY_TO_PATH }),
        downwardAPI: struct('', { items: DOWNWARD_API_FILES }),
        serviceAccountToken: struct('audience expirationSeconds path'),
        clusterTrustBundle: struct('name signerName optional path', { labelSelector: LABEL_SELECTOR }),
        podCertificate: struct(
          'signerName keyType maxExpirationSeconds credentialBundlePath keyPath certificateChainPath userAnnotations',
        ),
      }),
    ),
  }),
});

// ---------------------------------------------------------------- containers

const HTTP_GET = struct('path port host scheme', { httpHeaders: list(struct('name value')) });
const EXEC = struct('command');
const TCP_SOCKET = struct('port host');

const PROBE = struct(
  'initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold terminationGracePeriodSeconds',
  { exec: EXEC, httpGet: HTTP_GET, tcpSocket: TCP_SOCKET, grpc: struct('port service') },
);

const LIFECYCLE_HANDLER = struct('', {
  exec: EXEC,
  httpGet: HTTP_GET,
  tcpSocket: TCP_SOCKET,
  sleep: struct('seconds'),
});

const SE_LINUX_OPTIONS = struct('user role type level');
const WINDOWS_OPTIONS = struct('gmsaCredentialSpecName gmsaCredentialSpec runAsUserName hostProcess');
const PROFILE = struct('type localhostProfile');

const SECURITY_CONTEXT = struct(
  'privileged runAsUser runAsGroup runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation procMount',
  {
    capabilities: struct('add drop'),
    seLinuxOptions: SE_LINUX_OPTIONS,
    windowsOptions: WINDOWS_OPTIONS,
    seccompProfile: PROFILE,
    appArmorProfile: PROFILE,
  },
);

const POD_SECURITY_CONTEXT = struct(
  'runAsUser runAsGroup runAsNonRoot supplementalGroups supplementalGroupsPolicy fsGroup ' +
    'fsGroupChangePolicy seLinuxChangePolicy',
  {
    seLinuxOptions: SE_LINUX_OPTIONS,
    windowsOptions: WINDOWS_OPTIONS,
    seccompProfile: PROFILE,
    appArmorProfile: PROFILE,
    sysctls: list(struct('name value')),
  },
);

const ENV_VAR = struct('name value', {
  valueFrom: struct('', {
    fieldRef: OBJECT_FIELD_SELECTOR,
    resourceFieldRef: RESOURCE_FIELD_SELECTOR,
    configMapKeyRef: struct('name key optional'),
    secretKeyRef: struct('name key optional'),
    fileKeyRef: struct('volumeName path key optional'),
  }),
});

const ENV_FROM_SOURCE = struct('prefix', {
  configMapRef: struct('name optional'),
  secretRef: struct('name optional'),
});

const RESOURCE_REQUIREMENTS = struct('limits requests', { claims: list(struct('name request')) });

const CONTAINER = struct(
  'name image command args workingDir imagePullPolicy restartPolicy terminationMessagePath ' +
    'terminationMessagePolicy stdin stdinOnce tty',
  {
    ports: list(struct('name hostPort containerPort protocol hostIP')),
    envFrom: list(ENV_FROM_SOURCE),
    env: list(ENV_VAR),
    resources: RESOURCE_REQUIREMENTS,
    resizePolicy: list(struct('resourceName restartPolicy')),
    restartPolicyRules: list(struct('action', { exitCodes: struct('operator values') })),
    volumeMounts: list(
      struct('name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr'),
    ),
    volumeDevices: list(struct('name devicePath')),
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    startupProbe: PROBE,
    lifecycle: struct('stopSignal', { postStart: LIFECYCLE_HANDLER, preStop: LIFECYCLE_HANDLER }),
    securityContext: SECURITY_CONTEXT,
  },
);

const EPHEMERAL_CONTAINER = extend(CONTAINER, 'targetContainerName');

// ---------------------------------------------------------------- pods

const POD_SPEC = struct(
  'restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector ' +
    'serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID ' +
    'hostIPC shareProcessNamespace hostname subdomain schedulerName priorityClassName priority ' +
    'runtimeClassName enableServiceLinks preemptionPolicy overhead setHostnameAsFQDN hostUsers ' +
    // workloadRef: a short-lived alpha field upstream replaced with schedulingGroup; left open.
    'hostnameOverride workloadRef',
  {
    // Containers first: "is a field of ..." hints search in this order.
    containers: list(CONTAINER),
    initContainers: list(CONTAINER),
    ephemeralContainers: list(EPHEMERAL_CONTAINER),
    volumes: list(VOLUME),
    affinity: AFFINITY,
    tolerations: list(TOLERATION),
    topologySpreadConstraints: list(TOPOLOGY_SPREAD_CONSTRAINT),
    securityContext: POD_SECURITY_CONTEXT,
    imagePullSecrets: list(struct('name')),
    hostAliases: list(struct('ip hostnames')),
    dnsConfig: struct('nameservers searches', { options: list(struct('name value')) }),
    readinessGates: list(struct('conditionType')),
    os: struct('name'),
    schedulingGates: list(struct('name')),
    // `source` is the 1.26–1.30 shape of the same reference.
    resourceClaims: list(
      struct('name resourceClaimName resourceClaimTemplateName', {
        source: struct('resourceClaimName resourceClaimTemplateName'),
      }),
    ),
    resources: RESOURCE_REQUIREMENTS,
    schedulingGroup: struct('podGroupName'),
  },
);

const POD_TEMPLATE = struct('', { metadata: OBJECT_META, spec: POD_SPEC });

// ---------------------------------------------------------------- kinds

/** apiVersion, kind, metadata and an open status, plus the kind's own fields. */
function kind(open: string, nested: Record<string, Shape> = {}): Struct {
  return struct(`apiVersion kind status ${open}`, { metadata: OBJECT_META, ...nested });
}

const PVC = kind('', { spec: PVC_SPEC });

const ROLLING_UPDATE = struct('maxUnavailable maxSurge');

const DEPLOYMENT_SPEC = struct(
  'replicas minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds',
  {
    selector: LABEL_SELECTOR,
    template: POD_TEMPLATE,
    strategy: struct('type', { rollingUpdate: ROLLING_UPDATE }),
  },
);

const DAEMON_SET_SPEC = struct('minReadySeconds revisionHistoryLimit', {
  selector: LABEL_SELECTOR,
  template: POD_TEMPLATE,
  updateStrategy: struct('type', { rollingUpdate: ROLLING_UPDATE }),
});

const STATEFUL_SET_SPEC = struct(
  'replicas serviceName podManagementPolicy revisionHistoryLimit minReadySeconds',
  {
    selector: LABEL_SELECTOR,
    template: POD_TEMPLATE,
    volumeClaimTemplates: list(PVC),
    updateStrategy: struct('type', { rollingUpdate: struct('partition maxUnavailable') }),
    persistentVolumeClaimRetentionPolicy: struct('whenDeleted whenScaled'),
    ordinals: struct('start'),
  },
);

const SERVICE_SPEC = struct(
  'selector clusterIP clusterIPs type externalIPs sessionAffinity loadBalancerIP ' +
    'loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort ' +
    'publishNotReadyAddresses ipFamilies ipFamilyPolicy allocateLoadBalancerNodePorts ' +
    'loadBalancerClass internalTrafficPolicy trafficDistribution ' +
    // Alpha fields of 1.16–1.21, since removed; still found in older manifests.
    'topologyKeys ipFamily',
  {
    ports: list(struct('name protocol appProtocol port targetPort nodePort')),
    sessionAffinityConfig: struct('', { clientIP: struct('timeoutSeconds') }),
  },
);

const TYPED_LOCAL_OBJECT_REFERENCE = struct('apiGroup kind name');
const INGRESS_TLS = list(struct('hosts secretName'));

function ingressRules(backend: Struct): ListOf {
  return list(struct('host', { http: struct('', { paths: list(struct('path pathType', { backend })) }) }));
}

// networking.k8s.io/v1. The pre-v1 names (spec.backend, backend.serviceName/servicePort) are
// rejected by validate.ts with a hint on how to rewrite them, so they are not reported here too.
const INGRESS_BACKEND = struct('serviceName servicePort', {
  service: struct('name', { port: struct('name number') }),
  resource: TYPED_LOCAL_OBJECT_REFERENCE,
});
const INGRESS_SPEC = struct('ingressClassName', {
  defaultBackend: INGRESS_BACKEND,
  backend: INGRESS_BACKEND,
  rules: ingressRules(INGRESS_BACKEND),
  tls: INGRESS_TLS,
});

// extensions/v1beta1 and networking.k8s.io/v1beta1.
const LEGACY_INGRESS_BACKEND = struct('serviceName servicePort', { resource: TYPED_LOCAL_OBJECT_REFERENCE });
const LEGACY_INGRESS_SPEC = struct('ingressClassName', {
  backend: LEGACY_INGRESS_BACKEND,
  rules: ingressRules(LEGACY_INGRESS_BACKEND),
  tls: INGRESS_TLS,
});

/** Volume sources of a PersistentVolume; all but local are left open. */
const PV_SOURCES =
  'gcePersistentDisk awsElasticBlockStore hostPath glusterfs nfs rbd iscsi cinder cephfs fc flocker ' +
  'flexVolume azureFile vsphereVolume quobyte azureDisk photonPersistentDisk portworxVolume scaleIO ' +
  'storageos csi';

const PV_SPEC = struct(
  'capacity accessModes persistentVolumeReclaimPolicy storageClassName mountOptions volumeMode ' +
    `volumeAttributesClassName ${PV_SOURCES}`,
  {
    local: struct('path fsType'),
    claimRef: struct('kind namespace name uid apiVersion resourceVersion fieldPath'),
    nodeAffinity: struct('', { required: NODE_SELECTOR }),
  },
);

const NODE_SPEC = struct('podCIDR podCIDRs providerID unschedulable configSource externalID', {
  taints: list(struct('key value effect timeAdded')),
});

// A Node's status is written by hand in kubesim scenarios (allocatable, conditions, images), so its
// top-level keys are checked; only conditions and images are looked into.
const NODE_STATUS = struct(
  'capacity allocatable phase addresses daemonEndpoints nodeInfo volumesInUse volumesAttached ' +
    'config runtimeHandlers features declaredFeatures',
  {
    conditions: list(struct('type status lastHeartbeatTime lastTransitionTime reason message')),
    images: list(struct('names sizeBytes')),
  },
);

const SCHEMAS: Readonly<Record<string, Struct>> = {
  Pod: kind('', { spec: POD_SPEC }),
  Node: kind('', { spec: NODE_SPEC, status: NODE_STATUS }),
  Namespace: kind('', { spec: struct('finalizers') }),
  Service: kind('', { spec: SERVICE_SPEC }),
  ConfigMap: kind('data binaryData immutable'),
  Secret: kind('data stringData type immutable'),
  PersistentVolume: kind('', { spec: PV_SPEC }),
  PersistentVolumeClaim: PVC,
  Deployment: kind('', { spec: DEPLOYMENT_SPEC }),
  ReplicaSet: kind('', {
    spec: struct('replicas minReadySeconds', { selector: LABEL_SELECTOR, template: POD_TEMPLATE }),
  }),
  DaemonSet: kind('', { spec: DAEMON_SET_SPEC }),
  StatefulSet: kind('', { spec: STATEFUL_SET_SPEC }),
  Ingress: kind('', { spec: INGRESS_SPEC }),
  StorageClass: kind(
    'provisioner parameters reclaimPolicy mountOptions allowVolumeExpansion volumeBindingMode',
    { allowedTopologies: list(struct('', { matchLabelExpressions: list(struct('key values')) })) },
  ),
  PodDisruptionBudget: kind('', {
    spec: struct('minAvailable maxUnavailable unhealthyPodEvictionPolicy', { selector: LABEL_SELECTOR }),
  }),
  PriorityClass: kind('value globalDefault description preemptionPolicy'),
  ControllerRevision: kind('data revision'),
};

/** What the pre-GA group/versions had that the canonical ones do not. */
const LEGACY_SCHEMAS: Readonly<Record<string, Struct>> = {
  // DeploymentSpec.rollbackTo (extensions/v1beta1, apps/v1beta1).
  Deployment: kind('', { spec: extend(DEPLOYMENT_SPEC, '', { rollbackTo: struct('revision') }) }),
  // DaemonSetSpec.templateGeneration (extensions/v1beta1, deprecated).
  DaemonSet: kind('', { spec: extend(DAEMON_SET_SPEC, 'templateGeneration') }),
  Ingress: kind('', { spec: LEGACY_INGRESS_SPEC }),
};

/**
 * The fields of a manifest of `kind` (canonical, e.g. StatefulSet for a PetSet), written in a
 * legacy group/version (extensions/v1beta1, apps/v1beta1, ...) or in the canonical one; undefined
 * for kinds kubesim does not model.
 */
export function manifestSchema(kind: string, legacy: boolean): Struct | undefined {
  if (legacy && Object.hasOwn(LEGACY_SCHEMAS, kind)) return LEGACY_SCHEMAS[kind];
  return Object.hasOwn(SCHEMAS, kind) ? SCHEMAS[kind] : undefined;
}

// ---------------------------------------------------------------- suggestions

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length]!;
}

/** The known field `word` most likely misspells (at most a third of its letters off), if any. */
export function closestField(word: string, fields: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const f of fields) {
    const d = distance(word, f);
    if (d < bestDistance) {
      best = f;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The path from `root` to the nearest struct (breadth-first) that has a field `name`; -1 stands
 * for "any item" of a list on the way. Undefined when no struct within reach has it.
 */
export function findField(root: Struct, name: string, maxDepth = 8): (string | number)[] | undefined {
  let level: { s: Struct; path: (string | number)[] }[] = [{ s: root, path: [] }];
  for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const { s, path } of level) {
      if (Object.hasOwn(s.fields, name)) return path;
      for (const [key, shape] of Object.entries(s.fields)) {
        if (isStruct(shape)) next.push({ s: shape, path: [...path, key] });
        else if (isList(shape)) next.push({ s: shape.items, path: [...path, key, -1] });
      }
    }
    level = next;
  }
  return undefined;
}
