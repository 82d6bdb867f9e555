// Per-cycle scratch space plugins share (upstream framework.CycleState): PreFilter and PreScore
// write what Filter and Score read. Cloned when preemption or nominated pods need a what-if copy.

/** State a plugin keeps in the CycleState; clone() must return an independent copy. */
export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Filter plugins whose PreFilter returned Skip for this pod. */
  readonly skipFilterPlugins = new Set<string>();
  /** Score plugins whose PreScore returned Skip for this pod. */
  readonly skipScorePlugins = new Set<string>();
  /**
   * The filter plugins that run for this pod (the profile's minus the skipped ones), computed once
   * after PreFilter by the framework so the per-node loop does no set lookups.
   */
  activeFilters: readonly unknown[] | undefined;

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, v.clone());
    for (const p of this.skipFilterPlugins) copy.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) copy.skipScorePlugins.add(p);
    copy.activeFilters = this.activeFilters;
    return copy;
  }
}
