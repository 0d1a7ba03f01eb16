// Own status (the eight states Office Communicator users know) and note; shows when Away was set by idle time.
import { useEffect, useId, useState } from 'react';
import { ownStatus } from '../../../../shared/model/presence';
import type { OwnStatus as Status } from '../../../../shared/model/presence';
import { PresenceIcon } from '../../components/PresenceIcon';
import { t } from '../../i18n/en';
import { ownStatusAvailability } from '../../lib/presence';
import { useOwnPresenceStore } from '../../store/own-presence-store';

export function OwnStatus() {
  const { own, set, busy, error } = useOwnPresenceStore();
  const [note, setNote] = useState(own.note ?? '');
  const ids = { status: useId(), note: useId() };
  useEffect(() => setNote(own.note ?? ''), [own.note]);
  return (
    <div className="own-status" data-testid="own-status">
      <PresenceIcon availability={ownStatusAvailability(own.status)} />
      <label htmlFor={ids.status} className="sr-only">{t.presence.myStatus}</label>
      <select id={ids.status} value={own.status} disabled={busy} onChange={(e) => void set(e.target.value as Status)}>
        {ownStatus.options.map((s) => (
          <option key={s} value={s}>{t.presence.own[s]}</option>
        ))}
      </select>
      <form
        className="own-status__note"
        onSubmit={(e) => {
          e.preventDefault();
          void set(own.status, note.trim());
        }}
      >
        <label htmlFor={ids.note} className="sr-only">{t.presence.note}</label>
        <input id={ids.note} type="text" maxLength={1024} placeholder={t.presence.notePlaceholder} value={note} onChange={(e) => setNote(e.target.value)} onBlur={() => note.trim() !== (own.note ?? '') && void set(own.status, note.trim())} />
      </form>
      {own.idle && <span className="badge warn" role="status" data-testid="idle-badge">{t.presence.idle}</span>}
      {error && <span className="notice small" role="status">{t.unavailable(t.presence.myStatus, error)}</span>}
    </div>
  );
}
