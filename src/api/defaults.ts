// API-server defaulting, per source apiVersion, as upstream `pkg/apis/<group>/<version>/defaults.go`
// does it (checked against kubernetes/kubernetes; see comments at each kind). The version a
// manifest was written in matters: an extensions/v1beta1 Deployment really did get maxSurge 1 and a
// selector copied from its template, and kubesim keeps those values after storing it as apps/v1.
//
// Defaulting never throws on malformed input: a field of the wrong shape is left alone for
// validate.ts to report. It never mutates its input either.

import { error, type Issue, warning } from './issue.js';
import { KINDS, kindInfo } from './kinds.js';
import type { KubeObject, Pod, PodSpec } from './types.js';

export const MAX_INT32 = 2_147_483_647;

/**
 * policy/v1beta1 read an empty PDB selector as "no pods", policy/v1 reads it as "all pods". The API
 * server keeps the old meaning by storing this never-present label as an Exists requirement
 * (upstream `pkg/apis/policy/helper.go`, NonV1beta1MatchNoneSelector); kubesim does the same.
 */
export const PDB_V1BETA1_SELECTOR_KEY = 'pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match';

export interface DefaultResult {
  object: KubeObject;
  issues: Issue[];
}

type Obj = Record<string, unknown>;

function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The child record at key, created when absent; undefined when something else is there. */
function child(parent: Obj, key: string): Obj | undefined {
  const v = parent[key];
  if (v === undefined) {
    const created: Obj = {};
    parent[key] = created;
    return created;
  }
  return isRecord(v) ? v : undefined;
}

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined) o[key] = value;
}

/** Go's zero value counts as "unset" for non-pointer fields (strings, ints): '' and 0 are defaulted. */
function setIfZero(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === '' || o[key] === 0) o[key] = value;
}

function records(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** JSON null decodes to "unset" in the API server, so `selector:` with no value is no selector. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isRecord(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
  return out;
}

// ---------------------------------------------------------------- pods

/** Splits "registry:5000/app:1.2@sha256:..." into its tag and digest (either may be absent). */
export function parseImageReference(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  const out: { tag?: string; digest?: string } = {};
  if (tag !== undefined) out.tag = tag;
  if (at >= 0) out.digest = image.slice(at + 1);
  return out;
}

/** core/v1 SetDefaults_Container: Always for ":latest" or no tag and no digest, else IfNotPresent. */
export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const { tag, digest } = parseImageReference(image);
  return tag === 'latest' || (tag === undefined && digest === undefined && image !== '')
    ? 'Always'
    : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  if (!isRecord(p)) return;
  // core/v1 SetDefaults_Probe
  setIfZero(p, 'timeoutSeconds', 1);
  setIfZero(p, 'periodSeconds', 10);
  setIfZero(p, 'successThreshold', 1);
  setIfZero(p, 'failureThreshold', 3);
}

function defaultContainer(c: Obj): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') {
    c.imagePullPolicy = defaultImagePullPolicy(typeof c.image === 'string' ? c.image : '');
  }
  for (const port of records(c.ports)) setIfZero(port, 'protocol', 'TCP');
  defaultProbe(c.readinessProbe);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.startupProbe);
}

// Volume sources kubesim does not look at are kept; only "no source at all" is defaulted.
const VOLUME_META_KEYS = new Set(['name']);

/** core/v1 SetDefaults_PodSpec plus the container, probe, port and volume defaults under it. */
function defaultPodSpecInPlace(spec: Obj): void {
  setIfZero(spec, 'dnsPolicy', 'ClusterFirst');
  setIfZero(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setIfZero(spec, 'schedulerName', 'default-scheduler');
  for (const c of records(spec.containers)) defaultContainer(c);
  for (const c of records(spec.initContainers)) defaultContainer(c);
  for (const v of records(spec.volumes)) {
    if (Object.keys(v).every((k) => VOLUME_META_KEYS.has(k))) v.emptyDir = {};
  }
  // Deliberately absent: priority (resolved from the PriorityClass by admission) and the
  // not-ready/unreachable tolerations (DefaultTolerationSeconds admission, not defaulting).
}

/** Defaults of SetDefaults_Pod that upstream applies to Pods only, never to templates. */
function defaultPodOnlyInPlace(spec: Obj): void {
  for (const c of [...records(spec.containers), ...records(spec.initContainers)]) {
    // A limit without a request makes the request equal to the limit.
    const resources = isRecord(c.resources) ? c.resources : undefined;
    if (resources !== undefined && isRecord(resources.limits)) {
      const requests = child(resources, 'requests');
      if (requests !== undefined) {
        for (const [name, limit] of Object.entries(resources.limits)) setDefault(requests, name, limit);
      }
    }
    if (spec.hostNetwork === true) {
      for (const port of records(c.ports)) setIfZero(port, 'hostPort', port.containerPort);
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
}

/** Pod template defaults (a new object). */
export function defaultPodSpec(spec: PodSpec): PodSpec {
  const out = dropNulls(spec) as Obj; // dropNulls builds a fresh deep copy
  defaultPodSpecInPlace(out);
  return out as PodSpec;
}

/**
 * What the API server does to a Pod on create, including the Pod-only defaults (requests from
 * limits, enableServiceLinks, hostPorts under hostNetwork). Controllers creating pods from a
 * template should pass them through this, as the real API server would.
 */
export function defaultPod(pod: Pod): Pod {
  return applyDefaults(pod, 'v1').object as Pod;
}

function defaultTemplate(spec: Obj): void {
  const template = isRecord(spec.template) ? spec.template : undefined;
  if (template !== undefined && isRecord(template.spec)) defaultPodSpecInPlace(template.spec);
}

/**
 * Pre-apps/v1 versions copy the template labels into spec.selector (when unset) and into
 * metadata.labels (when empty). Upstream checks `labels != nil`, so `labels: {}` counts as set.
 */
function selectorFromTemplate(obj: Obj, spec: Obj): void {
  const template = isRecord(spec.template) ? spec.template : undefined;
  const meta = template !== undefined && isRecord(template.metadata) ? template.metadata : undefined;
  const labels = meta !== undefined && isRecord(meta.labels) ? meta.labels : undefined;
  if (labels === undefined) return;
  if (spec.selector === undefined) spec.selector = { matchLabels: { ...labels } };
  const objMeta = isRecord(obj.metadata) ? obj.metadata : undefined;
  if (objMeta !== undefined && (!isRecord(objMeta.labels) || Object.keys(objMeta.labels).length === 0)) {
    objMeta.labels = { ...labels };
  }
}

// ---------------------------------------------------------------- workloads

const LEGACY_SELECTOR = new Set(['extensions/v1beta1', 'apps/v1beta1', 'apps/v1alpha1']);

// apps/v1 + apps/v1beta2: 25%/25%, history 10, deadline 600. apps/v1beta1: same but history 2.
// extensions/v1beta1: 1/1, history and deadline MaxInt32 ("unset"), and the rolling-update
// defaults also fill a rollingUpdate block given with another strategy type.
function defaultDeployment(obj: Obj, spec: Obj, from: string): void {
  const ext = from === 'extensions/v1beta1';
  if (LEGACY_SELECTOR.has(from)) selectorFromTemplate(obj, spec);
  setDefault(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  if (strategy !== undefined) {
    setIfZero(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate' || (ext && strategy.rollingUpdate !== undefined)) {
      const ru = child(strategy, 'rollingUpdate');
      if (ru !== undefined) {
        setDefault(ru, 'maxUnavailable', ext ? 1 : '25%');
        setDefault(ru, 'maxSurge', ext ? 1 : '25%');
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', ext ? MAX_INT32 : from === 'apps/v1beta1' ? 2 : 10);
  setDefault(spec, 'progressDeadlineSeconds', ext ? MAX_INT32 : 600);
}

function defaultReplicaSet(obj: Obj, spec: Obj, from: string): void {
  if (LEGACY_SELECTOR.has(from)) selectorFromTemplate(obj, spec);
  setDefault(spec, 'replicas', 1);
}

// apps/v1 + v1beta2: RollingUpdate, maxUnavailable 1, maxSurge 0. extensions/v1beta1: OnDelete,
// and maxUnavailable 1 when RollingUpdate is chosen (that version had no maxSurge; kubesim writes
// the 0 the controller would assume).
function defaultDaemonSet(obj: Obj, spec: Obj, from: string): void {
  const ext = from === 'extensions/v1beta1';
  if (ext) selectorFromTemplate(obj, spec);
  const strategy = child(spec, 'updateStrategy');
  if (strategy !== undefined) {
    setIfZero(strategy, 'type', ext ? 'OnDelete' : 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru !== undefined) {
        setDefault(ru, 'maxUnavailable', 1);
        setDefault(ru, 'maxSurge', 0);
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
}

// apps/v1 + v1beta2: RollingUpdate with partition 0 (the rollingUpdate block is only created when
// the type was unset). apps/v1beta1 (and PetSet, which had no update strategy): OnDelete.
function defaultStatefulSet(obj: Obj, spec: Obj, from: string): void {
  const old = from === 'apps/v1beta1' || from === 'apps/v1alpha1';
  if (old) selectorFromTemplate(obj, spec);
  setIfZero(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  if (strategy !== undefined) {
    if (strategy.type === undefined || strategy.type === '') {
      strategy.type = old ? 'OnDelete' : 'RollingUpdate';
      if (!old) setDefault(strategy, 'rollingUpdate', {});
    }
    if (strategy.type === 'RollingUpdate' && isRecord(strategy.rollingUpdate)) {
      setDefault(strategy.rollingUpdate, 'partition', 0);
    }
  }
  // StatefulSetAutoDeletePVC is GA (1.32); Retain/Retain is also what an unset policy meant before.
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention !== undefined) {
    setIfZero(retention, 'whenDeleted', 'Retain');
    setIfZero(retention, 'whenScaled', 'Retain');
  }
  for (const vct of records(spec.volumeClaimTemplates)) {
    if (isRecord(vct.spec)) setDefault(vct.spec, 'volumeMode', 'Filesystem');
  }
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
}

// ---------------------------------------------------------------- other kinds

function defaultService(spec: Obj): void {
  // core/v1 SetDefaults_Service
  setIfZero(spec, 'sessionAffinity', 'None');
  setIfZero(spec, 'type', 'ClusterIP');
  for (const port of records(spec.ports)) {
    setIfZero(port, 'protocol', 'TCP');
    setIfZero(port, 'targetPort', port.port);
  }
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (external) setIfZero(spec, 'externalTrafficPolicy', 'Cluster');
  if (external || spec.type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
}

/** extensions/v1beta1 and networking.k8s.io/v1beta1 backend shape → networking.k8s.io/v1. */
function convertIngressBackend(b: unknown): void {
  if (!isRecord(b) || (b.serviceName === undefined && b.servicePort === undefined)) return;
  const service: Obj = { name: b.serviceName };
  if (typeof b.servicePort === 'number') service.port = { number: b.servicePort };
  else if (typeof b.servicePort === 'string') service.port = { name: b.servicePort };
  b.service = service;
  delete b.serviceName;
  delete b.servicePort;
}

function convertLegacyIngress(spec: Obj): void {
  if (spec.backend !== undefined && spec.defaultBackend === undefined) {
    spec.defaultBackend = spec.backend;
    delete spec.backend;
  }
  convertIngressBackend(spec.defaultBackend);
  for (const rule of records(spec.rules)) {
    const http = isRecord(rule.http) ? rule.http : undefined;
    for (const path of records(http?.paths)) {
      // networking/v1beta1 SetDefaults_HTTPIngressPath; v1 requires pathType instead.
      setIfZero(path, 'pathType', 'ImplementationSpecific');
      convertIngressBackend(path.backend);
    }
  }
}

function isEmptySelector(sel: Obj): boolean {
  const noLabels =
    sel.matchLabels === undefined || (isRecord(sel.matchLabels) && Object.keys(sel.matchLabels).length === 0);
  const noExprs =
    sel.matchExpressions === undefined ||
    (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length === 0);
  return noLabels && noExprs;
}

function convertV1beta1Pdb(spec: Obj, issues: Issue[]): void {
  if (!isRecord(spec.selector) || !isEmptySelector(spec.selector)) return;
  spec.selector = { matchExpressions: [{ key: PDB_V1BETA1_SELECTOR_KEY, operator: 'Exists' }] };
  issues.push(
    warning(
      ['spec', 'selector'],
      'an empty spec.selector selects no pods under policy/v1beta1',
      `kubesim keeps that meaning by storing a requirement on the label ${PDB_V1BETA1_SELECTOR_KEY}, as the API server does; ` +
        'to select every pod in the namespace use apiVersion: policy/v1 with selector: {}',
    ),
  );
}

// ---------------------------------------------------------------- entry point

/**
 * Defaults an object whose kind is already canonical (PetSet → StatefulSet), applying the rules of
 * `sourceApiVersion` (the apiVersion as written; the canonical one when omitted). The result has
 * the canonical apiVersion.
 */
export function applyDefaults(input: KubeObject, sourceApiVersion?: string): DefaultResult {
  const issues: Issue[] = [];
  const obj = dropNulls(input) as Obj; // dropNulls builds a fresh deep copy
  const info = kindInfo(String(obj.kind));
  if (info === undefined) {
    issues.push(error(['kind'], `kind ${String(obj.kind)} has no defaults in kubesim`));
    return { object: obj as KubeObject, issues };
  }
  const from = sourceApiVersion ?? info.apiVersion;

  const meta = child(obj, 'metadata');
  if (meta !== undefined) {
    if (info.namespaced) {
      setIfZero(meta, 'namespace', 'default');
    } else if (meta.namespace !== undefined && meta.namespace !== '') {
      issues.push(
        warning(
          ['metadata', 'namespace'],
          `metadata.namespace is ignored: ${info.kind} is cluster-scoped`,
          'remove metadata.namespace',
        ),
      );
      delete meta.namespace;
    } else {
      delete meta.namespace;
    }
  }

  const spec = info.kind === 'StorageClass' || info.kind === 'PriorityClass' ? undefined : child(obj, 'spec');
  switch (info.kind) {
    case 'Pod':
      if (spec !== undefined) {
        defaultPodSpecInPlace(spec);
        defaultPodOnlyInPlace(spec);
      }
      break;
    case 'Deployment':
      if (spec !== undefined) {
        defaultDeployment(obj, spec, from);
        defaultTemplate(spec);
      }
      break;
    case 'ReplicaSet':
      if (spec !== undefined) {
        defaultReplicaSet(obj, spec, from);
        defaultTemplate(spec);
      }
      break;
    case 'DaemonSet':
      if (spec !== undefined) {
        defaultDaemonSet(obj, spec, from);
        defaultTemplate(spec);
      }
      break;
    case 'StatefulSet':
      if (spec !== undefined) {
        defaultStatefulSet(obj, spec, from);
        defaultTemplate(spec);
      }
      break;
    case 'Service':
      if (spec !== undefined) defaultService(spec);
      break;
    case 'PersistentVolume':
      if (spec !== undefined) {
        setIfZero(spec, 'persistentVolumeReclaimPolicy', 'Retain');
        setDefault(spec, 'volumeMode', 'Filesystem');
      }
      break;
    case 'PersistentVolumeClaim':
      if (spec !== undefined) setDefault(spec, 'volumeMode', 'Filesystem');
      break;
    case 'StorageClass':
      setDefault(obj, 'reclaimPolicy', 'Delete');
      setDefault(obj, 'volumeBindingMode', 'Immediate');
      break;
    case 'PriorityClass':
      setDefault(obj, 'preemptionPolicy', 'PreemptLowerPriority');
      break;
    case 'Ingress':
      if (spec !== undefined && from !== info.apiVersion) convertLegacyIngress(spec);
      break;
    case 'PodDisruptionBudget':
      if (spec !== undefined && from === 'policy/v1beta1') convertV1beta1Pdb(spec, issues);
      break;
    case 'Secret':
      setIfZero(obj, 'type', 'Opaque');
      break;
    case 'Namespace':
      if (meta !== undefined && typeof meta.name === 'string' && meta.name !== '') {
        const labels = child(meta, 'labels');
        if (labels !== undefined) labels['kubernetes.io/metadata.name'] = meta.name;
      }
      break;
    case 'Node': {
      const status = isRecord(obj.status) ? obj.status : undefined;
      if (status !== undefined && status.allocatable === undefined && isRecord(status.capacity)) {
        status.allocatable = { ...status.capacity };
      }
      break;
    }
    case 'ConfigMap':
      break;
  }
  // Kinds whose body is not under spec get no empty spec invented for them.
  if (isRecord(obj.spec) && Object.keys(obj.spec).length === 0 && !specExpected(info.kind)) delete obj.spec;

  obj.apiVersion = KINDS[info.kind].apiVersion;
  obj.kind = info.kind;
  return { object: obj as KubeObject, issues };
}

function specExpected(kind: string): boolean {
  return (
    kind !== 'ConfigMap' &&
    kind !== 'Secret' &&
    kind !== 'Namespace' &&
    kind !== 'Node' &&
    kind !== 'ControllerRevision'
  );
}
