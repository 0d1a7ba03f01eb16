// Settings: account (read-only facts), notifications, idle minutes, privacy (blocked contacts), appearance.
// The theme lives in localStorage; idle minutes and notification choices are the core's (settings.get/set).
import { useEffect, useId } from 'react';
import { t } from '../../i18n/en';
import { displayAddress } from '../../lib/sip-address';
import { useAccountStore } from '../../store/account-store';
import { useContactsStore } from '../../store/contacts-store';
import { useSettingsStore } from '../../store/settings-store';
import type { Theme } from '../../store/settings-store';
import { contactName } from '../buddy-list/buddy-rows';

export function Settings() {
  const s = useSettingsStore();
  const accountId = useAccountStore((a) => a.accountId);
  const state = useAccountStore((a) => a.state);
  const contacts = useContactsStore((c) => c.contacts);
  const update = useContactsStore((c) => c.update);
  const blocked = contacts.filter((c) => c.blocked);
  const id = useId();
  const load = useSettingsStore((x) => x.load);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="panel settings" aria-labelledby={`${id}-t`} data-testid="settings">
      <h2 id={`${id}-t`}>{t.settings.title}</h2>
      <fieldset>
        <legend>{t.settings.account}</legend>
        <p>{accountId ? t.account.signedInAs(displayAddress(accountId)) : '—'}</p>
        {state?.detail && <p className="muted small">{state.detail}</p>}
      </fieldset>
      {s.error && <p className="error" role="alert">{s.error}</p>}
      <fieldset>
        <legend>{t.settings.notifications}</legend>
        <div className="checkbox"><input id={`${id}-n`} type="checkbox" checked={s.notify} onChange={(e) => s.change({ notify: e.target.checked })} /><label htmlFor={`${id}-n`}>{t.settings.notify}</label></div>
        <div className="checkbox"><input id={`${id}-s`} type="checkbox" checked={s.sound} onChange={(e) => s.change({ sound: e.target.checked })} /><label htmlFor={`${id}-s`}>{t.settings.sound}</label></div>
        <div className="checkbox"><input id={`${id}-p`} type="checkbox" checked={s.previews} onChange={(e) => s.change({ previews: e.target.checked })} /><label htmlFor={`${id}-p`}>{t.settings.previews}</label></div>
      </fieldset>
      <fieldset>
        <legend>{t.settings.idle}</legend>
        <label htmlFor={`${id}-i`}>{t.settings.idleMinutes}</label>
        <input id={`${id}-i`} type="number" min={0} max={240} value={s.idleMinutes} onChange={(e) => {
          const n = Number(e.target.value);
          if (Number.isInteger(n) && n >= 0 && n <= 240) s.change({ idleMinutes: n });
        }} />
        <p className="muted small">{t.settings.idleNote}</p>
      </fieldset>
      <fieldset>
        <legend>{t.settings.privacy}</legend>
        <p>{t.settings.allowed}</p>
        <h3 className="small-heading">{t.settings.blocked}</h3>
        {blocked.length === 0 ? <p className="muted">{t.settings.noneBlocked}</p> : (
          <ul className="plain">
            {blocked.map((c) => (
              <li key={c.uri}>{contactName(c)} <span className="muted">({displayAddress(c.uri)})</span> <button type="button" onClick={() => void update(c.uri, { blocked: false })}>{t.contacts.unblock}</button></li>
            ))}
          </ul>
        )}
        <p className="muted small">{t.settings.blockNote}</p>
      </fieldset>
      <fieldset>
        <legend>{t.settings.appearance}</legend>
        <label htmlFor={`${id}-th`}>{t.settings.theme}</label>
        <select id={`${id}-th`} value={s.theme} onChange={(e) => s.change({ theme: e.target.value as Theme })}>
          {(['system', 'light', 'dark'] as const).map((th) => <option key={th} value={th}>{t.settings.themes[th]}</option>)}
        </select>
      </fieldset>
    </section>
  );
}
