// ImageLocality (upstream plugins/imagelocality/image_locality.go): favours nodes that already
// have the pod's images. Each container image (init containers included) present on the node
// adds its size scaled by the fraction of nodes that have it (so an image everywhere counts less,
// avoiding "node heating"); the sum is clamped to [23 MiB, 1000 MiB × containers] and mapped
// linearly onto 0..100.
//
// Image names are normalized as upstream does: a name without a tag gets ":latest"
// ("nginx" ≡ "nginx:latest"). Upstream does not reconcile registry prefixes ("nginx" vs
// "docker.io/library/nginx" is a known gap, a TODO there), so neither does kubesim.

import type { Pod } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { Handle, NodeInfoLister, NodeScore, Plugin, ScorePlugin } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';

export const NAME = 'ImageLocality';

const MAX_NODE_SCORE = 100;
const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** Upstream normalizedImageName: append ":latest" when the name has no tag. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/**
 * Normalized image names of init containers then containers, one per container. Computed once
 * per cycle (see imagesOf), not cached per pod: most pods are scored once.
 */
function podImages(pod: Pod): string[] {
  const images: string[] = [];
  const init = pod.spec.initContainers;
  if (init !== undefined) for (const c of init) images.push(normalizedImageName(c.image));
  for (const c of pod.spec.containers) images.push(normalizedImageName(c.image));
  return images;
}

export class ImageLocality implements ScorePlugin {
  readonly name = NAME;

  constructor(private readonly handle: Handle) {}

  // The pod of the cycle being scored and its images: Score runs for hundreds of nodes per pod.
  private lastPod: Pod | undefined;
  private lastImages: string[] = [];

  score(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    return this.scoreOn(nodeInfo, this.imagesOf(pod), this.handle.nodes.list().length);
  }

  /**
   * Every node in one call (the framework's batch path); same scores as score() per node. An
   * image's scaled score is the same on every node that has it, so it is computed once per cycle
   * (the first time a node has the image) rather than per node.
   */
  scoreNodes(_state: CycleState, pod: Pod, nodes: readonly NodeInfo[], out: NodeScore[]): undefined {
    const images = this.imagesOf(pod);
    const lister = this.handle.nodes;
    const totalNumNodes = lister.list().length;
    if (lister.imageEntry !== undefined) {
      this.scoreByEntries(images, nodes, out, totalNumNodes, lister);
      return undefined;
    }
    const none = calculatePriority(0, images.length);
    const scaled = this.scaledBuffer(images.length);
    for (let i = 0; i < nodes.length; i++) {
      const ni = nodes[i]!;
      if (ni.imageStateCount === 0) {
        out[i]!.score = none;
        continue;
      }
      let sum = 0;
      for (let k = 0; k < images.length; k++) {
        const state = ni.imageStates.get(images[k]!);
        if (state === undefined) continue;
        let s = scaled[k]!;
        if (s < 0) {
          s = Math.trunc(state.size * (state.numNodes / totalNumNodes));
          scaled[k] = s;
        }
        sum += s;
      }
      out[i]!.score = calculatePriority(sum, images.length);
    }
    return undefined;
  }

  /**
   * scoreNodes from the lister's cluster-wide image entries (the nodes are the lister's own): an
   * image on every node adds its scaled score to all of them and one on none adds nothing, so
   * only images on some of the nodes need a membership test per node — in one shared set, not in
   * each node's own image map (hundreds of cache misses per cycle once kubelets report images).
   */
  private scoreByEntries(
    images: readonly string[],
    nodes: readonly NodeInfo[],
    out: NodeScore[],
    totalNumNodes: number,
    /** Has imageEntry (the caller checked). */
    lister: NodeInfoLister,
  ): void {
    let everywhere = 0;
    const partial = this.partial;
    partial.length = 0;
    for (const image of images) {
      const e = lister.imageEntry!(image);
      if (e === undefined || e.numNodes === 0) continue;
      const s = Math.trunc(e.size * (e.numNodes / totalNumNodes));
      if (e.numNodes === totalNumNodes) everywhere += s;
      else partial.push({ nodes: e.nodes, scaled: s });
    }
    if (partial.length === 0) {
      const score = calculatePriority(everywhere, images.length);
      for (let i = 0; i < nodes.length; i++) out[i]!.score = score;
      return;
    }
    for (let i = 0; i < nodes.length; i++) {
      const name = nodes[i]!.name;
      let sum = everywhere;
      for (let k = 0; k < partial.length; k++) {
        const p = partial[k]!;
        if (p.nodes.has(name)) sum += p.scaled;
      }
      out[i]!.score = calculatePriority(sum, images.length);
    }
  }

  private readonly partial: { nodes: ReadonlySet<string>; scaled: number }[] = [];

  private scaled: number[] = [];

  /** Per-image scaled scores of this cycle, −1 until computed. */
  private scaledBuffer(n: number): number[] {
    const b = this.scaled;
    b.length = n;
    b.fill(-1);
    return b;
  }

  private imagesOf(pod: Pod): readonly string[] {
    if (pod !== this.lastPod) {
      this.lastPod = pod;
      this.lastImages = podImages(pod);
    }
    return this.lastImages;
  }

  private scoreOn(nodeInfo: NodeInfo, images: readonly string[], totalNumNodes: number): number {
    let sum = 0;
    if (nodeInfo.imageStateCount > 0) {
      for (const image of images) {
        const state = nodeInfo.imageStates.get(image);
        if (state === undefined) continue;
        const spread = state.numNodes / totalNumNodes;
        sum += Math.trunc(state.size * spread);
      }
    }
    return calculatePriority(sum, images.length);
  }
}

function calculatePriority(sumScores: number, numContainers: number): number {
  if (numContainers === 0) return 0; // upstream's formula also gives 0 (JS would give -0)
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  if (sumScores < MIN_THRESHOLD) sumScores = MIN_THRESHOLD;
  else if (sumScores > maxThreshold) sumScores = maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (sumScores - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

export function newImageLocality(args: Record<string, unknown>, handle: Handle): Plugin {
  if (args != null && Object.keys(args).length > 0) throw new ArgsError([], `${NAME} takes no args`);
  return new ImageLocality(handle);
}
