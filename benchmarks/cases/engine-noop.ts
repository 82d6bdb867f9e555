// Engine throughput: a hold model with 10,000 pending no-op events; each event schedules its
// successor a pseudo-random delay ahead. Measures the cost of the queue and dispatch alone.
import { Engine } from '../../src/engine/engine.js';
import { report } from './report.js';

const TOTAL = Number(process.env.EVENTS ?? 5_000_000);
const PENDING = 10_000;

const engine = new Engine(1);
const rnd = engine.random.stream('bench');
let remaining = TOTAL;
const tick = (): void => {
  if (--remaining > 0) engine.after(1 + rnd.int(1000), tick);
};
for (let i = 0; i < PENDING; i++) engine.at(rnd.int(1000), tick);
const start = performance.now();
engine.run(Number.MAX_SAFE_INTEGER);
const wallMs = performance.now() - start;
report({
  case: 'engine-noop',
  events: engine.eventsProcessed,
  wallMs,
  eventsPerSecond: engine.eventsProcessed / (wallMs / 1000),
});
