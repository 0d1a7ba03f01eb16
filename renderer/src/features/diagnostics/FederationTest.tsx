// "Test federation with <domain>": DNS, TLS probe, OPTIONS — each step labelled, in plain words.
import { useEffect, useId, useState } from 'react';
import { t } from '../../i18n/en';
import { useAccountStore } from '../../store/account-store';
import { useDiagnosticsStore } from '../../store/diagnostics-store';

const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i;
const ICON: Record<string, string> = { pass: '✓', warn: '!', fail: '✗', skipped: '–' };

export function FederationTest({ initialDomain }: { initialDomain?: string }) {
  const { federation, federationBusy, federationError, testFederation } = useDiagnosticsStore();
  const accountId = useAccountStore((s) => s.accountId);
  const [domain, setDomain] = useState(initialDomain ?? '');
  const [invalid, setInvalid] = useState(false);
  const id = useId();
  const run = (d: string) => {
    if (!DOMAIN.test(d.trim())) return setInvalid(true);
    setInvalid(false);
    void testFederation(d.trim(), accountId);
  };
  useEffect(() => {
    if (initialDomain) {
      setDomain(initialDomain);
      run(initialDomain);
    }
  }, [initialDomain]);
  return (
    <section className="panel" aria-labelledby={`${id}-t`} data-testid="federation-test">
      <h3 id={`${id}-t`}>{t.diagnostics.federation}</h3>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); run(domain); }}>
        <label htmlFor={id}>{t.diagnostics.federationDomain}</label>
        <input id={id} type="text" value={domain} placeholder={t.diagnostics.federationPlaceholder} onChange={(e) => setDomain(e.target.value)} aria-invalid={invalid} />
        <button type="submit" className="primary" disabled={federationBusy}>{federationBusy ? t.diagnostics.federationRunning : t.diagnostics.federationRun}</button>
      </form>
      <div aria-live="polite">
        {invalid && <p role="alert" className="error">{t.diagnostics.invalidDomain}</p>}
        {federationError && <p role="status" className="notice">{federationError}</p>}
      </div>
      {federation && (
        <ol className="steps">
          {federation.steps.map((s) => (
            <li key={s.kind} className={`step step--${s.outcome}`} data-testid={`federation-step-${s.kind}`}>
              <div className="step__head">
                <span className="step__icon" aria-hidden="true">{ICON[s.outcome]}</span>
                <strong>{s.title}</strong> — <span className="step__outcome">{t.diagnostics.outcome[s.outcome]}</span>
              </div>
              <p>{s.summary}</p>
              {s.details.length > 0 && (
                <ul className="mono step__details">
                  {s.details.map((d, i) => <li key={i}>{d}</li>)}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
