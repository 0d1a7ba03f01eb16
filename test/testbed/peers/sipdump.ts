// Reads Kamailio's sipdump text files (<run>/<domain>/sipdump/*.data): every SIP message a server received or
// sent, already decrypted, with the transport and both addresses. Peers over TLS cannot be captured on the
// wire (testbed-notes §1, pitfall 10), so this is how tests prove which hop carried a message over what.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface SipdumpRecord {
  /** 'rcv': the server received it; 'snd': the server sent it. */
  readonly tag: 'rcv' | 'snd';
  /** e.g. 'tls', 'tcp', 'udp' */
  readonly proto: string;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  readonly startLine: string;
  /** The whole message, header lines separated by '\n'. */
  readonly text: string;
  readonly body: string;
  /** Method of a request, or the CSeq method of a response. */
  readonly method: string;
  readonly status?: number;
}

const RECORD_START = /^={20}$/m;

function field(meta: string, name: string): string {
  return new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(meta)?.[1]?.trim() ?? '';
}

/** Parses one .data file: records start with a line of '=', metadata, a line of '~', the message, then '|'s. */
export function parseSipdump(data: string): SipdumpRecord[] {
  const out: SipdumpRecord[] = [];
  for (const chunk of data.split(RECORD_START)) {
    const sep = chunk.indexOf('\n~~~~~~~~~~~~~~~~~~~~\n');
    if (sep < 0) continue;
    const meta = chunk.slice(0, sep);
    const text = chunk.slice(sep + 22).replace(/\|{20}\s*$/, '').replace(/\r\n/g, '\n');
    const split = text.indexOf('\n\n');
    const head = split >= 0 ? text.slice(0, split) : text;
    const startLine = head.split('\n')[0] ?? '';
    const status = /^SIP\/2\.0 (\d{3})/.exec(startLine)?.[1];
    const cseq = /^CSeq:\s*\d+\s+(\S+)/im.exec(head)?.[1] ?? '';
    const tag = field(meta, 'tag');
    if (tag !== 'rcv' && tag !== 'snd') continue;
    out.push({
      tag,
      proto: field(meta, 'proto').split(' ')[0] ?? '',
      srcIp: field(meta, 'srcip'),
      srcPort: Number(field(meta, 'srcport')),
      dstIp: field(meta, 'dstip'),
      dstPort: Number(field(meta, 'dstport')),
      startLine,
      text,
      body: split >= 0 ? text.slice(split + 2) : '',
      method: status ? cseq : (startLine.split(' ')[0] ?? ''),
      ...(status ? { status: Number(status) } : {}),
    });
  }
  return out;
}

/** Every record in a sipdump directory, oldest file first. */
export function readSipdump(dir: string): SipdumpRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.data'))
    .sort()
    .flatMap((f) => parseSipdump(readFileSync(join(dir, f), 'utf8')));
}

/**
 * Polls the directory until a record matches (Kamailio writes the dump from its workers, a moment after the
 * message was relayed). Throws with a summary of what was seen.
 */
export async function waitForSipdump(dir: string, pred: (r: SipdumpRecord) => boolean, timeoutMs = 3000): Promise<SipdumpRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = readSipdump(dir);
    const hit = all.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) {
      const seen = all.slice(-15).map((r) => `${r.tag} ${r.proto} ${r.srcIp}:${r.srcPort} -> ${r.dstIp}:${r.dstPort} ${r.startLine}`);
      throw new Error(`no matching sipdump record in ${dir} after ${timeoutMs} ms; last records:\n${seen.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
