// ImageLocality through Score.

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../src/api/types.js';
import { SchedulerCache } from '../../../src/scheduler/cache.js';
import type { NodeScore } from '../../../src/scheduler/framework/interfaces.js';
import {
  type ImageLocality,
  NAME,
  newImageLocality,
  normalizedImageName,
} from '../../../src/scheduler/plugins/image-locality.js';
import { makeHandle, makeNode, makePod, nodeInfos, scores } from '../harness.js';

const MB = 1024 * 1024;

function run(nodes: Node[], pod: Pod): Record<string, number> {
  const infos = nodeInfos(nodes);
  const plugin = newImageLocality({}, makeHandle(infos)) as ImageLocality;
  return scores(plugin, pod, infos);
}

const node1 = () =>
  makeNode('node1', {
    images: [
      { names: ['gcr.io/40:latest', 'gcr.io/40:v1'], sizeBytes: 40 * MB },
      { names: ['gcr.io/300:latest', 'gcr.io/300:v1'], sizeBytes: 300 * MB },
      { names: ['gcr.io/2000:latest'], sizeBytes: 2000 * MB },
    ],
  });
const node2 = () =>
  makeNode('node2', {
    images: [
      { names: ['gcr.io/250:latest'], sizeBytes: 250 * MB },
      { names: ['gcr.io/10:latest', 'gcr.io/10:v1'], sizeBytes: 10 * MB },
    ],
  });
const node3 = () => makeNode('node3', { images: [{ names: ['gcr.io/40:latest'], sizeBytes: 40 * MB }] });

describe('ImageLocality', () => {
  it('scales image sizes by spread and maps [23 MiB, 1000 MiB × containers] onto 0..100', () => {
    // Two nodes: gcr.io/40 (40 MiB on 1 of 2 → 20 MiB, under the threshold) vs gcr.io/250 (125 MiB).
    const pod = makePod('p', { images: ['gcr.io/40', 'gcr.io/250'] });
    // node2: 100 * (125 − 23) / (2000 − 23) = 5
    expect(run([node1(), node2()], pod)).toEqual({ node1: 0, node2: 5 });
  });

  it('an image on more nodes counts less', () => {
    const pod = makePod('p', { images: ['gcr.io/40:latest', 'gcr.io/300:v1'] });
    // node1: 40·2/3 + 300·1/3 = 126.67 MiB → 100 * (126.67 − 23) / 1977 = 5; node3: 26.67 MiB → 0
    expect(run([node1(), node2(), node3()], pod)).toEqual({ node1: 5, node2: 0, node3: 0 });
  });

  it('clamps at 1000 MiB per container', () => {
    const pod = makePod('p', { images: ['gcr.io/2000'] });
    expect(run([node1()], pod)).toEqual({ node1: 100 });
  });

  it('counts init containers, both in the sum and in the container count', () => {
    const pod = makePod('p', { images: ['gcr.io/10'] });
    pod.spec.initContainers = [{ name: 'init', image: 'gcr.io/2000' }];
    // 2000 MiB (clamped to 2 × 1000) + 0 → 100
    expect(run([node1()], pod)).toEqual({ node1: 100 });
  });

  it('normalizes image names as upstream (":latest" only, no registry reconciliation)', () => {
    expect(normalizedImageName('nginx')).toBe('nginx:latest');
    expect(normalizedImageName('nginx:1.25')).toBe('nginx:1.25');
    expect(normalizedImageName('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(normalizedImageName('nginx@sha256:abcd')).toBe('nginx@sha256:abcd');
    const n = makeNode('n', { images: [{ names: ['nginx:latest'], sizeBytes: 500 * MB }] });
    // 100 * (500 − 23) / (1000 − 23) = 48
    expect(run([n], makePod('p', { images: ['nginx'] }))).toEqual({ n: 48 });
    expect(run([n], makePod('p', { images: ['docker.io/library/nginx'] }))).toEqual({ n: 0 });
  });

  it('a pod without containers scores 0', () => {
    expect(run([node1()], makePod('p'))).toEqual({ node1: 0 });
    expect(NAME).toBe('ImageLocality');
  });
});

describe('ImageLocality over the scheduler cache (cluster-wide image entries)', () => {
  // Image i is "img-i" (also known as "img-i:v1" for even i), 100·(i+1) MiB.
  const imageArb = fc.integer({ min: 0, max: 5 });
  const clusterArb = fc.array(fc.uniqueArray(imageArb, { maxLength: 4 }), { minLength: 1, maxLength: 8 });
  const podArb = fc.array(fc.oneof(imageArb, fc.constant(9)), { maxLength: 3 });

  test.prop([clusterArb, podArb, fc.boolean()])(
    "scoreNodes from the entries equals score() from each node's own image map",
    (nodesImages, podImages, removeOne) => {
      const cache = new SchedulerCache();
      for (const [n, imgs] of nodesImages.entries()) {
        cache.setNode(
          makeNode(`n${n}`, {
            images: imgs.map((i) => ({
              names: i % 2 === 0 ? [`img-${i}:latest`, `img-${i}:v1`] : [`img-${i}:latest`],
              sizeBytes: 100 * (i + 1) * MB,
            })),
          }),
        );
      }
      if (removeOne && nodesImages.length > 1) cache.removeNode('n0');
      const infos = [...cache.list()];
      const handle = { ...makeHandle(infos), nodes: cache };
      const plugin = newImageLocality({}, handle) as ImageLocality;
      const pod = makePod('p', {
        images: podImages.map((i) => (i % 2 === 0 && i < 9 ? `img-${i}:v1` : `img-${i}`)),
      });
      const out: NodeScore[] = infos.map((ni) => ({ name: ni.name, score: -1 }));
      plugin.scoreNodes(undefined as never, pod, infos, out);
      expect(out.map((o) => o.score)).toEqual(infos.map((ni) => plugin.score(undefined as never, pod, ni)));
    },
  );
});
