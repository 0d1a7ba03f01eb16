import { t } from '../../i18n/en';
import { useWatcherStore } from '../../store/watcher-store';

/** One line per person waiting to see our presence, with Allow and Block (a polite block: they see offline). */
export function WatcherRequests() {
  const { requests, answer, error } = useWatcherStore();
  if (requests.length === 0 && !error) return null;
  return (
    <section className="watcher-requests" aria-label={t.watchers.label}>
      {requests.map((watcher) => (
        <div key={watcher} className="watcher-request" role="status">
          <span>{t.watchers.wants(watcher.replace(/^sips?:/, ''))}</span>
          <button type="button" className="primary" onClick={() => void answer(watcher, true)}>{t.watchers.allow}</button>
          <button type="button" onClick={() => void answer(watcher, false)} title={t.watchers.blockHint}>{t.watchers.block}</button>
        </div>
      ))}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
