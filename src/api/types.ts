// Kubernetes object shapes as kubesim stores them: the wire format of the API (camelCase JSON),
// restricted to the fields kubesim reads. Unknown fields are kept on the object untouched, so a
// manifest round-trips through the store and the event log the way it would through an API server.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  /** Simulated time in ms since the start of the run (kubesim keeps time as integer ms). */
  creationTimestamp?: number;
  deletionTimestamp?: number;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [extra: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- selectors

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type NodeSelectorOperator = LabelSelectorOperator | 'Gt' | 'Lt';

export interface NodeSelectorRequirement {
  key: string;
  operator: NodeSelectorOperator;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

// ---------------------------------------------------------------- pods

export type ResourceList = Record<string, string | number>;

export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface ContainerPort {
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  name?: string;
}

export interface Probe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  [handler: string]: unknown;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  resources?: ResourceRequirements;
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: VolumeMount[];
  restartPolicy?: 'Always';
  [extra: string]: unknown;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect | '';
  tolerationSeconds?: number;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: number;
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
  };
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
  };
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

export interface Volume {
  name: string;
  configMap?: { name: string; optional?: boolean; [extra: string]: unknown };
  secret?: { secretName: string; optional?: boolean; [extra: string]: unknown };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [source: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  schedulerName?: string;
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  terminationGracePeriodSeconds?: number;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  hostNetwork?: boolean;
  hostname?: string;
  subdomain?: string;
  volumes?: Volume[];
  overhead?: ResourceList;
  schedulingGates?: { name: string }[];
  [extra: string]: unknown;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodCondition {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready' | 'DisruptionTarget' | string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: number;
}

export interface ContainerStatus {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  started?: boolean;
  state?: {
    waiting?: { reason: string; message?: string };
    running?: { startedAt: number };
    terminated?: { exitCode: number; reason?: string; finishedAt?: number };
  };
}

export interface PodStatus {
  phase?: PodPhase;
  conditions?: PodCondition[];
  nominatedNodeName?: string;
  startTime?: number;
  reason?: string;
  message?: string;
  containerStatuses?: ContainerStatus[];
  hostIP?: string;
  podIP?: string;
}

export interface Pod extends KubeObject {
  kind: 'Pod';
  spec: PodSpec;
  status?: PodStatus;
}

export interface PodTemplateSpec {
  metadata?: Partial<ObjectMeta>;
  spec: PodSpec;
}

// ---------------------------------------------------------------- nodes

export interface NodeCondition {
  type: 'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'NetworkUnavailable' | string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: number;
  lastTransitionTime?: number;
}

export interface ContainerImage {
  names: string[];
  sizeBytes?: number;
}

export interface Node extends KubeObject {
  kind: 'Node';
  spec?: { unschedulable?: boolean; taints?: Taint[]; providerID?: string; [extra: string]: unknown };
  status?: {
    capacity?: ResourceList;
    allocatable?: ResourceList;
    conditions?: NodeCondition[];
    images?: ContainerImage[];
    /** Volumes the attach/detach controller has attached to the node (name: the PV's name). */
    volumesAttached?: AttachedVolume[];
    [extra: string]: unknown;
  };
}

export interface AttachedVolume {
  name: string;
  devicePath: string;
}

// ---------------------------------------------------------------- workloads

export type IntOrString = number | string;

export interface DeploymentStrategy {
  type?: 'RollingUpdate' | 'Recreate';
  rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString };
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export interface DeploymentCondition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: number;
  lastTransitionTime?: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  kind: 'Deployment';
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
}

export interface ReplicaSet extends KubeObject {
  kind: 'ReplicaSet';
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplateSpec; minReadySeconds?: number };
  status?: ReplicaSetStatus;
}

export interface DaemonSet extends KubeObject {
  kind: 'DaemonSet';
  spec: {
    selector?: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy?: {
      type?: 'RollingUpdate' | 'OnDelete';
      rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString };
    };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: Record<string, unknown>;
}

export interface PersistentVolumeClaimTemplate {
  metadata: Partial<ObjectMeta> & { name: string };
  spec: PersistentVolumeClaimSpec;
}

export interface StatefulSet extends KubeObject {
  kind: 'StatefulSet';
  spec: {
    replicas?: number;
    selector?: LabelSelector;
    serviceName?: string;
    template: PodTemplateSpec;
    volumeClaimTemplates?: PersistentVolumeClaimTemplate[];
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: {
      type?: 'RollingUpdate' | 'OnDelete';
      rollingUpdate?: { partition?: number; maxUnavailable?: IntOrString };
    };
    revisionHistoryLimit?: number;
    minReadySeconds?: number;
    ordinals?: { start?: number };
    persistentVolumeClaimRetentionPolicy?: {
      whenDeleted?: 'Retain' | 'Delete';
      whenScaled?: 'Retain' | 'Delete';
    };
  };
  status?: Record<string, unknown>;
}

// ---------------------------------------------------------------- storage

export interface PersistentVolumeClaimSpec {
  accessModes?: string[];
  storageClassName?: string;
  volumeName?: string;
  selector?: LabelSelector;
  resources?: { requests?: ResourceList };
  volumeMode?: string;
}

export interface PersistentVolumeClaim extends KubeObject {
  kind: 'PersistentVolumeClaim';
  spec: PersistentVolumeClaimSpec;
  status?: {
    phase?: 'Pending' | 'Bound' | 'Lost';
    /** The bound volume's access modes and capacity, set by the PV controller on binding. */
    accessModes?: string[];
    capacity?: ResourceList;
    [extra: string]: unknown;
  };
}

export interface PersistentVolume extends KubeObject {
  kind: 'PersistentVolume';
  spec: {
    capacity?: ResourceList;
    accessModes?: string[];
    storageClassName?: string;
    claimRef?: {
      kind?: string;
      apiVersion?: string;
      namespace?: string;
      name?: string;
      uid?: string;
      resourceVersion?: string;
    };
    nodeAffinity?: { required?: NodeSelector };
    persistentVolumeReclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
    local?: { path: string };
    [source: string]: unknown;
  };
  status?: {
    phase?: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
    /** Why the volume is Failed (e.g. no plugin can delete it). */
    message?: string;
    /** Simulated ms of the last phase change (set by the PV controller). */
    lastPhaseTransitionTime?: number;
  };
}

export interface StorageClass extends KubeObject {
  kind: 'StorageClass';
  provisioner: string;
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  reclaimPolicy?: 'Retain' | 'Delete';
  allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[];
  parameters?: Record<string, string>;
}

// ---------------------------------------------------------------- policy, networking, config

export interface PodDisruptionBudget extends KubeObject {
  kind: 'PodDisruptionBudget';
  spec: { minAvailable?: IntOrString; maxUnavailable?: IntOrString; selector?: LabelSelector };
}

/**
 * An immutable snapshot of a workload's pod template (apps/v1 ControllerRevision): StatefulSet and
 * DaemonSet controllers keep their rollout history this way. `data` holds what the controller
 * applies to roll back: `{spec: {template: ...}}`.
 */
export interface ControllerRevision extends KubeObject {
  kind: 'ControllerRevision';
  data?: Record<string, unknown>;
  revision: number;
}

export interface PriorityClass extends KubeObject {
  kind: 'PriorityClass';
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  description?: string;
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: {
    selector?: Record<string, string>;
    clusterIP?: string;
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    ports?: { port: number; targetPort?: IntOrString; protocol?: string; name?: string; nodePort?: number }[];
    [extra: string]: unknown;
  };
}

export interface Ingress extends KubeObject {
  kind: 'Ingress';
  spec: {
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: {
      host?: string;
      http?: { paths: { path?: string; pathType?: string; backend: IngressBackend }[] };
    }[];
    defaultBackend?: IngressBackend;
    backend?: IngressBackend;
    ingressClassName?: string;
  };
}

/** Both the networking.k8s.io/v1 shape (service.name/port) and the extensions/v1beta1 shape (serviceName/servicePort). */
export interface IngressBackend {
  service?: { name: string; port?: { number?: number; name?: string } };
  serviceName?: string;
  servicePort?: IntOrString;
}

export interface ConfigMap extends KubeObject {
  kind: 'ConfigMap';
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface Secret extends KubeObject {
  kind: 'Secret';
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Namespace extends KubeObject {
  kind: 'Namespace';
}

export type KnownKind =
  | 'Pod'
  | 'Node'
  | 'Deployment'
  | 'ReplicaSet'
  | 'DaemonSet'
  | 'StatefulSet'
  | 'Service'
  | 'Ingress'
  | 'ConfigMap'
  | 'Secret'
  | 'PersistentVolume'
  | 'PersistentVolumeClaim'
  | 'StorageClass'
  | 'PodDisruptionBudget'
  | 'PriorityClass'
  | 'ControllerRevision'
  | 'Namespace';
