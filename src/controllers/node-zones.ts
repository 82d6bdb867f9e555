// Zones and eviction rates of the node lifecycle controller (upstream
// pkg/controller/nodelifecycle: ComputeZoneState, handleDisruption, setLimiterInZone, and the
// RateLimitedTimedQueue + token bucket behind zoneNoExecuteTainter). NoExecute taints — and so
// evictions — go through one rate-limited queue per zone: 0.1 nodes/s normally; in a partially
// disrupted zone 0.01/s if it has more than 50 nodes, else none; a fully disrupted zone 0.1/s,
// unless every zone is fully disrupted, which upstream reads as a control-plane network problem
// and stops tainting altogether.

import type { Node } from '../api/types.js';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

export interface ZoneConfig {
  /** --node-eviction-rate, nodes/s */
  evictionRate: number;
  /** --secondary-node-eviction-rate */
  secondaryEvictionRate: number;
  /** --unhealthy-zone-threshold */
  unhealthyZoneThreshold: number;
  /** --large-cluster-size-threshold */
  largeClusterSizeThreshold: number;
}

export const DEFAULT_ZONE_CONFIG: ZoneConfig = {
  evictionRate: 0.1,
  secondaryEvictionRate: 0.01,
  unhealthyZoneThreshold: 0.55,
  largeClusterSizeThreshold: 50,
};

/** GetZoneKey: region and zone labels ("" for a node with neither). */
export function zoneKey(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const region =
    labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone =
    labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\u0000:${zone}`;
}

/** The float32 of x, as Go compares float32(notReady)/float32(total) with the float32 threshold. */
const f32 = Math.fround;

/**
 * ComputeZoneState over the Ready statuses of a zone's nodes ('True' counts as ready, anything
 * else — False, Unknown, missing — as not ready).
 */
export function computeZoneState(
  readyStatuses: readonly (string | undefined)[],
  threshold = DEFAULT_ZONE_CONFIG.unhealthyZoneThreshold,
): ZoneState {
  let ready = 0;
  let notReady = 0;
  for (const s of readyStatuses) {
    if (s === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && f32(f32(notReady) / f32(notReady + ready)) >= f32(threshold))
    return 'PartialDisruption';
  return 'Normal';
}

/** setLimiterInZone: the tainting rate of a zone of `size` nodes in `state` (nodes/s; 0 = stopped). */
export function zoneRate(state: ZoneState, size: number, config: ZoneConfig = DEFAULT_ZONE_CONFIG): number {
  switch (state) {
    case 'PartialDisruption':
      // ReducedQPSFunc
      return size > config.largeClusterSizeThreshold ? config.secondaryEvictionRate : 0;
    default:
      // Normal, FullDisruption (HealthyQPSFunc) and the initial state use the primary rate.
      return config.evictionRate;
  }
}

/**
 * flowcontrol's token bucket with burst 1 (EvictionRateLimiterBurst) in integer ms: a token every
 * 1/qps seconds, at most one saved up. qps 0 never accepts (NewFakeNeverRateLimiter).
 */
export class TokenBucket {
  /** When the next token is there (−∞: now). */
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(readonly qps: number) {}

  tryAccept(now: number): boolean {
    if (this.qps <= 0 || now < this.nextAt) return false;
    this.nextAt = now + Math.round(1000 / this.qps);
    return true;
  }

  /** When tryAccept can next succeed (Infinity for a stopped limiter). */
  readyAt(now: number): number {
    if (this.qps <= 0) return Number.POSITIVE_INFINITY;
    return Math.max(now, this.nextAt);
  }

  /**
   * SwapLimiter: a new bucket for the new rate; if this one has no token right now, the new one
   * starts drained too (upstream's choice for burst 1).
   */
  swap(qps: number, now: number): TokenBucket {
    if (qps === this.qps) return this;
    const next = new TokenBucket(qps);
    if (qps > 0 && !(this.qps > 0 && now >= this.nextAt)) next.tryAccept(now);
    return next;
  }
}
