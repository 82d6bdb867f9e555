// The event log: one canonical JSON line per store change, in the shape of a Kubernetes watch
// stream, and the run hash (SHA-256 over the log) that the determinism contract (DESIGN §4) rests
// on. Same scenario, seed and version ⇒ same lines ⇒ same hash.
//
// Line shape (key order fixed; namespace "" for cluster-scoped objects):
//   {"t":ms,"seq":n,"type":"ADDED|MODIFIED|DELETED","kind":..,"namespace":..,"name":..,
//    "resourceVersion":..,"actor":..,"object":{...}}
//
// Hash modes:
//   full    — SHA-256 over every line followed by "\n", i.e. exactly the bytes of events.jsonl, so
//             `sha256sum events.jsonl` equals the run hash. The default.
//   compact — SHA-256 over a short per-change record: the line's header fields, plus for Pods
//             spec.nodeName, status.phase and the Ready condition status, and for other kinds
//             metadata.generation, spec.replicas and JSON of status. Cheaper when no events.jsonl
//             is written, but blind to changes outside those fields.

import { createHash, type Hash } from 'node:crypto';
import type { KubeObject, Pod } from '../api/types.js';
import type { Store } from '../store/store.js';
import type { WatchEvent } from '../store/watch.js';

export type HashMode = 'full' | 'compact';

/** Receives each line without its trailing newline. */
export type LineSink = (line: string) => void;

export interface EventLogOptions {
  sink?: LineSink;
  hashMode?: HashMode;
}

// Hashing many short strings one update() at a time costs more than the digest itself, and so does
// building big strings to hash: lines are encoded straight into a reusable byte buffer that is
// hashed whenever it fills up.
const HASH_BUFFER_BYTES = 1 << 18;

/** The canonical event-log line for one change (no trailing newline). */
export function eventLine(event: WatchEvent): string {
  return `${header(event)},"object":${JSON.stringify(event.object)}}`;
}

function header(event: WatchEvent): string {
  const meta = event.object.metadata;
  return (
    `{"t":${event.t},"seq":${event.seq},"type":"${event.type}","kind":${JSON.stringify(event.object.kind)}` +
    `,"namespace":${JSON.stringify(meta.namespace ?? '')},"name":${JSON.stringify(meta.name)}` +
    `,"resourceVersion":${JSON.stringify(meta.resourceVersion ?? '')},"actor":${JSON.stringify(event.actor)}`
  );
}

/** The record hashed per change in compact mode (no trailing newline). */
export function compactRecord(event: WatchEvent): string {
  const obj: KubeObject = event.object;
  let tail: string;
  if (obj.kind === 'Pod') {
    const pod = obj as Pod;
    let ready: string | null = null;
    const conditions = pod.status?.conditions;
    if (conditions !== undefined) {
      for (const c of conditions) {
        if (c.type === 'Ready') {
          ready = c.status;
          break;
        }
      }
    }
    tail = JSON.stringify([pod.spec?.nodeName ?? null, pod.status?.phase ?? null, ready]);
  } else {
    const spec = obj.spec as { replicas?: unknown } | undefined;
    tail = JSON.stringify([obj.metadata.generation ?? null, spec?.replicas ?? null, obj.status ?? null]);
  }
  return `${header(event)},"c":${tail}}`;
}

export class EventLog {
  private readonly sink: LineSink | undefined;
  readonly hashMode: HashMode;
  private readonly hash: Hash = createHash('sha256');
  private readonly buffer = Buffer.allocUnsafe(HASH_BUFFER_BYTES);
  private used = 0;
  private count = 0;
  private digest: string | undefined;

  constructor(store: Store, options: EventLogOptions = {}) {
    this.sink = options.sink;
    this.hashMode = options.hashMode ?? 'full';
    store.watchAll((event) => this.record(event));
  }

  /** Number of changes recorded. */
  get lines(): number {
    return this.count;
  }

  /**
   * Hex SHA-256 of everything recorded so far. Reading it does not end the log: the digest is taken
   * from a copy of the running hash, and cached until the next change.
   */
  get runHash(): string {
    if (this.digest === undefined) {
      this.flushHash();
      this.digest = this.hash.copy().digest('hex');
    }
    return this.digest;
  }

  private record(event: WatchEvent): void {
    this.count++;
    this.digest = undefined;
    if (this.hashMode === 'full') {
      const line = eventLine(event);
      this.hashLine(line);
      if (this.sink !== undefined) this.sink(line);
    } else {
      this.hashLine(compactRecord(event));
      if (this.sink !== undefined) this.sink(eventLine(event));
    }
  }

  /** Adds text and a newline to the hash, as UTF-8. */
  private hashLine(text: string): void {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    const worst = text.length * 3 + 1;
    if (this.used + worst > this.buffer.length) {
      this.flushHash();
      if (worst > this.buffer.length) {
        this.hash.update(`${text}\n`, 'utf8');
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
    this.buffer[this.used++] = 0x0a;
  }

  private flushHash(): void {
    if (this.used === 0) return;
    this.hash.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}
