// Where "how long has the user been idle" comes from (presence issue item 1: Away after N idle minutes). Electron
// main can supply one backed by powerMonitor.getSystemIdleTime(); plain-Node hosts (headless host, CLI, tests) use
// ActivityIdleSource, which counts from the last time the UI told the core the user did something.
export interface IdleSource {
  /** Seconds since the last user input. */
  idleSeconds(): number;
}

/** Idle time since the last touch(): the headless host touches it on every command from the UI. */
export class ActivityIdleSource implements IdleSource {
  private last: number;
  constructor(private readonly now: () => number = Date.now) {
    this.last = now();
  }
  touch(): void {
    this.last = this.now();
  }
  idleSeconds(): number {
    return Math.max(0, (this.now() - this.last) / 1000);
  }
}
