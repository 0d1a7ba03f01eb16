import { t } from '../../i18n/en';
import { useAccountStore } from '../../store/account-store';
import { Shell } from '../shell/Shell';

/** The signed-in window. The buddy list and chats (UI issue) grow here. */
export function MainScreen() {
  const { state, signOut } = useAccountStore();
  return (
    <main className="main">
      <header className="topbar">
        <span className="who" data-testid="signed-in-as">{t.account.signedInAs(state?.accountId ?? '')}</span>
        {state?.state === 'reconnecting' && <span className="badge warn" role="status">{t.account.reconnecting}</span>}
        <button type="button" onClick={() => void signOut()}>{t.account.signOut}</button>
      </header>
      <Shell />
    </main>
  );
}
