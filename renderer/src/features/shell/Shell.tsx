import { useEffect } from 'react';
import { t } from '../../i18n/en';
import { useAppStore } from '../../store/app-store';

/** About this Parley: version, carrier and platform, fetched from main through the bridge. */
export function Shell() {
  const { info, error, load } = useAppStore();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="about" aria-label="About this Parley">
      {error && (
        <p role="alert" className="error">
          {t.about.noCore(error)}
        </p>
      )}
      {info ? (
        <dl className="about__info">
          <dt>{t.about.version}</dt>
          <dd data-testid="app-version">{info.version}</dd>
          <dt>{t.about.carrier}</dt>
          <dd data-testid="app-carrier">{t.about.carriers[info.carrier]}</dd>
          <dt>{t.about.platform}</dt>
          <dd>{info.platform}</dd>
        </dl>
      ) : (
        !error && <p aria-busy="true">{t.about.connecting}</p>
      )}
    </section>
  );
}
