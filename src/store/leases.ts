// Node leases (kube-node-lease) without the write traffic: a healthy kubelet renews its lease every
// heartbeat period, which on a 5,000-node cluster-day would be 43 million writes that change
// nothing. Instead a lease records since when and how often it is being renewed; the renew time at
// any moment is computed, and watchers hear only when renewing starts or stops.

export interface LeaseChange {
  node: string;
  renewing: boolean;
  t: number;
}

interface LeaseState {
  renewing: boolean;
  /** Time of the first renewal of the current renewing period, or of the last renewal if stopped. */
  anchor: number;
  periodMs: number;
}

export class NodeLeases {
  private readonly leases = new Map<string, LeaseState>();
  private readonly handlers: ((change: LeaseChange) => void)[] = [];

  onChange(handler: (change: LeaseChange) => void): void {
    this.handlers.push(handler);
  }

  /** The kubelet starts renewing at `t` (first renewal at t), then every periodMs. */
  startRenewing(node: string, t: number, periodMs: number): void {
    this.leases.set(node, { renewing: true, anchor: t, periodMs });
    for (const h of this.handlers) h({ node, renewing: true, t });
  }

  /** The kubelet stops renewing at `t` (crash or partition); the last renewal stays recorded. */
  stopRenewing(node: string, t: number): void {
    const lease = this.leases.get(node);
    if (lease === undefined || !lease.renewing) return;
    const last = this.renewTime(node, t)!;
    this.leases.set(node, { renewing: false, anchor: last, periodMs: lease.periodMs });
    for (const h of this.handlers) h({ node, renewing: false, t });
  }

  remove(node: string): void {
    this.leases.delete(node);
  }

  isRenewing(node: string): boolean {
    return this.leases.get(node)?.renewing ?? false;
  }

  /** The lease's renewTime as seen at `now`, or undefined if the node never had a lease. */
  renewTime(node: string, now: number): number | undefined {
    const lease = this.leases.get(node);
    if (lease === undefined) return undefined;
    if (!lease.renewing) return lease.anchor;
    if (now < lease.anchor) return lease.anchor;
    return lease.anchor + Math.floor((now - lease.anchor) / lease.periodMs) * lease.periodMs;
  }
}
