// Who may see my presence (issue 9 item 4), kept as the account's `pres-rules` document (RFC 5025) that the
// presence server enforces: contacts are allowed, blocked contacts are politely blocked (they see "offline", never
// a refusal, RFC 5025 §3.2.1), anybody else is asked about ("confirm": watcher information, RFC 3857, tells us,
// and allowWatcher/blockWatcher answer). Writes are read-modify-write with If-Match; a 412 re-reads and re-applies
// the same change, so two clients editing rules at once both get their change in.
import type { ContactChange, ContactStore } from '../contacts/contact-store';
import { normalizeContactUri } from '../contacts/contact-uri';
import { buildPresRules, parsePresRules, PRES_RULES_AUID, PRES_RULES_TYPE } from '../../sip/simple/pres-rules';
import type { PresenceRules, SubHandling } from '../../sip/simple/pres-rules';
import type { ServerListService } from './server-list-service';
import { XcapConflictError, XcapError } from './xcap-errors';

export interface PresenceRulesServiceOptions {
  readonly store: ContactStore;
  readonly lists: ServerListService;
  /** What unknown watchers get when Parley writes the first rules of an account (default 'confirm' = ask me). */
  readonly defaultOthers?: SubHandling;
  readonly log?: (line: string) => void;
}

type Edit = (r: PresenceRules) => PresenceRules;

const without = (list: readonly string[], uri: string) => list.filter((u) => u !== uri);

export const allowEdit = (uri: string): Edit => (r) => ({ ...r, allow: [...without(r.allow, uri), uri], block: without(r.block, uri) });
export const blockEdit = (uri: string): Edit => (r) => ({ ...r, block: [...without(r.block, uri), uri], allow: without(r.allow, uri) });
export const forgetEdit = (uri: string): Edit => (r) => ({ ...r, allow: without(r.allow, uri) });

export class PresenceRulesService {
  readonly #opts: PresenceRulesServiceOptions;
  readonly #unsubscribe: () => void;
  readonly #chains = new Map<string, Promise<unknown>>();

  constructor(opts: PresenceRulesServiceOptions) {
    this.#opts = opts;
    this.#unsubscribe = opts.store.onChange((c) => this.#onContactChange(c));
  }

  /** The rules on the server now, or undefined without a server-side list. */
  async rules(accountId: string): Promise<PresenceRules | undefined> {
    const client = this.#opts.lists.client(accountId);
    if (!client) return undefined;
    const doc = await client.get(PRES_RULES_AUID);
    return doc ? parsePresRules(doc.body) : undefined;
  }

  /** "Let X see my presence." */
  allowWatcher(accountId: string, uri: string): Promise<PresenceRules> {
    return this.#edit(accountId, allowEdit(normalizeContactUri(uri)));
  }

  /** "Don't let X see my presence" — politely: X sees me offline and is not told why. */
  blockWatcher(accountId: string, uri: string): Promise<PresenceRules> {
    return this.#edit(accountId, blockEdit(normalizeContactUri(uri)));
  }

  /** What unknown watchers get: 'confirm' (ask me), 'allow' (everybody) or 'polite-block' (nobody). */
  setOthers(accountId: string, others: SubHandling): Promise<PresenceRules> {
    return this.#edit(accountId, (r) => ({ ...r, others }));
  }

  /** Writes the account's contacts into the rules (sign-in): contacts allowed, blocked contacts blocked. */
  reconcile(accountId: string): Promise<PresenceRules> {
    const contacts = this.#opts.store.list(accountId).contacts;
    return this.#edit(accountId, (r) => {
      let next = r;
      // A contact blocked from another profile stays blocked: allowing happens only where nobody blocked.
      for (const c of contacts) if (c.blocked) next = blockEdit(c.uri)(next);
      else if (!next.allow.includes(c.uri) && !next.block.includes(c.uri)) next = allowEdit(c.uri)(next);
      return next;
    });
  }

  close(): void {
    this.#unsubscribe();
  }

  #onContactChange(c: ContactChange): void {
    if (!this.#opts.lists.hasServerList(c.accountId)) return; // signed out: reconcile() at the next sign-in
    let edit: Edit | undefined;
    if (c.kind === 'added') edit = c.contact.blocked ? blockEdit(c.contact.uri) : allowEdit(c.contact.uri);
    else if (c.kind === 'removed' && !c.contact.blocked) edit = forgetEdit(c.contact.uri);
    else if (c.kind === 'updated' && c.contact.blocked !== c.previous.blocked) edit = c.contact.blocked ? blockEdit(c.contact.uri) : allowEdit(c.contact.uri);
    if (edit) this.#edit(c.accountId, edit).catch((err: unknown) => this.#opts.log?.(`pres-rules: ${c.accountId}: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Serialised per account; read, apply, write with If-Match, again on 412 (at most 5 times). */
  #edit(accountId: string, edit: Edit): Promise<PresenceRules> {
    const run = async (): Promise<PresenceRules> => {
      const client = this.#opts.lists.client(accountId);
      if (!client) throw new XcapError('no server-side presence rules for this account (signed out, or no XCAP server)');
      for (let attempt = 1; ; attempt++) {
        const doc = await client.get(PRES_RULES_AUID);
        const current = doc ? parsePresRules(doc.body) : { allow: [], block: [], others: this.#opts.defaultOthers ?? 'confirm' };
        const next = edit(current);
        const body = buildPresRules(next);
        if (doc && body === buildPresRules(current)) return next; // nothing to change
        try {
          await client.put(PRES_RULES_AUID, body, PRES_RULES_TYPE, doc?.etag !== undefined ? { ifMatch: doc.etag } : { createOnly: true });
          return next;
        } catch (err) {
          if (!(err instanceof XcapConflictError) || attempt >= 5) throw err;
        }
      }
    };
    const chain = (this.#chains.get(accountId) ?? Promise.resolve()).then(run, run);
    this.#chains.set(accountId, chain.catch(() => undefined));
    return chain;
  }
}
