// history.search: hits with their snippet (hits marked «…» by main, shown as <mark>), jump to the conversation.
import { useId, useState } from 'react';
import type { HistoryHit } from '../../../../shared/ipc/contract';
import { bridge } from '../../bridge/bridge';
import { t } from '../../i18n/en';
import { timeLabel } from '../../lib/days';
import { displayAddress } from '../../lib/sip-address';
import { outcome } from '../../store/result';

function Snippet({ text }: { text: string }) {
  // «hit» → <mark>; everything stays text.
  const parts = text.split(/(«[^»]*»)/g);
  return <>{parts.map((p, i) => (p.startsWith('«') && p.endsWith('»') ? <mark key={i}>{p.slice(1, -1)}</mark> : p))}</>;
}

export function HistorySearch({ onOpen }: { onOpen: (conversationId: string) => void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<HistoryHit[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-t`} data-testid="history-search">
      <h2 id={`${id}-t`}>{t.history.title}</h2>
      <form
        className="inline-form"
        role="search"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!query.trim()) return;
          setBusy(true);
          const r = outcome(await bridge.invoke('history.search', { query: query.trim(), limit: 100 }));
          setBusy(false);
          if (r.ok) {
            setHits(r.value);
            setError(undefined);
          } else setError(r.unavailable ? t.unavailable(t.history.title, r.message) : r.message);
        }}
      >
        <label htmlFor={id}>{t.history.query}</label>
        <input id={id} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>{t.history.submit}</button>
      </form>
      <div aria-live="polite">
        {error && <p role="status" className="notice">{error}</p>}
        {hits && <p className="muted">{hits.length ? t.history.results(hits.length) : t.history.none}</p>}
      </div>
      {hits && hits.length > 0 && (
        <ul className="hits">
          {hits.map((h) => (
            <li key={h.message.id}>
              <button type="button" className="hit" onClick={() => onOpen(h.message.conversationId)} aria-label={`${t.history.open(displayAddress(h.message.conversationId))}: ${h.snippet.replace(/[«»]/g, '')}`}>
                <span className="hit__who">{displayAddress(h.message.conversationId)}</span>
                <span className="hit__when">{new Date(h.message.at).toLocaleDateString()} {timeLabel(h.message.at)}</span>
                <span className="hit__text"><Snippet text={h.snippet} /></span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
