// Plain-Node stand-ins for the desktop facilities: the headless host and the tests use them. They keep
// what they are told so a test (or the host's diagnostics) can read it back; they never touch disk.
import type { ConnectionSummary, IncomingMessageNotice, Notifier, PublishedPresence, StatusIndicator } from './desktop-facilities';

/** Keeps the last notices in memory (bounded), for tests and the headless host. */
export class RecordingNotifier implements Notifier {
  readonly notices: IncomingMessageNotice[] = [];
  constructor(private readonly limit = 100) {}
  notifyIncoming(message: IncomingMessageNotice): void {
    this.notices.push(message);
    if (this.notices.length > this.limit) this.notices.shift();
  }
}

export class MemoryStatusIndicator implements StatusIndicator {
  unread = 0;
  presence: PublishedPresence = 'available';
  connection: ConnectionSummary = 'signed-out';
  connectionDetail: string | undefined;
  setUnreadCount(count: number): void {
    this.unread = count;
  }
  setPresence(presence: PublishedPresence): void {
    this.presence = presence;
  }
  setConnection(state: ConnectionSummary, detail?: string): void {
    this.connection = state;
    this.connectionDetail = detail;
  }
}
