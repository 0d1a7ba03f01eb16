// The signed-in window: own status on top, the buddy list on the left, and on the right chat tabs plus the
// history, diagnostics and settings views. Shortcuts: Ctrl+K search, Ctrl+N add contact, Ctrl+W close chat,
// Ctrl+Tab next chat, ? (or F1) the shortcut sheet.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Modal } from '../../components/Modal';
import { t } from '../../i18n/en';
import { displayAddress, normalizeUri } from '../../lib/sip-address';
import { useAccountStore } from '../../store/account-store';
import { useChatStore } from '../../store/chat-store';
import { useContactsStore } from '../../store/contacts-store';
import { useUiStore } from '../../store/ui-store';
import type { View } from '../../store/ui-store';
import { BuddyList } from '../buddy-list/BuddyList';
import { ChatView } from '../chat/ChatView';
import { Diagnostics } from '../diagnostics/Diagnostics';
import { HistorySearch } from '../history/HistorySearch';
import { OwnStatus } from '../own-status/OwnStatus';
import { Settings } from '../settings/Settings';
import { Shell } from '../shell/Shell';
import { WatcherRequests } from './WatcherRequests';

function Shortcuts({ onClose }: { onClose: () => void }) {
  return (
    <Modal title={t.shortcuts.title} onClose={onClose}>
      <dl className="facts">
        {t.shortcuts.list.map(([k, v]) => (
          <div key={k} className="contents">
            <dt><kbd>{k}</kbd></dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="actions"><button type="button" autoFocus onClick={onClose}>{t.shortcuts.close}</button></div>
    </Modal>
  );
}

export function MainScreen() {
  const { state, signOut, accountId } = useAccountStore();
  const { view, openChats, show, openChat, closeChat, testFederation, federationDomain } = useUiStore();
  const conversations = useChatStore((s) => s.conversations);
  const contacts = useContactsStore((s) => s.contacts);
  const [shortcuts, setShortcuts] = useState(false);
  const commands = useRef<{ add(): void; search(): void } | null>(null);

  useEffect(() => {
    void useContactsStore.getState().load();
    void useChatStore.getState().loadList();
  }, [accountId]);

  const open = useCallback(
    (uri: string) => {
      const id = normalizeUri(uri);
      openChat(id);
      void useChatStore.getState().open(id);
    },
    [openChat],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'k') commands.current?.search();
      else if (mod && e.key.toLowerCase() === 'n') commands.current?.add();
      else if (mod && e.key.toLowerCase() === 'w' && view.kind === 'chat') closeChat(view.id);
      else if (mod && e.key === 'Tab' && openChats.length) {
        const i = view.kind === 'chat' ? openChats.indexOf(view.id) : -1;
        openChat(openChats[(i + (e.shiftKey ? -1 : 1) + openChats.length) % openChats.length]!);
      } else if (e.key === 'F1' || (e.key === '?' && !(e.target instanceof HTMLInputElement) && !(e.target instanceof HTMLTextAreaElement) && !(e.target instanceof HTMLSelectElement))) setShortcuts(true);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view, openChats, closeChat, openChat]);

  const nameOf = (id: string) => contacts.find((c) => c.uri === id)?.displayName || displayAddress(id);
  const isView = (k: View['kind'], id?: string) => view.kind === k && (id === undefined || (view.kind === 'chat' && view.id === id));
  const tabs: { key: string; label: string; view: View; unread?: number; closable?: string }[] = [
    ...openChats.map((id) => ({ key: `chat:${id}`, label: nameOf(id), view: { kind: 'chat', id } as View, unread: conversations[id]?.unread ?? 0, closable: id })),
    { key: 'history', label: t.nav.history, view: { kind: 'history' } },
    { key: 'diagnostics', label: t.nav.diagnostics, view: { kind: 'diagnostics' } },
    { key: 'settings', label: t.nav.settings, view: { kind: 'settings' } },
  ];

  return (
    <div className="main">
      <header className="topbar">
        <img src="icon.svg" alt="" width={28} height={28} />
        <OwnStatus />
        <span className="who" data-testid="signed-in-as">{t.account.signedInAs(state?.accountId ?? '')}</span>
        {state?.state === 'reconnecting' && <span className="badge warn" role="status">{t.account.reconnecting} {state.detail}</span>}
        <button type="button" onClick={() => setShortcuts(true)} aria-keyshortcuts="F1" title={t.nav.shortcuts}>?</button>
        <button type="button" onClick={() => void signOut()}>{t.account.signOut}</button>
      </header>
      <WatcherRequests />
      <div className="workspace">
        <aside className="sidebar">
          <BuddyList onOpenChat={open} onTestFederation={testFederation} commandRef={commands} />
        </aside>
        <main className="content">
          <nav aria-label={t.nav.label} className="tabs">
            <ul>
              {tabs.map((tab) => {
                const selected = isView(tab.view.kind, tab.view.kind === 'chat' ? tab.view.id : undefined);
                return (
                  <li key={tab.key} className={`tab${selected ? ' selected' : ''}`} >
                    <button type="button" aria-current={selected ? 'page' : undefined} onClick={() => (tab.view.kind === 'chat' ? open(tab.view.id) : show(tab.view))} data-testid={tab.closable ? 'chat-tab' : undefined}>
                      {tab.label}
                      {tab.unread ? <span className="unread" aria-label={t.contacts.unread(tab.unread)}>{tab.unread}</span> : null}
                    </button>
                    {tab.closable && (
                      <button type="button" className="tab__close" aria-label={t.nav.close(tab.label)} onClick={() => closeChat(tab.closable!)}>×</button>
                    )}
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="view">
            {view.kind === 'chat' && <ChatView key={view.id} conversationId={view.id} />}
            {view.kind === 'history' && <HistorySearch onOpen={open} />}
            {view.kind === 'diagnostics' && <Diagnostics {...(federationDomain ? { federationDomain } : {})} />}
            {view.kind === 'settings' && <Settings />}
            {view.kind === 'welcome' && (
              <div className="welcome">
                <h2>{t.welcome.title}</h2>
                <ul>
                  {t.welcome.tips.map((tip) => <li key={tip}>{tip}</li>)}
                </ul>
                <Shell />
              </div>
            )}
          </div>
        </main>
      </div>
      {shortcuts && <Shortcuts onClose={() => setShortcuts(false)} />}
    </div>
  );
}
