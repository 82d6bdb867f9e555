// The result of running a plugin (upstream framework.Status): a code, the reasons a node or pod
// was rejected, and which plugin said so. Success is a shared singleton, so the hot path of a
// filter that passes allocates nothing.

export type Code =
  | 'Success'
  | 'Error'
  | 'Unschedulable'
  | 'UnschedulableAndUnresolvable'
  | 'Wait'
  | 'Skip'
  | 'Pending';

export class Status {
  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    /** The plugin that produced this status (set by the framework when it is missing). */
    readonly plugin = '',
  ) {}

  static readonly SUCCESS = new Status('Success');
  static readonly SKIP = new Status('Skip');

  static unschedulable(...reasons: string[]): Status {
    return new Status('Unschedulable', reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status('UnschedulableAndUnresolvable', reasons);
  }

  static error(message: string): Status {
    return new Status('Error', [message]);
  }

  isSuccess(): boolean {
    return this.code === 'Success';
  }

  isSkip(): boolean {
    return this.code === 'Skip';
  }

  /** Unschedulable or UnschedulableAndUnresolvable: the pod does not fit, no bug involved. */
  isRejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable';
  }

  /** The reasons joined as upstream's Status.Message() does. */
  message(): string {
    return this.reasons.join(', ');
  }

  withPlugin(plugin: string): Status {
    if (this.plugin === plugin) return this;
    return new Status(this.code, this.reasons, plugin);
  }
}

/** A plugin failed in a way that is a bug or a misconfiguration, not a scheduling outcome. */
export class PluginError extends Error {}
