// settings.get / settings.set / app.activity through the real core: stored in the profile directory,
// validated, and idle minutes put into force on the presence service's automatic Away.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../../../electron/core/app-core';
import { nodePlatform } from '../../../../../electron/core/platform/node-platform';
import { ActivityIdleSource } from '../../../../../electron/core/presence/idle-source';
import { DEFAULT_APP_SETTINGS } from '../../../../../electron/core/settings/app-settings-store';

async function profile(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'parley-settings-'));
}

describe('settings commands', () => {
  test('defaults first; a partial change keeps the rest, is written to settings.json and survives a restart', async () => {
    const dir = await profile();
    const core = createAppCore(nodePlatform('cli', dir));
    try {
      assert.deepEqual(await core.dispatch('settings.get', {}), { ok: true, value: DEFAULT_APP_SETTINGS });
      const set = await core.dispatch('settings.set', { idleMinutes: 25, notifications: { sound: false } });
      const expected = { idleMinutes: 25, notifications: { enabled: true, sound: false, showPreview: true } };
      assert.deepEqual(set, { ok: true, value: expected });
      const file = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as unknown;
      assert.deepEqual(file, { version: 1, settings: expected });
    } finally {
      await core.close();
    }
    const again = createAppCore(nodePlatform('cli', dir));
    try {
      assert.deepEqual(await again.dispatch('settings.get', {}), { ok: true, value: { idleMinutes: 25, notifications: { enabled: true, sound: false, showPreview: true } } });
    } finally {
      await again.close();
    }
  });

  test('out-of-range or unknown values are refused and change nothing', async () => {
    const dir = await profile();
    const core = createAppCore(nodePlatform('cli', dir));
    try {
      for (const bad of [{ idleMinutes: 241 }, { idleMinutes: -1 }, { idleMinutes: 1.5 }, { theme: 'dark' }, { notifications: { loud: true } }]) {
        const result = await core.dispatch('settings.set', bad as never);
        assert.equal(!result.ok && result.error.code, 'invalid-payload', JSON.stringify(bad));
      }
      assert.deepEqual(await core.dispatch('settings.get', {}), { ok: true, value: DEFAULT_APP_SETTINGS });
    } finally {
      await core.close();
    }
  });

  test('a corrupt settings.json is a clear error, not silently replaced', async () => {
    const dir = await profile();
    await writeFile(join(dir, 'settings.json'), '{ nope');
    const core = createAppCore(nodePlatform('cli', dir));
    try {
      const result = await core.dispatch('settings.get', {});
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.error.message : '', /not valid JSON/);
      assert.equal(await readFile(join(dir, 'settings.json'), 'utf8'), '{ nope');
    } finally {
      await core.close();
    }
  });

  test('idle minutes drive automatic Away; 0 means never; app.activity resets the idle time', async () => {
    let now = 1_000_000;
    const idle = new ActivityIdleSource(() => now);
    const core = createAppCore(nodePlatform('cli', await profile()), { idle });
    try {
      now += 5 * 60_000; // five idle minutes, below the default ten
      assert.equal(core.presence.ownPresence().status, 'available');
      assert.equal((await core.dispatch('settings.set', { idleMinutes: 3 })).ok, true);
      assert.deepEqual(core.presence.ownPresence(), { status: 'away', idle: true });
      assert.equal((await core.dispatch('settings.set', { idleMinutes: 0 })).ok, true);
      assert.deepEqual(core.presence.ownPresence(), { status: 'available', idle: false });
      assert.deepEqual(await core.dispatch('app.activity', {}), { ok: true, value: {} });
      assert.equal((await core.dispatch('settings.set', { idleMinutes: 3 })).ok, true);
      assert.deepEqual(core.presence.ownPresence(), { status: 'available', idle: false }, 'activity just now: not idle');
      now += 4 * 60_000;
      assert.equal((await core.dispatch('settings.set', { idleMinutes: 3 })).ok, true);
      assert.deepEqual(core.presence.ownPresence(), { status: 'away', idle: true });
      await core.dispatch('app.activity', {});
      assert.deepEqual(core.presence.ownPresence(), { status: 'available', idle: false }, 'input ends automatic Away at once');
    } finally {
      await core.close();
    }
  });
});

describe('settings commands in quick succession', () => {
  test('changes sent without waiting all land, and a get sent after them sees them', async () => {
    const core = createAppCore(nodePlatform('cli', await profile()));
    try {
      const sent = [
        core.dispatch('settings.set', { idleMinutes: 7 }),
        core.dispatch('settings.set', { notifications: { sound: false } }),
        core.dispatch('settings.set', { notifications: { showPreview: false } }),
        core.dispatch('settings.get', {}),
      ];
      const results = await Promise.all(sent);
      assert.deepEqual(results[3], { ok: true, value: { idleMinutes: 7, notifications: { enabled: true, sound: false, showPreview: false } } });
    } finally {
      await core.close();
    }
  });
});
