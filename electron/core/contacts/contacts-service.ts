// The contact list as the IPC contract sees it (`contacts.list/add/update/remove/renameGroup`) and the
// `contacts.changed` event, over ContactStore. The contract names no account: the list shown is that of
// the account in use, resolved on every call:
//   1. the signed-in account (`activeAccountId()`), else
//   2. the last-used account (`lastUsedAccountId()`: this run's last sign-in, else the account saved last
//      in accounts.json, which the account service rewrites on each successful sign-in), else
//   3. 'local'.
// Why: signed out, people still expect to see (and edit) their buddy list, and it should be the list of the
// account they use, not an empty one. 'local' only holds contacts added before any account ever signed in;
// it is handed to the first real account resolved (ContactStore.adopt), so nothing typed in is lost.
import type { CommandRequest } from '../../../shared/ipc/contract';
import type { Contact, ContactList } from '../../../shared/model/contacts';
import type { EventBus } from '../event-bus';
import type { ContactChange, ContactStore } from './contact-store';

export const LOCAL_ACCOUNT = 'local';

export interface ContactsServiceOptions {
  readonly store: ContactStore;
  /** The signed-in account id, or undefined when signed out. */
  readonly activeAccountId: () => string | undefined;
  /** The last-used account id when signed out, or undefined if there never was one. */
  readonly lastUsedAccountId?: () => string | undefined | Promise<string | undefined>;
  /** Where `contacts.changed` goes; without it no events are emitted. */
  readonly events?: EventBus;
  readonly log?: (line: string) => void;
}

export class ContactsService {
  readonly #options: ContactsServiceOptions;
  readonly #unsubscribe: () => void;
  /** The account whose list was last shown, so events for other accounts are not pushed to the UI. */
  #shown: string | undefined;
  #flushPending = false;

  constructor(options: ContactsServiceOptions) {
    this.#options = options;
    this.#unsubscribe = options.store.onChange((change) => this.#onStoreChange(change));
  }

  get store(): ContactStore {
    return this.#options.store;
  }

  /** The account the list is about now (see the header comment for the order). */
  async accountId(): Promise<string> {
    const id = this.#options.activeAccountId() ?? (await this.#options.lastUsedAccountId?.()) ?? LOCAL_ACCOUNT;
    if (id !== LOCAL_ACCOUNT && this.#options.store.size(LOCAL_ACCOUNT) > 0) {
      const moved = this.#options.store.adopt(LOCAL_ACCOUNT, id);
      this.#options.log?.(`contacts: ${moved} contact(s) added while signed out moved to ${id}`);
    }
    this.#shown = id;
    return id;
  }

  async list(): Promise<ContactList> {
    return this.#options.store.list(await this.accountId());
  }

  async add(request: CommandRequest<'contacts.add'>): Promise<Contact> {
    return this.#options.store.add(await this.accountId(), request);
  }

  async update(request: CommandRequest<'contacts.update'>): Promise<Contact> {
    const { uri, ...patch } = request;
    return this.#options.store.update(await this.accountId(), uri, patch);
  }

  async remove(uri: string): Promise<void> {
    this.#options.store.remove(await this.accountId(), uri);
  }

  async renameGroup(from: string, to: string): Promise<void> {
    this.#options.store.renameGroup(await this.accountId(), from, to);
  }

  /** Pushes the current list (e.g. after the active account changed). */
  async refresh(): Promise<void> {
    const id = await this.accountId();
    this.#options.events?.emit('contacts.changed', this.#options.store.list(id));
  }

  dispose(): void {
    this.#unsubscribe();
  }

  #onStoreChange(change: ContactChange): void {
    // Changes arrive synchronously after the store committed; those of the shown account are coalesced into
    // one `contacts.changed` per turn (adding a contact to a new group is two changes, one list to push).
    if (!this.#options.events || change.accountId !== this.#shown || this.#flushPending) return;
    this.#flushPending = true;
    queueMicrotask(() => {
      this.#flushPending = false;
      const id = this.#shown;
      if (id === undefined) return;
      try {
        this.#options.events?.emit('contacts.changed', this.#options.store.list(id));
      } catch (error) {
        this.#options.log?.(`contacts.changed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
}
