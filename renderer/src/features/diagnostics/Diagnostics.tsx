// Diagnostics: the live SIP log (polled each second; credentials were redacted in main), filter by contact or
// domain, flows grouped by Call-ID with a ladder diagram of the selected one, and the federation test.
import { useEffect, useId, useMemo, useState } from 'react';
import { t } from '../../i18n/en';
import { buildFlows, entryMatches } from '../../lib/sip-ladder';
import { useDiagnosticsStore } from '../../store/diagnostics-store';
import { FederationTest } from './FederationTest';
import { Ladder } from './Ladder';

export function Diagnostics({ federationDomain }: { federationDomain?: string }) {
  const { entries, poll, clearView, error } = useDiagnosticsStore();
  const [filter, setFilter] = useState('');
  const [paused, setPaused] = useState(false);
  const [selected, setSelected] = useState<string>();
  const id = useId();

  useEffect(() => {
    if (paused) return;
    void poll();
    const timer = setInterval(() => void poll(), 1000);
    return () => clearInterval(timer);
  }, [paused, poll]);

  const shown = useMemo(() => entries.filter((e) => entryMatches(e, filter)), [entries, filter]);
  const flows = useMemo(() => buildFlows(shown), [shown]);
  const flow = flows.find((f) => f.callId === selected) ?? flows[0];
  const raw = flow ? shown.filter((e) => e.text.includes(flow.callId)) : [];

  return (
    <section className="panel diagnostics" aria-labelledby={`${id}-t`} data-testid="diagnostics">
      <h2 id={`${id}-t`}>{t.diagnostics.title}</h2>
      <FederationTest {...(federationDomain ? { initialDomain: federationDomain } : {})} />
      <section aria-labelledby={`${id}-log`}>
        <h3 id={`${id}-log`}>{t.diagnostics.sipLog} <span className="muted small">({t.diagnostics.messagesCount(shown.length)})</span></h3>
        <div className="inline-form">
          <label htmlFor={`${id}-f`}>{t.diagnostics.filter}</label>
          <input id={`${id}-f`} type="search" value={filter} placeholder={t.diagnostics.filterPlaceholder} onChange={(e) => setFilter(e.target.value)} />
          <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>{paused ? t.diagnostics.resume : t.diagnostics.pause}</button>
          <button type="button" onClick={clearView}>{t.diagnostics.clear}</button>
        </div>
        {error && <p role="status" className="notice">{error}</p>}
        <div className="diagnostics__body">
          <div className="flows">
            <h4>{t.diagnostics.flows}</h4>
            {flows.length === 0 ? (
              <p className="muted">{t.diagnostics.noFlows}</p>
            ) : (
              <ul role="listbox" aria-label={t.diagnostics.flows} data-testid="flows">
                {flows.slice(0, 300).map((f) => (
                  <li
                    key={f.callId}
                    role="option"
                    aria-selected={f === flow}
                    tabIndex={f === flow ? 0 : -1}
                    onClick={() => setSelected(f.callId)}
                    onKeyDown={(e) => {
                      const i = flows.indexOf(f);
                      const next = e.key === 'ArrowDown' ? flows[i + 1] : e.key === 'ArrowUp' ? flows[i - 1] : undefined;
                      if (next) {
                        e.preventDefault();
                        setSelected(next.callId);
                        requestAnimationFrame(() => (document.querySelector('[data-testid=flows] [aria-selected=true]') as HTMLElement | null)?.focus());
                      }
                    }}
                  >
                    <strong>{f.method}</strong> {f.to || f.from} <span className="muted small">{f.messages.length} · {new Date(f.firstAt).toLocaleTimeString()}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="flow-detail">
            {flow ? (
              <>
                <Ladder flow={flow} />
                <details>
                  <summary>{t.diagnostics.raw}</summary>
                  <pre className="mono sip-text" data-testid="sip-text">{raw.map((e) => `${e.direction === 'out' ? '→' : '←'} ${e.remote} ${new Date(e.at).toISOString()}\n${e.text}`).join('\n\n')}</pre>
                </details>
              </>
            ) : (
              <p className="muted">{t.diagnostics.selectFlow}</p>
            )}
          </div>
        </div>
      </section>
    </section>
  );
}
