// A pod with its affinity terms parsed once (upstream framework.PodInfo). Selectors are compiled,
// namespaces resolved to a set, and matchLabelKeys / mismatchLabelKeys folded into the selector,
// so the affinity plugins never re-parse a term per node.

import { compileLabelSelector, type LabelMatcher } from '../../api/labels.js';
import type { LabelSelector, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../../api/types.js';

export interface AffinityTerm {
  /** Explicit namespaces (the pod's own when neither namespaces nor namespaceSelector is set). */
  namespaces: ReadonlySet<string>;
  /** Matches namespace labels; undefined when the term has no namespaceSelector (matches none). */
  namespaceSelector: LabelMatcher | undefined;
  selector: LabelMatcher;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** Whether `pod` (whose namespace has labels `nsLabels`) is selected by the term. */
export function termMatches(
  term: AffinityTerm,
  pod: Pod,
  nsLabels: Record<string, string> | undefined,
): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  if (!term.namespaces.has(ns) && !(term.namespaceSelector?.(nsLabels) ?? false)) return false;
  return term.selector(pod.metadata.labels);
}

function withLabelKeys(term: PodAffinityTerm, pod: Pod): LabelSelector | undefined {
  const labels = pod.metadata.labels ?? {};
  const extra = [
    ...(term.matchLabelKeys ?? [])
      .filter((k) => k in labels)
      .map((key) => ({ key, operator: 'In' as const, values: [labels[key]!] })),
    ...(term.mismatchLabelKeys ?? [])
      .filter((k) => k in labels)
      .map((key) => ({ key, operator: 'NotIn' as const, values: [labels[key]!] })),
  ];
  if (extra.length === 0) return term.labelSelector;
  // matchLabelKeys only apply when the term has a selector (upstream merges into it).
  if (term.labelSelector === undefined) return undefined;
  return {
    ...term.labelSelector,
    matchExpressions: [...(term.labelSelector.matchExpressions ?? []), ...extra],
  };
}

export function parseAffinityTerm(term: PodAffinityTerm, pod: Pod): AffinityTerm {
  const ns = pod.metadata.namespace ?? 'default';
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && term.namespaceSelector === undefined) namespaces.add(ns);
  return {
    namespaces,
    namespaceSelector:
      term.namespaceSelector === undefined ? undefined : compileLabelSelector(term.namespaceSelector),
    selector: compileLabelSelector(withLabelKeys(term, pod)),
    topologyKey: term.topologyKey,
  };
}

function parseWeighted(
  terms: readonly WeightedPodAffinityTerm[] | undefined,
  pod: Pod,
): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...parseAffinityTerm(t.podAffinityTerm, pod), weight: t.weight }));
}

export class PodInfo {
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];

  private constructor(readonly pod: Pod) {
    // Status updates keep spec and labels objects: reuse the terms parsed for an earlier object.
    const earlier = PodInfo.bySpec.get(pod.spec);
    if (
      earlier !== undefined &&
      earlier.pod.metadata.labels === pod.metadata.labels &&
      earlier.pod.metadata.namespace === pod.metadata.namespace
    ) {
      this.requiredAffinityTerms = earlier.requiredAffinityTerms;
      this.requiredAntiAffinityTerms = earlier.requiredAntiAffinityTerms;
      this.preferredAffinityTerms = earlier.preferredAffinityTerms;
      this.preferredAntiAffinityTerms = earlier.preferredAntiAffinityTerms;
      return;
    }
    const a = pod.spec.affinity;
    this.requiredAffinityTerms = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (t) => parseAffinityTerm(t, pod),
    );
    this.requiredAntiAffinityTerms = (
      a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []
    ).map((t) => parseAffinityTerm(t, pod));
    this.preferredAffinityTerms = parseWeighted(
      a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      pod,
    );
    this.preferredAntiAffinityTerms = parseWeighted(
      a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      pod,
    );
  }

  private static readonly cache = new WeakMap<Pod, PodInfo>();
  private static readonly bySpec = new WeakMap<Pod['spec'], PodInfo>();

  /** The PodInfo of a pod object (objects are immutable, so it is computed once per object). */
  static of(pod: Pod): PodInfo {
    let info = PodInfo.cache.get(pod);
    if (info === undefined) {
      info = new PodInfo(pod);
      PodInfo.cache.set(pod, info);
      PodInfo.bySpec.set(pod.spec, info);
    }
    return info;
  }

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  /** Any pod affinity or anti-affinity term, required or preferred. */
  get hasAffinity(): boolean {
    return (
      this.requiredAffinityTerms.length > 0 ||
      this.requiredAntiAffinityTerms.length > 0 ||
      this.preferredAffinityTerms.length > 0 ||
      this.preferredAntiAffinityTerms.length > 0
    );
  }

  get hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinityTerms.length > 0;
  }
}
