import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, MigrationError, openDatabase } from '../../../../electron/core/storage/database';
import type { SqliteDatabase } from '../../../../electron/core/storage/database';

test('migrations apply once, in order, per area, and survive reopening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-db-'));
  const migrations = [
    { version: 1, description: 'notes', up: (db: SqliteDatabase) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)') },
    { version: 2, description: 'notes fts', up: (db: SqliteDatabase) => db.exec('CREATE VIRTUAL TABLE notes_fts USING fts5(body)') },
  ];
  let db = openDatabase(dir);
  assert.deepEqual(migrate(db, 'notes', migrations), [1, 2]);
  db.prepare('INSERT INTO notes (body) VALUES (?)').run('hello');
  db.close();
  db = openDatabase(dir);
  assert.deepEqual(migrate(db, 'notes', migrations), []);
  assert.deepEqual(migrate(db, 'other', [migrations[0]!].map((m) => ({ ...m, up: (d: SqliteDatabase) => d.exec('CREATE TABLE other (x)') }))), [1]);
  assert.equal((db.prepare('SELECT body FROM notes').get() as { body: string }).body, 'hello');
  db.close();
});

test('a failing migration leaves nothing half-applied', () => {
  const db = openDatabase(':memory:');
  const bad = [{ version: 1, description: 'bad', up: (d: SqliteDatabase) => { d.exec('CREATE TABLE t (x)'); throw new Error('boom'); } }];
  assert.throws(() => migrate(db, 'bad', bad), /boom/);
  assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").get(), undefined);
  assert.throws(() => migrate(db, 'gap', [{ version: 2, description: 'x', up: () => {} }]), MigrationError);
});

test('a database newer than the code is refused with a clear error', () => {
  const db = openDatabase(':memory:');
  migrate(db, 'a', [1, 2].map((version) => ({ version, description: 'v', up: () => {} })));
  assert.throws(() => migrate(db, 'a', [{ version: 1, description: 'v', up: () => {} }]), /newer than this Parley/);
});
