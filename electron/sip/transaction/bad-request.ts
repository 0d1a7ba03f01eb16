// The 400 for a request the parser rejected (RFC 3261 §8.2.2, §21.4.1; issue item 10). There is no parsed message
// to build from, so the headers a response must echo (§8.2.6.2: Via, From, To, Call-ID, CSeq) are copied as raw
// lines from the bytes. Without a Via there is nowhere to send a response, so nothing is built.

const ECHOED = /^(via|v|from|f|to|t|call-id|i|cseq)[ \t]*:/i;

/** True when the bytes look like a response (status line), which is dropped rather than answered (§18.1.2). */
export function looksLikeResponse(bytes: Buffer | string): boolean {
  const head = (typeof bytes === 'string' ? bytes.slice(0, 8) : bytes.subarray(0, 8).toString('latin1')).toUpperCase();
  return head.startsWith('SIP/');
}

/** The wire text of `SIP/2.0 <status> <reason>` echoing the raw mandatory headers, or undefined without a Via. */
export function rawErrorResponse(bytes: Buffer | string, status: number, reason: string): string | undefined {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const lines = (end < 0 ? text : text.slice(0, end)).split(/\r?\n/).slice(1);
  const echoed: string[] = [];
  let continuing = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      // §7.3.1: a folded continuation line belongs to the header above it.
      if (continuing) echoed[echoed.length - 1] += ` ${line.trim()}`;
    } else {
      continuing = ECHOED.test(line);
      if (continuing) echoed.push(line);
    }
  }
  if (!echoed.some((l) => /^(via|v)[ \t]*:/i.test(l))) return undefined;
  const safeReason = reason.replace(/[\r\n]/g, ' ');
  return `SIP/2.0 ${status} ${safeReason}\r\n${echoed.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`;
}
