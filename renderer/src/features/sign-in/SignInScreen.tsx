import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { t } from '../../i18n/en';
import { useAccountStore } from '../../store/account-store';
import { CertificateDialog } from '../certificate/CertificateDialog';
import { Shell } from '../shell/Shell';

const ADDRESS = /^(sips?:)?[^@\s;:<>"]+@[A-Za-z0-9.-]+$/i;

export function SignInScreen() {
  const { signIn, busy, state, error, dismissFailure } = useAccountStore();
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const [server, setServer] = useState('');
  const [transport, setTransport] = useState<'tls' | 'tcp'>('tls');
  const [remember, setRemember] = useState(false);
  const [invalid, setInvalid] = useState<string | undefined>();
  const ids = { address: useId(), password: useId(), server: useId(), transport: useId(), remember: useId(), status: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ADDRESS.test(address.trim())) return setInvalid(t.signIn.invalidAddress);
    if (!password) return setInvalid(t.signIn.passwordRequired);
    setInvalid(undefined);
    await signIn({
      address: address.trim(),
      password,
      transport,
      rememberPassword: remember,
      ...(server.trim() ? { server: server.trim() } : {}),
    });
  };

  const failed = state?.state === 'failed' ? state : undefined;
  const progress = busy && state && state.state !== 'failed' ? state.detail : undefined;
  const certificateFailure = failed?.failure?.kind === 'certificate' ? failed : undefined;

  return (
    <main className="sign-in">
      <header className="brand">
        <img src="icon.svg" alt="" width={48} height={48} />
        <div>
          <h1>{t.appName}</h1>
          <p className="muted">{t.tagline}</p>
        </div>
      </header>
      <form className="card" onSubmit={submit} aria-describedby={ids.status} noValidate>
        <h2>{t.signIn.title}</h2>
        <label htmlFor={ids.address}>{t.signIn.address}</label>
        <input id={ids.address} name="address" type="text" autoComplete="username" placeholder={t.signIn.addressHint}
          value={address} onChange={(e) => setAddress(e.target.value)} aria-invalid={invalid === t.signIn.invalidAddress} required autoFocus />
        <label htmlFor={ids.password}>{t.signIn.password}</label>
        <input id={ids.password} name="password" type="password" autoComplete="current-password"
          value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={invalid === t.signIn.passwordRequired} required />
        <details className="advanced">
          <summary>{t.signIn.advanced}</summary>
          <label htmlFor={ids.server}>{t.signIn.server}</label>
          <input id={ids.server} name="server" type="text" placeholder={t.signIn.serverHint} value={server} onChange={(e) => setServer(e.target.value)} />
          <label htmlFor={ids.transport}>{t.signIn.transport}</label>
          <select id={ids.transport} name="transport" value={transport} onChange={(e) => setTransport(e.target.value as 'tls' | 'tcp')}>
            <option value="tls">{t.signIn.tls}</option>
            <option value="tcp">{t.signIn.tcp}</option>
          </select>
        </details>
        <div className="checkbox">
          <input id={ids.remember} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <label htmlFor={ids.remember}>{t.signIn.remember}</label>
        </div>
        <button type="submit" className="primary" disabled={busy}>{busy ? t.signIn.working : t.signIn.submit}</button>
        <div id={ids.status} className="status" aria-live="polite">
          {invalid && <p role="alert" className="error">{invalid}</p>}
          {progress && <p className="progress">{progress}</p>}
          {error && <p role="alert" className="error">{error}</p>}
          {failed && !certificateFailure && (
            <div role="alert" className="error" data-testid="sign-in-error">
              <strong>{t.signIn.failedTitle}.</strong> {failed.detail}
            </div>
          )}
        </div>
      </form>
      <footer className="footer">
        <Shell />
      </footer>
      {certificateFailure && <CertificateDialog state={certificateFailure} onCancel={dismissFailure} />}
    </main>
  );
}
