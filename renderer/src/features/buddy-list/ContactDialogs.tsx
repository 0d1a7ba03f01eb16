import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { Contact } from '../../../../shared/model/contacts';
import type { ContactPresence } from '../../../../shared/model/presence';
import { Modal } from '../../components/Modal';
import { PresenceIcon } from '../../components/PresenceIcon';
import { t } from '../../i18n/en';
import { freshness, reasonText } from '../../lib/presence';
import { checkSipAddress, displayAddress } from '../../lib/sip-address';
import { useContactsStore } from '../../store/contacts-store';
import { contactName } from './buddy-rows';

function GroupPicker({ value, onChange, groups }: { value: string; onChange: (g: string) => void; groups: string[] }) {
  const ids = { select: useId(), name: useId() };
  const known = groups.includes(value) || value === '';
  const [custom, setCustom] = useState(!known);
  return (
    <>
      <label htmlFor={ids.select}>{t.contacts.groupLabel}</label>
      <select
        id={ids.select}
        value={custom ? '__new__' : value}
        onChange={(e) => {
          if (e.target.value === '__new__') {
            setCustom(true);
            onChange('');
          } else {
            setCustom(false);
            onChange(e.target.value);
          }
        }}
      >
        {groups.map((g) => (
          <option key={g} value={g}>{g}</option>
        ))}
        <option value="__new__">{t.contacts.newGroup}</option>
      </select>
      {custom && (
        <>
          <label htmlFor={ids.name}>{t.contacts.newGroupName}</label>
          <input id={ids.name} type="text" value={value} maxLength={256} onChange={(e) => onChange(e.target.value)} />
        </>
      )}
    </>
  );
}

export function AddContactDialog({ onClose, onAdded }: { onClose: () => void; onAdded?: (uri: string) => void }) {
  const { groups, add } = useContactsStore();
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [group, setGroup] = useState(groups[0] ?? t.contacts.defaultGroup);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ids = { address: useId(), name: useId(), error: useId() };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const check = checkSipAddress(address);
    if (!check.ok) return setError(t.contacts.invalid[check.reason]);
    setBusy(true);
    const failed = await add(check.uri, name.trim() || undefined, group.trim() || undefined);
    setBusy(false);
    if (failed) return setError(failed);
    onAdded?.(check.uri);
    onClose();
  };
  return (
    <Modal title={t.contacts.addTitle} onClose={onClose} testId="add-contact-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <label htmlFor={ids.address}>{t.contacts.address}</label>
        <input id={ids.address} type="text" autoFocus value={address} onChange={(e) => setAddress(e.target.value)} aria-invalid={!!error} aria-describedby={ids.error} placeholder={t.contacts.addressHint} />
        <label htmlFor={ids.name}>{t.contacts.displayName}</label>
        <input id={ids.name} type="text" value={name} maxLength={256} onChange={(e) => setName(e.target.value)} />
        <GroupPicker value={group} onChange={setGroup} groups={groups.length ? groups : [t.contacts.defaultGroup]} />
        <div id={ids.error} aria-live="polite">{error && <p role="alert" className="error">{error}</p>}</div>
        <div className="actions">
          <button type="button" onClick={onClose}>{t.contacts.cancel}</button>
          <button type="submit" className="primary" disabled={busy}>{t.contacts.add}</button>
        </div>
      </form>
    </Modal>
  );
}

export function EditContactDialog({ contact, mode, onClose }: { contact: Contact; mode: 'rename' | 'move'; onClose: () => void }) {
  const { groups, update } = useContactsStore();
  const [name, setName] = useState(contact.displayName ?? '');
  const [group, setGroup] = useState(contact.group);
  const [error, setError] = useState<string>();
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'move' && !group.trim()) return setError(t.contacts.newGroupName);
    const failed = await update(contact.uri, mode === 'rename' ? { displayName: name.trim() } : { group: group.trim() });
    if (failed) return setError(failed);
    onClose();
  };
  return (
    <Modal title={mode === 'rename' ? t.contacts.renameTitle(contactName(contact)) : t.contacts.moveTitle(contactName(contact))} onClose={onClose} testId="edit-contact-dialog">
      <form className="form" onSubmit={submit} noValidate>
        {mode === 'rename' ? (
          <>
            <label htmlFor={id}>{t.contacts.displayName}</label>
            <input id={id} type="text" autoFocus value={name} maxLength={256} onChange={(e) => setName(e.target.value)} />
          </>
        ) : (
          <GroupPicker value={group} onChange={setGroup} groups={groups} />
        )}
        <div aria-live="polite">{error && <p role="alert" className="error">{error}</p>}</div>
        <div className="actions">
          <button type="button" onClick={onClose}>{t.contacts.cancel}</button>
          <button type="submit" className="primary">{t.contacts.save}</button>
        </div>
      </form>
    </Modal>
  );
}

export function RenameGroupDialog({ group, onClose }: { group: string; onClose: () => void }) {
  const renameGroup = useContactsStore((s) => s.renameGroup);
  const [name, setName] = useState(group);
  const [error, setError] = useState<string>();
  const id = useId();
  return (
    <Modal title={t.contacts.renameGroupTitle(group)} onClose={onClose}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!name.trim()) return;
          const failed = await renameGroup(group, name.trim());
          if (failed) setError(failed);
          else onClose();
        }}
      >
        <label htmlFor={id}>{t.contacts.newGroupName}</label>
        <input id={id} type="text" autoFocus value={name} maxLength={256} onChange={(e) => setName(e.target.value)} />
        <div aria-live="polite">{error && <p role="alert" className="error">{error}</p>}</div>
        <div className="actions">
          <button type="button" onClick={onClose}>{t.contacts.cancel}</button>
          <button type="submit" className="primary">{t.contacts.save}</button>
        </div>
      </form>
    </Modal>
  );
}

export function RemoveContactDialog({ contact, onClose }: { contact: Contact; onClose: () => void }) {
  const remove = useContactsStore((s) => s.remove);
  const [error, setError] = useState<string>();
  return (
    <Modal title={t.contacts.confirmRemove(contactName(contact))} onClose={onClose}>
      <p>{displayAddress(contact.uri)}</p>
      <div aria-live="polite">{error && <p role="alert" className="error">{error}</p>}</div>
      <div className="actions">
        <button type="button" autoFocus onClick={onClose}>{t.contacts.cancel}</button>
        <button
          type="button"
          className="danger"
          onClick={async () => {
            const failed = await remove(contact.uri);
            if (failed) setError(failed);
            else onClose();
          }}
        >
          {t.contacts.remove}
        </button>
      </div>
    </Modal>
  );
}

export function ContactDetailsDialog({ contact, presence, onClose }: { contact: Contact; presence: ContactPresence | undefined; onClose: () => void }) {
  return (
    <Modal title={contactName(contact)} onClose={onClose} testId="contact-details">
      <dl className="facts">
        <dt>{t.contacts.address2}</dt>
        <dd>{displayAddress(contact.uri)}</dd>
        <dt>{t.contacts.statusLabel}</dt>
        <dd><PresenceIcon availability={presence?.availability ?? 'unknown'} withLabel />{presence?.note ? ` — ${presence.note}` : ''}</dd>
        <dt>{t.contacts.reasonLabel}</dt>
        <dd data-testid="presence-reason">{reasonText(presence) ?? t.presence.reason.ok}</dd>
        <dt>{t.contacts.tooltipUpdated}</dt>
        <dd>{freshness(presence?.updatedAt)}</dd>
        <dt>{t.contacts.groupLabel}</dt>
        <dd>{contact.group}</dd>
      </dl>
      <div className="actions">
        <button type="button" autoFocus onClick={onClose}>{t.shortcuts.close}</button>
      </div>
    </Modal>
  );
}
