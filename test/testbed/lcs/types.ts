// The JSON the emulated LCS process and its test-side client exchange over the control channel. Each switch names
// the protocol.md section whose behaviour it selects (the table in README.md lists them all).
import type { Availability } from '../../../electron/sip/simple/presence-model';

export type { Availability };

/** m-line media names an LCS user's client takes (protocol.md §2.5 item 25: RTC 1.3 and RTC 1.2 forms). */
export type ImSdpForm = 'message' | 'x-ms-message';

/** Presence document the home server answers with (§2.7 item 45, §3.2, §3.3). */
export type PresenceFormat =
  /** PIDF if the SUBSCRIBE's Accept allows it (or has no Accept), else XPIDF (§2.8 item 46 order). */
  | 'auto'
  /** PIDF, one tuple, draft RPID `es:activities/es:activity` inside status, `ci:display-name` (§3.2). */
  | 'pidf-bcp'
  /** PIDF with RFC 4480 `rpid:activities/rpid:<token/>` in a `dm:person`. */
  | 'pidf-rfc4480'
  /** XPIDF with `msnsubstatus` and the MS `display` element (§3.3). */
  | 'xpidf';

/** RFC 6665 §4.2.2 reasons for `Subscription-State: terminated`. */
export type TerminateReason = 'deactivated' | 'probation' | 'rejected' | 'timeout' | 'giveup' | 'noresource';
export const TERMINATE_REASONS: readonly TerminateReason[] = ['deactivated', 'probation', 'rejected', 'timeout', 'giveup', 'noresource'];

export interface LcsSwitches {
  // ---- IM, as the LCS user's Communicator answers (§2.5, §2.6) ----
  /** SDP media names taken in an IM INVITE (default both). An offer with neither gets `inviteRejectStatus`. */
  readonly imSdpForms: readonly ImSdpForm[];
  /** What an IM INVITE the user cannot take gets: 488 + Warning (§2.5 item 32) or 415 (§2.12). Default 488. */
  readonly inviteRejectStatus: 488 | 415;
  /** The 200 to an IM INVITE carries `Supported: ms-text-format` (§2.5 item 27). Default true. */
  readonly msTextFormat: boolean;
  /** MESSAGE content types taken (base type, lower case); others get 415 (§2.5 item 28). */
  readonly messageContentTypes: readonly string[];
  /** Out-of-dialog (page-mode) MESSAGE answered 200 (true, default) or 415 (false): §2.5 item 23, §4 item 2 [U]. */
  readonly acceptPageMode: boolean;
  // ---- Presence, as the LCS home server answers it (§2.7, §2.10) ----
  readonly presenceFormat: PresenceFormat;
  /** NOTIFY, or BENOTIFY which gets no response ([MS-SIP] §3.5.5.3, §2.7 item 38). */
  readonly notifyMethod: 'NOTIFY' | 'BENOTIFY';
  /** First state in the 200 (§2.7 item 37, §3.1): 'auto' = when the SUBSCRIBE offered ms-piggyback-first-notify. */
  readonly piggyback: 'auto' | 'always' | 'never';
  /** The 200 to SUBSCRIBE carries Event (false: omitted, as PIC did, §2.7 item 39). */
  readonly eventIn200: boolean;
  /** The first NOTIFY is sent, and answered, before the 200 goes out (§2.7 item 39). */
  readonly notifyBefore200: boolean;
  /** Expiry granted in the 200 and Subscription-State (e.g. 24767, §2.7 item 40); undefined = the requested one. */
  readonly grantExpires?: number;
  /** Accept, send the state, then end at once with `Subscription-State: terminated;reason=<this>`. */
  readonly terminate?: TerminateReason;
  /** Refuse every SUBSCRIBE to this user: 403, 404 or 604 (§2.7 item 42, §2.8 item 47). */
  readonly subscribeStatus?: 403 | 404 | 604;
  /** Watchers (AOR `sip:x@d` or a bare domain) refused with 403 (ACE "D", §2.10 item 50). */
  readonly denyWatchers: readonly string[];
  /** Watchers politely blocked: 200 and `closed` whatever the real state (ACE "B", §2.10 item 51). */
  readonly blockWatchers: readonly string[];
}

/** A change to some switches; `null` puts a switch back to its default. */
export type SwitchPatch = { readonly [K in keyof LcsSwitches]?: LcsSwitches[K] | null };

export const DEFAULT_SWITCHES: LcsSwitches = {
  imSdpForms: ['message', 'x-ms-message'],
  inviteRejectStatus: 488,
  msTextFormat: true,
  messageContentTypes: ['text/plain', 'text/html', 'text/rtf', 'multipart/alternative'],
  acceptPageMode: true,
  presenceFormat: 'auto',
  notifyMethod: 'NOTIFY',
  piggyback: 'never',
  eventIn200: true,
  notifyBefore200: false,
  denyWatchers: [],
  blockWatchers: [],
};

export interface LcsPresence {
  /** protocol.md §2.9 rows. 'offline' also makes IM INVITEs get 480, 'do-not-disturb' 486 (§2.12). */
  readonly availability: Availability;
  readonly note?: string;
  readonly displayName?: string;
}

/** `X-MMS-IM-Format` fields of the `msgr` parameter (§2.5 item 28). */
export interface MsgrFormat {
  readonly font?: string;
  readonly effects?: string;
  readonly color?: string;
}

/** One request an LCS user received (or that was addressed to it), as the tests see it. */
export interface ReceivedRecord {
  readonly seq: number;
  readonly at: number;
  readonly method: string;
  readonly from: string;
  readonly to: string;
  readonly callId: string;
  readonly cseq: number;
  /** The whole request as it arrived (headers and body). */
  readonly wire: string;
  readonly contentType?: string;
  readonly body: string;
  /** What the LCS side answered (undefined for ACK). */
  readonly status?: number;
  /** The IM session it belongs to, if any. */
  readonly sessionId?: string;
  /** MESSAGE text; for an INVITE, the decoded `ms-body` of Ms-Text-Format. */
  readonly text?: string;
  /** The decoded `msgr` parameter (UTF-16LE `X-MMS-IM-Format: …`). */
  readonly msgr?: string;
  readonly msgrFormat?: MsgrFormat;
  /** KeyboardActivity INFO (§2.6 item 33). */
  readonly typing?: 'type' | 'idle';
  /** SDP m-lines of an INVITE: media name and the format token. */
  readonly media?: ReadonlyArray<{ readonly media: string; readonly port: number; readonly format: string }>;
}

export interface SessionInfo {
  readonly id: string;
  readonly user: string;
  /** The other party's AOR. */
  readonly peer: string;
  readonly callId: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly state: 'confirmed' | 'terminated';
  readonly sdpForm: ImSdpForm;
}

export interface OpenImRequest {
  readonly to: string;
  /** First message. With `msTextFormat` (default true) it rides in the INVITE's Ms-Text-Format header (§2.5 item 27). */
  readonly text?: string;
  readonly msTextFormat?: boolean;
  readonly msgr?: MsgrFormat;
  /** SDP media form offered (default 'message'). */
  readonly sdpForm?: ImSdpForm;
}

export interface OpenImResult {
  readonly status: number;
  readonly reason: string;
  readonly sessionId?: string;
  /** The 200 carried `Supported: ms-text-format`. */
  readonly peerSupportsMsTextFormat: boolean;
  /** The first text went again as an in-dialog MESSAGE because the 200 lacked ms-text-format (§2.5 item 27). */
  readonly textResentAsMessage: boolean;
  readonly responseWire: string;
}

export interface SendImRequest {
  readonly text: string;
  /** Default 'text/plain'. */
  readonly contentType?: 'text/plain' | 'text/html' | 'text/rtf' | string;
  readonly msgr?: MsgrFormat;
}

export interface RequestResult {
  readonly status: number;
  readonly reason: string;
  readonly responseWire: string;
}

export interface WatcherInfo {
  readonly watcher: string;
  readonly callId: string;
  readonly expiresAt: number;
  readonly blocked: boolean;
  readonly notifies: number;
}

/** Good-citizenship evidence (protocol.md §2.11). */
export interface SubscribeEvent {
  readonly at: number;
  readonly watcher: string;
  readonly presentity: string;
  readonly callId: string;
  readonly inDialog: boolean;
  readonly expires: number | undefined;
  readonly status: number;
}

export interface ConnectionEvent {
  readonly id: string;
  readonly at: number;
  readonly remoteAddress: string;
  /** Subject CN of the client certificate. */
  readonly peer: string;
}

export interface LcsStats {
  readonly now: number;
  readonly subscribes: readonly SubscribeEvent[];
  readonly connections: readonly ConnectionEvent[];
  readonly openConnections: readonly ConnectionEvent[];
  readonly handshakeFailures: number;
  readonly identityRefusals: ReadonlyArray<{ readonly at: number; readonly fromDomain: string; readonly presented: string }>;
}
