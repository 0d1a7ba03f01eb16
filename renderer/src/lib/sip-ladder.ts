// Turns SIP log entries into ladder diagrams: grouped by Call-ID (a dialog or a standalone transaction), each
// message an arrow between "Parley" and the remote hop, labelled with its first line and CSeq.
import type { CommandResponse } from '../../../shared/ipc/contract';

export type SipLogEntry = CommandResponse<'diagnostics.sipLog'>[number];

export interface LadderMessage {
  readonly seq: number;
  readonly at: number;
  readonly direction: 'in' | 'out';
  readonly remote: string;
  /** "INVITE" / "200 OK" … */
  readonly label: string;
  readonly cseq: string;
  readonly isRequest: boolean;
  readonly status?: number;
}

export interface LadderFlow {
  readonly callId: string;
  /** The method of the first request (what the flow is about). */
  readonly method: string;
  readonly from: string;
  readonly to: string;
  readonly remotes: string[];
  readonly messages: LadderMessage[];
  readonly firstAt: number;
}

export function headerOf(text: string, ...names: string[]): string | undefined {
  for (const name of names) {
    const m = new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, 'im').exec(text);
    if (m) return m[1]!.trim();
  }
  return undefined;
}

function uriOf(nameAddr: string | undefined): string {
  if (!nameAddr) return '';
  const m = /<([^>]*)>/.exec(nameAddr);
  return (m ? m[1]! : nameAddr.split(';')[0]!).replace(/^sips?:/i, '').trim();
}

export function summarize(entry: SipLogEntry): LadderMessage {
  const firstLine = entry.text.slice(0, entry.text.indexOf('\r\n') >= 0 ? entry.text.indexOf('\r\n') : entry.text.indexOf('\n') >= 0 ? entry.text.indexOf('\n') : entry.text.length);
  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(firstLine);
  const cseq = headerOf(entry.text, 'CSeq') ?? '';
  return {
    seq: entry.seq,
    at: entry.at,
    direction: entry.direction,
    remote: entry.remote,
    label: response ? `${response[1]} ${response[2]}`.trim() : firstLine.split(' ')[0] ?? firstLine,
    cseq,
    isRequest: !response,
    ...(response ? { status: Number(response[1]) } : {}),
  };
}

export function buildFlows(entries: readonly SipLogEntry[]): LadderFlow[] {
  const flows = new Map<string, { callId: string; method: string; from: string; to: string; remotes: Set<string>; messages: LadderMessage[]; firstAt: number }>();
  for (const e of entries) {
    const callId = headerOf(e.text, 'Call-ID', 'i') ?? `(no Call-ID #${e.seq})`;
    let flow = flows.get(callId);
    const msg = summarize(e);
    if (!flow) {
      flow = {
        callId,
        method: msg.isRequest ? msg.label : (msg.cseq.split(/\s+/)[1] ?? '?'),
        from: uriOf(headerOf(e.text, 'From', 'f')),
        to: uriOf(headerOf(e.text, 'To', 't')),
        remotes: new Set(),
        messages: [],
        firstAt: e.at,
      };
      flows.set(callId, flow);
    }
    flow.remotes.add(e.remote);
    flow.messages.push(msg);
  }
  return [...flows.values()].map((f) => ({ ...f, remotes: [...f.remotes] })).sort((a, b) => b.firstAt - a.firstAt);
}

/** Whether an entry concerns this contact or domain (From, To, request URI or remote). */
export function entryMatches(entry: SipLogEntry, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  const head = entry.text.slice(0, 2000).toLowerCase();
  const fields = [headerOf(head, 'from', 'f'), headerOf(head, 'to', 't'), head.split(/\r?\n/)[0], entry.remote.toLowerCase()];
  return fields.some((v) => v?.includes(f));
}
