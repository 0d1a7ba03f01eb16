import { useEffect, useId, useRef } from 'react';
import type { AccountState } from '../../../../shared/ipc/contract';
import { t } from '../../i18n/en';
import { useAccountStore } from '../../store/account-store';

const day = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
};

/** Shown when sign-in refused the server certificate: what it is, why, and trust once / always. */
export function CertificateDialog({ state, onCancel }: { state: AccountState; onCancel: () => void }) {
  const trust = useAccountStore((s) => s.trustAndRetry);
  const busy = useAccountStore((s) => s.busy);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const failure = state.failure;
  const leaf = failure?.certificateChain?.[0];
  const changed = /CHANGED since it was pinned/.test(state.detail ?? '');
  // The intro already names the server and domain: show only the verifier's reason after them.
  const detail = state.detail ?? '';
  const reason = detail.includes(': ') ? detail.slice(detail.indexOf(': ') + 2) : detail;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onCancel={onCancel} data-testid="certificate-dialog">
      <h2 id={titleId}>{t.certificate.title}</h2>
      {changed && <p role="alert" className="warning loud">{t.certificate.changedWarning}</p>}
      <p>{t.certificate.intro(failure?.server ?? '?', failure?.domain ?? '?')}</p>
      <p><strong>{t.certificate.reason}:</strong> {reason}</p>
      {leaf && (
        <dl className="facts">
          <dt>{t.certificate.subject}</dt>
          <dd>{leaf.subject}</dd>
          <dt>{t.certificate.issuer}</dt>
          <dd>{leaf.issuer}</dd>
          <dt>{t.certificate.san}</dt>
          <dd>{leaf.san.join(', ') || '—'}</dd>
          <dt>{t.certificate.validity}</dt>
          <dd>{t.certificate.validityRange(day(leaf.notBefore), day(leaf.notAfter))}</dd>
          <dt>{t.certificate.fingerprint}</dt>
          <dd className="mono" data-testid="certificate-fingerprint">{leaf.fingerprint256}</dd>
        </dl>
      )}
      <p className="muted">{t.certificate.advice}</p>
      <div className="actions">
        <button type="button" onClick={onCancel}>{t.certificate.cancel}</button>
        {leaf && !changed && (
          <>
            <button type="button" disabled={busy} onClick={() => void trust('once')}>{t.certificate.trustOnce}</button>
            <button type="button" className="primary" disabled={busy} onClick={() => void trust('always')}>{t.certificate.trustAlways}</button>
          </>
        )}
      </div>
    </dialog>
  );
}
