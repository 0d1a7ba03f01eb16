import { useEffect } from 'react';
import { useAppStore } from '../../store/app-store';

const carrierLabel = { electron: 'desktop app', web: 'browser (headless host)', cli: 'command line' } as const;

export function Shell() {
  const { info, error, load } = useAppStore();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="shell">
      <header className="shell__header">
        <h1>Parley</h1>
        <p className="shell__tagline">Federated instant messaging and presence</p>
      </header>
      {error && (
        <p role="alert" className="shell__error">
          Parley's core did not answer: {error}
        </p>
      )}
      {info ? (
        <dl className="shell__info" aria-label="About this Parley">
          <dt>Version</dt>
          <dd data-testid="app-version">{info.version}</dd>
          <dt>Running as</dt>
          <dd data-testid="app-carrier">{carrierLabel[info.carrier]}</dd>
          <dt>Platform</dt>
          <dd>{info.platform}</dd>
        </dl>
      ) : (
        !error && <p aria-busy="true">Connecting to Parley…</p>
      )}
    </main>
  );
}
