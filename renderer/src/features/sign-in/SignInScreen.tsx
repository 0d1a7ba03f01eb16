import { useEffect, useId, useRef, useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import { t } from '../../i18n/en';
import { useAccountStore } from '../../store/account-store';
import { rememberSignIn, rememberedSignIn } from '../../store/settings-store';
import { CertificateDialog } from '../certificate/CertificateDialog';
import { Shell } from '../shell/Shell';

const ADDRESS = /^(sips?:)?[^@\s;:<>"]+@[A-Za-z0-9.-]+$/i;
/** Leaves room for base64 inside the contract's 256 KiB limit. */
const MAX_P12_BYTES = 190_000;
const STEPS = ['resolving', 'connecting', 'authenticating', 'registered'] as const;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function SignInScreen() {
  const { signIn, busy, state, error, dismissFailure } = useAccountStore();
  const remembered = rememberedSignIn();
  const demo = new URLSearchParams(window.location.search).get('demoAddress');
  const [address, setAddress] = useState(demo ?? remembered?.address ?? '');
  // Demo-only (`npm run demo`): a disposable testbed account signs in by itself.
  const demoPassword = demo ? new URLSearchParams(window.location.search).get('demoPassword') : null;
  const [password, setPassword] = useState(demoPassword ?? '');
  const [server, setServer] = useState(remembered?.server ?? '');
  const [transport, setTransport] = useState<'tls' | 'tcp'>(remembered?.transport ?? 'tls');
  const [remember, setRemember] = useState(remembered !== undefined);
  const [invalid, setInvalid] = useState<string | undefined>();
  const [cert, setCert] = useState<{ name: string; base64: string; size: number }>();
  const [passphrase, setPassphrase] = useState('');
  const ids = { address: useId(), password: useId(), server: useId(), transport: useId(), remember: useId(), status: useId(), cert: useId(), passphrase: useId(), certHint: useId() };

  const chooseCertificate = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return setCert(undefined);
    if (file.size > MAX_P12_BYTES) {
      e.target.value = '';
      return setInvalid(t.signIn.clientCertificateTooLarge);
    }
    setInvalid(undefined);
    setCert({ name: file.name, size: file.size, base64: toBase64(new Uint8Array(await file.arrayBuffer())) });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ADDRESS.test(address.trim())) return setInvalid(t.signIn.invalidAddress);
    if (!password) return setInvalid(t.signIn.passwordRequired);
    setInvalid(undefined);
    // "Remember me": the address and settings stay in this window's storage; the password only in main's
    // keychain (main refuses, with a reason, where no keychain exists).
    rememberSignIn(remember ? { address: address.trim(), ...(server.trim() ? { server: server.trim() } : {}), transport } : undefined);
    await signIn({
      address: address.trim(),
      password,
      transport,
      rememberPassword: remember,
      ...(server.trim() ? { server: server.trim() } : {}),
      ...(cert ? { clientCertificateP12Base64: cert.base64, clientCertificatePassphrase: passphrase } : {}),
    });
  };

  const form = useRef<HTMLFormElement>(null);
  const autoSubmitted = useRef(false);
  useEffect(() => {
    if (demo && demoPassword && !autoSubmitted.current) {
      autoSubmitted.current = true;
      form.current?.requestSubmit();
    }
  }, [demo, demoPassword]);

  const failed = state?.state === 'failed' ? state : undefined;
  const progress = busy && state && state.state !== 'failed' ? state.detail : undefined;
  const stepIndex = state ? STEPS.indexOf(state.state as (typeof STEPS)[number]) : -1;
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
      <form ref={form} className="card" onSubmit={submit} aria-describedby={ids.status} noValidate>
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
          <label htmlFor={ids.cert}>{t.signIn.clientCertificate}</label>
          <input id={ids.cert} name="clientCertificate" type="file" accept=".p12,.pfx,application/x-pkcs12" aria-describedby={ids.certHint} onChange={(e) => void chooseCertificate(e)} />
          <p id={ids.certHint} className="muted small">
            {cert ? t.signIn.clientCertificateChosen(cert.name, Math.ceil(cert.size / 1024)) : t.signIn.clientCertificateHint}
          </p>
          {cert && (
            <>
              <label htmlFor={ids.passphrase}>{t.signIn.clientCertificatePassphrase}</label>
              <input id={ids.passphrase} name="clientCertificatePassphrase" type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
            </>
          )}
        </details>
        <div className="checkbox">
          <input id={ids.remember} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <label htmlFor={ids.remember}>{t.signIn.remember}</label>
        </div>
        <button type="submit" className="primary" disabled={busy}>{busy ? t.signIn.working : t.signIn.submit}</button>
        <div id={ids.status} className="status" aria-live="polite">
          {invalid && <p role="alert" className="error">{invalid}</p>}
          {busy && stepIndex >= 0 && (
            <ol className="sign-in-steps" aria-label={t.signIn.working}>
              {STEPS.slice(0, 3).map((step, i) => (
                <li key={step} className={i < stepIndex ? 'done' : i === stepIndex ? 'current' : ''} aria-current={i === stepIndex ? 'step' : undefined}>
                  <span aria-hidden="true">{i < stepIndex ? '✓' : i === stepIndex ? '…' : '○'}</span> {t.signIn.steps[step]}
                </li>
              ))}
            </ol>
          )}
          {progress && <p className="progress">{progress}</p>}
          {error && <p role="alert" className="error">{error}</p>}
          {failed && !certificateFailure && (
            <div role="alert" className="error" data-testid="sign-in-error">
              <strong>{t.signIn.failedTitle}.</strong> {failed.detail}
              {failed.failure && t.signIn.failureHelp[failed.failure.kind] && <p className="muted small">{t.signIn.failureHelp[failed.failure.kind]}</p>}
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
