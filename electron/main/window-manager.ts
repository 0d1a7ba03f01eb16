// One buddy-list window and one window per conversation, keyed by conversation id: opening a chat that
// already has a window brings that window forward instead of making a second one. Written against a
// small window interface (a BrowserWindow satisfies it) with an injected factory, so plain-Node tests can
// drive it with fakes.

export interface ManagedWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  once(event: 'closed', listener: () => void): unknown;
}

export interface WindowFactory<W extends ManagedWindow> {
  buddyList(): W;
  chat(conversationId: string): W;
}

export class WindowManager<W extends ManagedWindow> {
  #buddyList: W | undefined;
  readonly #chats = new Map<string, W>();

  constructor(private readonly factory: WindowFactory<W>) {}

  showBuddyList(): W {
    const existing = this.#buddyList;
    if (existing && !existing.isDestroyed()) return bringForward(existing);
    const win = this.factory.buddyList();
    this.#buddyList = win;
    win.once('closed', () => {
      if (this.#buddyList === win) this.#buddyList = undefined;
    });
    return win;
  }

  openChat(conversationId: string): W {
    const existing = this.#chats.get(conversationId);
    if (existing && !existing.isDestroyed()) return bringForward(existing);
    const win = this.factory.chat(conversationId);
    this.#chats.set(conversationId, win);
    win.once('closed', () => {
      if (this.#chats.get(conversationId) === win) this.#chats.delete(conversationId);
    });
    return win;
  }

  /** The conversation whose window is `win`, if it is a chat window. */
  conversationOf(win: unknown): string | undefined {
    for (const [id, chat] of this.#chats) if (chat === win) return id;
    return undefined;
  }

  get openConversations(): string[] {
    return [...this.#chats.keys()];
  }
}

function bringForward<W extends ManagedWindow>(win: W): W {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  return win;
}

/** The page URL for a window: the same bundled page, told by its query which view to show. */
export function windowPageUrl(pageUrl: string, view: { kind: 'buddy-list' } | { kind: 'chat'; conversationId: string }): string {
  const url = new URL(pageUrl);
  url.search = '';
  url.hash = '';
  if (view.kind === 'chat') {
    url.searchParams.set('view', 'chat');
    url.searchParams.set('conversation', view.conversationId);
  }
  return url.toString();
}
