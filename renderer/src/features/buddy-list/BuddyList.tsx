// The buddy list: search, filter, collapsible groups, presence with icon and words, keyboard navigation
// (arrows, Home/End, PageUp/PageDown, ←/→ on groups, Enter opens a chat, Shift+F10 / Menu key for actions,
// F2 renames, Delete removes), virtualised so 5000 contacts stay smooth.
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { Contact } from '../../../../shared/model/contacts';
import { Menu } from '../../components/Menu';
import type { MenuItem } from '../../components/Menu';
import { VirtualList } from '../../components/VirtualList';
import type { VirtualListHandle } from '../../components/VirtualList';
import { t } from '../../i18n/en';
import { domainOf } from '../../lib/sip-address';
import { useChatStore } from '../../store/chat-store';
import { useContactsStore } from '../../store/contacts-store';
import { buildRows, contactName, onlineCounts, sortContacts } from './buddy-rows';
import type { Filter, Row } from './buddy-rows';
import { ContactRow } from './ContactRow';
import { AddContactDialog, ContactDetailsDialog, EditContactDialog, RemoveContactDialog, RenameGroupDialog } from './ContactDialogs';

const ROW_HEIGHT = 52;
const GROUP_HEIGHT = 52;

type DialogState =
  | { kind: 'add' }
  | { kind: 'rename' | 'move' | 'remove' | 'details'; contact: Contact }
  | { kind: 'renameGroup'; group: string };

export interface BuddyListProps {
  onOpenChat(uri: string): void;
  onTestFederation?(domain: string): void;
  /** Ctrl+N / Ctrl+K from the window: set by the main screen. */
  commandRef?: { current: { add(): void; search(): void } | null };
}

const rowKey = (r: Row) => (r.kind === 'group' ? `g:${r.group}` : `c:${r.contact.uri}`);

export function BuddyList({ onOpenChat, onTestFederation, commandRef }: BuddyListProps) {
  const { groups, contacts, presence, collapsed, toggleGroup, loaded, unavailable, presenceUnavailable, update } = useContactsStore();
  const conversations = useChatStore((s) => s.conversations);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [activeKey, setActiveKey] = useState<string>();
  const [menu, setMenu] = useState<{ items: MenuItem[]; label: string; x: number; y: number }>();
  const [dialog, setDialog] = useState<DialogState>();
  const list = useRef<VirtualListHandle>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const ids = { search: useId(), filter: useId(), list: useId() };

  const sorted = useMemo(() => sortContacts(contacts), [contacts]);
  // Presence only reshapes the rows when a presence filter is on; otherwise a burst re-renders visible rows only.
  const presenceForRows = filter === 'all' ? undefined : presence;
  const rows = useMemo(() => buildRows(groups, sorted, collapsed, query, filter, presenceForRows ?? {}), [groups, sorted, collapsed, query, filter, presenceForRows]);
  const counts = useMemo(() => onlineCounts(contacts, presence), [contacts, presence]);
  const groupSize = useMemo(() => {
    const m = new Map<string, number>();
    for (const c of contacts) m.set(c.group, (m.get(c.group) ?? 0) + 1);
    return m;
  }, [contacts]);

  const activeIndex = Math.max(0, activeKey ? rows.findIndex((r) => rowKey(r) === activeKey) : 0);
  const activeRow = rows[activeIndex];
  const rowId = (i: number) => `${ids.list}-r${i}`;

  const openContact = useCallback((c: Contact) => onOpenChat(c.uri), [onOpenChat]);
  const select = useCallback((uri: string) => setActiveKey(`c:${uri}`), []);

  const contactMenu = useCallback(
    (c: Contact, x: number, y: number) => {
      const items: MenuItem[] = [
        { label: t.contacts.openChat, action: () => onOpenChat(c.uri) },
        { label: t.contacts.details, action: () => setDialog({ kind: 'details', contact: c }) },
        { label: t.contacts.rename, action: () => setDialog({ kind: 'rename', contact: c }) },
        { label: t.contacts.move, action: () => setDialog({ kind: 'move', contact: c }) },
        { label: c.blocked ? t.contacts.unblock : t.contacts.block, action: () => void update(c.uri, { blocked: !c.blocked }) },
        ...(onTestFederation ? [{ label: t.contacts.testFederation(domainOf(c.uri)), action: () => onTestFederation(domainOf(c.uri)) }] : []),
        { label: t.contacts.remove, action: () => setDialog({ kind: 'remove', contact: c }), danger: true },
      ];
      setMenu({ items, label: t.contacts.actions(contactName(c)), x, y });
    },
    [onOpenChat, onTestFederation, update],
  );
  const groupMenu = (group: string, x: number, y: number) =>
    setMenu({ items: [{ label: t.contacts.renameGroup, action: () => setDialog({ kind: 'renameGroup', group }) }], label: t.contacts.actions(group), x, y });

  useEffect(() => {
    if (!commandRef) return;
    commandRef.current = { add: () => setDialog({ kind: 'add' }), search: () => searchRef.current?.focus() };
    return () => {
      commandRef.current = null;
    };
  }, [commandRef]);

  const moveTo = (i: number) => {
    if (rows.length === 0) return;
    const n = Math.max(0, Math.min(rows.length - 1, i));
    setActiveKey(rowKey(rows[n]!));
    list.current?.scrollToIndex(n);
  };
  const menuAtActive = () => {
    const el = document.getElementById(rowId(activeIndex));
    const box = el?.getBoundingClientRect();
    const x = box ? box.left + 24 : 40;
    const y = box ? box.bottom : 120;
    if (activeRow?.kind === 'contact') contactMenu(activeRow.contact, x, y);
    else if (activeRow?.kind === 'group') groupMenu(activeRow.group, x, y);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(((e.currentTarget as HTMLElement).clientHeight || 400) / ROW_HEIGHT) - 1);
    const row = activeRow;
    switch (e.key) {
      case 'ArrowDown': moveTo(activeIndex + 1); break;
      case 'ArrowUp': moveTo(activeIndex - 1); break;
      case 'Home': moveTo(0); break;
      case 'End': moveTo(rows.length - 1); break;
      case 'PageDown': moveTo(activeIndex + page); break;
      case 'PageUp': moveTo(activeIndex - page); break;
      case 'ArrowLeft':
        if (row?.kind === 'group' && !row.collapsed) toggleGroup(row.group, true);
        else if (row?.kind === 'contact') {
          const g = rows.findIndex((r) => r.kind === 'group' && r.group === row.contact.group);
          if (g >= 0) moveTo(g);
        }
        break;
      case 'ArrowRight':
        if (row?.kind === 'group' && row.collapsed) toggleGroup(row.group, false);
        else if (row?.kind === 'group') moveTo(activeIndex + 1);
        break;
      case 'Enter':
      case ' ':
        if (row?.kind === 'group') toggleGroup(row.group);
        else if (row?.kind === 'contact' && e.key === 'Enter') openContact(row.contact);
        else return;
        break;
      case 'ContextMenu': menuAtActive(); break;
      case 'F10':
        if (!e.shiftKey) return;
        menuAtActive();
        break;
      case 'F2':
        if (row?.kind === 'contact') setDialog({ kind: 'rename', contact: row.contact });
        else if (row?.kind === 'group') setDialog({ kind: 'renameGroup', group: row.group });
        break;
      case 'Delete':
        if (row?.kind === 'contact') setDialog({ kind: 'remove', contact: row.contact });
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const renderItem = (i: number, style: { top: number; height: number }) => {
    const row = rows[i]!;
    if (row.kind === 'group') {
      const total = groupSize.get(row.group) ?? row.total;
      return (
        <div
          key={rowKey(row)}
          id={rowId(i)}
          role="treeitem"
          aria-level={1}
          aria-expanded={!row.collapsed}
          aria-selected={i === activeIndex}
          className={`row group${i === activeIndex ? ' active' : ''}`}
          style={{ top: style.top, height: GROUP_HEIGHT }}
          onClick={() => {
            setActiveKey(rowKey(row));
            toggleGroup(row.group);
          }}
          onContextMenu={(e) => {
            e.preventDefault();
            setActiveKey(rowKey(row));
            groupMenu(row.group, e.clientX, e.clientY);
          }}
        >
          <span className="group__chevron" aria-hidden="true">{row.collapsed ? '▸' : '▾'}</span>
          {t.contacts.group(row.group, counts.get(row.group) ?? 0, total)}
        </div>
      );
    }
    const c = row.contact;
    return (
      <ContactRow
        key={rowKey(row)}
        id={rowId(i)}
        contact={c}
        presence={presence[c.uri]}
        unread={conversations[c.uri]?.unread ?? 0}
        active={i === activeIndex}
        top={style.top}
        height={ROW_HEIGHT}
        posInSet={row.pos}
        setSize={row.size}
        onOpen={openContact}
        onSelect={select}
        onMenu={contactMenu}
      />
    );
  };

  return (
    <section className="buddy-list" aria-label={t.contacts.title} data-testid="buddy-list">
      <div className="buddy-list__tools">
        <label htmlFor={ids.search} className="sr-only">{t.contacts.search}</label>
        <input
          ref={searchRef}
          id={ids.search}
          type="search"
          placeholder={t.contacts.searchPlaceholder}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              list.current?.focus();
            }
          }}
        />
        <div className="buddy-list__row">
          <label htmlFor={ids.filter} className="sr-only">{t.contacts.filter}</label>
          <select id={ids.filter} value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="all">{t.contacts.filterAll}</option>
            <option value="online">{t.contacts.filterOnline}</option>
            <option value="problems">{t.contacts.filterProblems}</option>
          </select>
          <button type="button" onClick={() => setDialog({ kind: 'add' })} aria-keyshortcuts="Control+N">+ {t.contacts.add}</button>
          <button type="button" disabled={!activeRow} aria-haspopup="menu" onClick={menuAtActive} aria-label={activeRow?.kind === 'contact' ? t.contacts.actions(contactName(activeRow.contact)) : t.contacts.actions('')}>⋯</button>
        </div>
      </div>
      {unavailable && <p role="status" className="notice">{t.unavailable(t.contacts.title, unavailable)}</p>}
      {presenceUnavailable && !unavailable && <p role="status" className="notice">{t.unavailable(t.presence.myStatus, presenceUnavailable)}</p>}
      {loaded && !unavailable && contacts.length === 0 && <p className="muted empty">{t.contacts.empty}</p>}
      {contacts.length > 0 && rows.length === 0 && <p className="muted empty">{t.contacts.noMatch}</p>}
      <VirtualList
        ref={list}
        role="tree"
        aria-label={t.contacts.listLabel}
        tabIndex={0}
        aria-activedescendant={rows.length ? rowId(activeIndex) : undefined}
        itemCount={rows.length}
        itemHeight={ROW_HEIGHT}
        renderItem={renderItem}
        onKeyDown={onKeyDown}
        className="buddy-list__list"
        data-testid="contact-list"
      />
      {menu && <Menu label={menu.label} items={menu.items} x={menu.x} y={menu.y} onClose={() => setMenu(undefined)} />}
      {dialog?.kind === 'add' && <AddContactDialog onClose={() => setDialog(undefined)} onAdded={(uri) => setActiveKey(`c:${uri}`)} />}
      {(dialog?.kind === 'rename' || dialog?.kind === 'move') && <EditContactDialog contact={dialog.contact} mode={dialog.kind} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'remove' && <RemoveContactDialog contact={dialog.contact} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'details' && <ContactDetailsDialog contact={dialog.contact} presence={presence[dialog.contact.uri]} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'renameGroup' && <RenameGroupDialog group={dialog.group} onClose={() => setDialog(undefined)} />}
    </section>
  );
}
