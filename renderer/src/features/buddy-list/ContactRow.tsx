import { memo } from 'react';
import type { Contact } from '../../../../shared/model/contacts';
import type { ContactPresence } from '../../../../shared/model/presence';
import { PresenceIcon } from '../../components/PresenceIcon';
import { t } from '../../i18n/en';
import { availabilityLabel, freshness, reasonText } from '../../lib/presence';
import { displayAddress } from '../../lib/sip-address';
import { contactName } from './buddy-rows';

export function contactTooltip(contact: Contact, presence: ContactPresence | undefined): string {
  const lines = [contactName(contact), displayAddress(contact.uri), availabilityLabel(presence?.availability ?? 'unknown')];
  if (presence?.note) lines.push(`“${presence.note}”`);
  const reason = reasonText(presence);
  if (reason) lines.push(reason);
  lines.push(freshness(presence?.updatedAt));
  if (contact.blocked) lines.push(t.contacts.blocked);
  return lines.join('\n');
}

interface Props {
  id: string;
  contact: Contact;
  presence: ContactPresence | undefined;
  unread: number;
  active: boolean;
  top: number;
  height: number;
  posInSet: number;
  setSize: number;
  onOpen(contact: Contact): void;
  onSelect(uri: string): void;
  onMenu(contact: Contact, x: number, y: number): void;
}

export const ContactRow = memo(function ContactRow({ id, contact, presence, unread, active, top, height, posInSet, setSize, onOpen, onSelect, onMenu }: Props) {
  const availability = presence?.availability ?? 'unknown';
  const reason = reasonText(presence);
  const name = contactName(contact);
  return (
    <div
      id={id}
      role="treeitem"
      aria-level={2}
      aria-posinset={posInSet}
      aria-setsize={setSize}
      aria-selected={active}
      className={`row contact${active ? ' active' : ''}${contact.blocked ? ' blocked' : ''}`}
      style={{ top, height }}
      title={contactTooltip(contact, presence)}
      data-uri={contact.uri}
      onClick={() => onSelect(contact.uri)}
      onDoubleClick={() => onOpen(contact)}
      onContextMenu={(e) => {
        e.preventDefault();
        onSelect(contact.uri);
        onMenu(contact, e.clientX, e.clientY);
      }}
    >
      <PresenceIcon availability={availability} />
      <span className="contact__text">
        <span className="contact__name">{name}</span>
        <span className="contact__status">
          {availabilityLabel(availability)}
          {presence?.note ? ` — ${presence.note}` : ''}
          {reason && presence?.reason !== 'pending' ? <span className="contact__reason"> · {reason}</span> : null}
        </span>
      </span>
      {contact.blocked && <span className="tag">{t.contacts.blocked}</span>}
      {unread > 0 && (
        <span className="unread">
          {unread}
          <span className="sr-only"> {t.contacts.unread(unread)}</span>
        </span>
      )}
    </div>
  );
});
