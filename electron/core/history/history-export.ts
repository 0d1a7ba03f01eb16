// A conversation as a file the user saves: plain text to read, JSON to keep or process.
//   text: one line per message, `<ISO time> <in|out> <who>: <text>` (+ ` [<state>…]` for an outgoing
//         message that was not delivered). Line breaks inside a message become " ⏎ " so a line is always
//         one message; control characters (ANSI escapes a hostile sender could hide for `cat`) and bidi
//         overrides are replaced by U+FFFD. Lossy on purpose: the JSON export is the faithful one.
//   json: { format, version, exportedAt, conversation, messages: ChatMessage[] } — exactly what is stored.
import type { ChatMessage, ConversationSummary } from '../../../shared/model/chat';

export type ExportFormat = 'text' | 'json';

export interface ExportedFile {
  readonly filename: string;
  readonly content: string;
}

const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu;

function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ⏎ ').replace(UNSAFE_IN_TEXT, '\uFFFD');
}

function peerName(conversation: ConversationSummary): string {
  return conversation.displayName ?? conversation.peer.replace(/^sips?:/i, '');
}

/** `parley-bob@beta.test-2024-05-01.txt`: only characters every file system accepts. */
export function exportFilename(conversation: ConversationSummary, format: ExportFormat, now: number): string {
  const who = conversation.peer.replace(/^sips?:/i, '').replace(/[^A-Za-z0-9._@+-]/g, '_').slice(0, 100);
  const day = new Date(now).toISOString().slice(0, 10);
  return `parley-${who}-${day}.${format === 'json' ? 'json' : 'txt'}`;
}

export function formatText(conversation: ConversationSummary, messages: readonly ChatMessage[]): string {
  const them = oneLine(peerName(conversation));
  const lines = messages.map((m) => {
    const who = m.direction === 'in' ? them : 'me';
    const note = m.direction === 'out' && m.state !== 'delivered' ? ` [${[m.state, m.failure, m.detail].filter(Boolean).map((s) => oneLine(s!)).join(': ')}]` : '';
    return `${new Date(m.at).toISOString()} ${m.direction} ${who}: ${oneLine(m.text)}${note}`;
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function formatJson(conversation: ConversationSummary, messages: readonly ChatMessage[], now: number): string {
  const { id, peer, displayName } = conversation;
  return `${JSON.stringify({ format: 'parley-history', version: 1, exportedAt: new Date(now).toISOString(), conversation: { id, peer, ...(displayName !== undefined ? { displayName } : {}) }, messages }, null, 2)}\n`;
}
