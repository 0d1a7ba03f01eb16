// The one presence model every body format maps to (PIDF + RPID/CIPID/data model, XPIDF, msrtc.pidf).
// It is UI-level: what a buddy row and its tooltip show. The services layer copies it into shared/model.
// The availability values are the rows of protocol.md §2.9.

/** protocol.md §2.9 UI states. `unknown`: the document said nothing usable (e.g. no basic status at all). */
export type Availability =
  | 'available'
  | 'idle'
  | 'busy'
  | 'do-not-disturb'
  | 'be-right-back'
  | 'away'
  | 'out-to-lunch'
  | 'in-a-call'
  | 'offline'
  | 'unknown';

export const AVAILABILITIES: readonly Availability[] = [
  'available', 'idle', 'busy', 'do-not-disturb', 'be-right-back', 'away', 'out-to-lunch', 'in-a-call', 'offline', 'unknown',
];

export type PresenceFormat = 'pidf' | 'xpidf' | 'msrtc';

/** A note with its language (xml:lang), when given. */
export interface PresenceNote {
  readonly text: string;
  readonly lang?: string;
}

/** One communication address / device of the presentity (a PIDF tuple, an XPIDF address). */
export interface PresenceEndpoint {
  readonly id: string;
  /** open / closed (PIDF basic, RFC 3863 §4.1.4; XPIDF status mapped: inuse/inactive count as open). */
  readonly basic?: 'open' | 'closed';
  readonly contact?: string;
  /** Contact priority 0..1 (RFC 3863 §4.1.5); XPIDF address priority. */
  readonly priority?: number;
  readonly notes: readonly PresenceNote[];
  /** As received (RFC 3339 date-time for PIDF). */
  readonly timestamp?: string;
  /** RFC 4479 §3.4 dm:deviceID this tuple is reached through. */
  readonly deviceId?: string;
}

/** An RFC 4479 dm:device. */
export interface PresenceDevice {
  readonly id: string;
  readonly deviceId?: string;
  readonly notes: readonly PresenceNote[];
  readonly timestamp?: string;
}

/** Format-specific facts kept for the diagnostics view ("why does Bob look busy?"). */
export interface PresenceDiagnostics {
  readonly format: PresenceFormat;
  /** The presentity as written in the document, before normalization. */
  readonly rawEntity: string;
  /** Which endpoint decided `basic` and the contact (PIDF tuple id / XPIDF address uri). */
  readonly chosenEndpoint?: string;
  /** Namespaces of elements we did not understand and ignored (RFC 3863 §4.1.6 / BCP §5.2 must-ignore). */
  readonly ignoredNamespaces: readonly string[];
  /** XPIDF has no namespaces: the local names of top-level elements we ignored. */
  readonly ignoredElements?: readonly string[];
  /** The RPID dialect the activities came from. */
  readonly rpidForm?: 'rfc4480' | 'draft-rpid-status';
  /** XPIDF <status status> and <msnsubstatus substatus>. */
  readonly xpidfStatus?: string;
  readonly xpidfSubstatus?: string;
  /** msrtc.pidf availability/@aggregate, activity/@aggregate, userInfo/states/state/@avail. */
  readonly msrtcAvailability?: number;
  readonly msrtcActivity?: number;
  readonly msrtcUserState?: number;
}

export interface PresenceState {
  /** The presentity URI, with `sip:` added when the sender left the scheme out (protocol.md §2.7 item 39). */
  readonly entity: string;
  readonly availability: Availability;
  /** Overall open/closed, when the document says. */
  readonly basic?: 'open' | 'closed';
  /** The note to show (person note first, then the chosen tuple's, then the document's), in the preferred language. */
  readonly note?: string;
  readonly noteLang?: string;
  readonly displayName?: string;
  /** Activity tokens as received (RPID tokens, XPIDF substatus, msrtc activity names), lower-case. */
  readonly activities: readonly string[];
  /** RPID mood tokens (RFC 4480 §3.5). */
  readonly moods: readonly string[];
  /** The best contact address. */
  readonly contact?: string;
  /** CIPID (RFC 4482 §3): vCard, homepage and icon URIs. */
  readonly card?: string;
  readonly homepage?: string;
  readonly icon?: string;
  /** Most recent timestamp in the document (as received). */
  readonly timestamp?: string;
  readonly endpoints: readonly PresenceEndpoint[];
  readonly devices: readonly PresenceDevice[];
  readonly raw: PresenceDiagnostics;
}

/** Options shared by all presence parsers. */
export interface PresenceParseOptions {
  /** Preferred note language (BCP 47 tag, matched case-insensitively by prefix, e.g. "en" matches "en-GB"). */
  readonly preferredLang?: string;
}

/**
 * Adds `sip:` when the presentity has no URI scheme: AOL via PIC sent bare `user@domain` entities and msrtc.pidf
 * `uri` attributes omit it (protocol.md §2.7 item 39; sipe-notify.c).
 */
export function normalizeEntity(raw: string): string {
  const t = raw.trim();
  if (t === '') return t;
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(t) ? t : `sip:${t}`;
}

/** Picks the note to show from several in different languages: the preferred language, else the first one. */
export function pickNote(notes: readonly PresenceNote[], preferredLang?: string): PresenceNote | undefined {
  if (notes.length === 0) return undefined;
  if (preferredLang) {
    const want = preferredLang.toLowerCase();
    for (const n of notes) {
      const l = n.lang?.toLowerCase();
      if (l && (l === want || l.startsWith(`${want}-`) || want.startsWith(`${l}-`))) return n;
    }
  }
  return notes[0];
}
