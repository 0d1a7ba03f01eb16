// The profile's embedded database (better-sqlite3 12: runs on Node 20; rebuilt for Electron only when
// packaging or launching). One file per profile; each store (history, contacts, …) owns its tables and
// brings its own numbered migrations, applied in order inside a transaction and recorded per area, so
// stores evolve independently and a half-applied migration never persists.
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type SqliteDatabase = Db;

export interface Migration {
  /** 1, 2, 3 … within one area; never renumber a released migration. */
  readonly version: number;
  readonly description: string;
  up(db: SqliteDatabase): void;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Opens (creating if needed) `<profileDir>/parley.db`, or an in-memory database for ':memory:'. */
export function openDatabase(profileDirOrMemory: string): SqliteDatabase {
  const path = profileDirOrMemory === ':memory:' ? ':memory:' : join(profileDirOrMemory, 'parley.db');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  // WAL: readers (search) never block the writer (incoming messages); NORMAL sync is safe with WAL.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    area TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, applied_at TEXT NOT NULL,
    PRIMARY KEY (area, version))`);
  return db;
}

/** Applies the migrations of one area that are not applied yet; returns the versions applied now. */
export function migrate(db: SqliteDatabase, area: string, migrations: readonly Migration[]): number[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`${area}: migrations must be numbered 1, 2, 3 … (found ${m.version} at position ${i + 1})`);
  });
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE area = ?').get(area) as { v: number | null };
  const current = row.v ?? 0;
  if (current > sorted.length) {
    throw new MigrationError(`${area}: the database is at version ${current}, newer than this Parley (${sorted.length}); update Parley`);
  }
  const applied: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (area, version, description, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of sorted.slice(current)) {
    db.transaction(() => {
      m.up(db);
      record.run(area, m.version, m.description, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}
