// The desktop secret store over a fake safeStorage (an injected dependency): secrets reach disk only
// encrypted, and where safeStorage cannot protect them nothing reaches disk and "remember me" is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rememberRefusal } from '../../../electron/core/platform/platform';
import { SafeStorageSecretStore, SecretsFileError, assessSafeStorage } from '../../../electron/main/safe-storage-secret-store';
import type { SafeStorageLike } from '../../../electron/main/safe-storage-secret-store';

/** Behaves like safeStorage with an OS keyring: real AES-256-GCM under a key the test never writes. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike & { calls: number } {
  const key = randomBytes(32);
  return {
    calls: 0,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(plain: string) {
      this.calls++;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from('v10'), iv, cipher.getAuthTag(), body]);
    },
    decryptString(sealed: Buffer) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(3, 15));
      decipher.setAuthTag(sealed.subarray(15, 31));
      return Buffer.concat([decipher.update(sealed.subarray(31)), decipher.final()]).toString('utf8');
    },
  };
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out;
}

/** Fails if any file under `dir` holds `secret` as UTF-8, UTF-16, base64 or hex. */
async function assertNowhereOnDisk(dir: string, secret: string): Promise<void> {
  const forms = [
    Buffer.from(secret, 'utf8'),
    Buffer.from(secret, 'utf16le'),
    Buffer.from(Buffer.from(secret).toString('base64')),
    Buffer.from(Buffer.from(secret).toString('hex')),
  ];
  for (const file of await allFiles(dir)) {
    const bytes = await readFile(file);
    for (const form of forms) assert.equal(bytes.includes(form), false, `${file} contains the secret (${form.toString()})`);
  }
}

const PASSWORD = 'correct horse battery staple ☃';
const PASSPHRASE = 'p12-passphrase-Ω-42';

test('with an OS keyring: secrets round-trip, persist across instances, and are only on disk encrypted', async (t) => {
  const profile = await mkdtemp(join(tmpdir(), 'parley-secrets-'));
  t.after(() => rm(profile, { recursive: true, force: true }));
  const safe = fakeSafeStorage();
  const store = new SafeStorageSecretStore(safe, profile, 'linux');
  assert.equal(store.persistent, true);
  assert.equal(rememberRefusal(store), undefined);

  await Promise.all([store.set('account:a1:password', PASSWORD), store.set('cert:c1:passphrase', PASSPHRASE)]);
  assert.equal(await store.get('account:a1:password'), PASSWORD);

  const files = await allFiles(profile);
  assert.deepEqual(files.map((f) => f.slice(profile.length + 1)), ['secrets.json'], 'one file, no temp files left');
  assert.equal((await stat(files[0]!)).mode & 0o777, 0o600);
  await assertNowhereOnDisk(profile, PASSWORD);
  await assertNowhereOnDisk(profile, PASSPHRASE);
  assert.equal(safe.calls, 2, 'every secret went through encryptString');

  const reopened = new SafeStorageSecretStore(safe, profile, 'linux');
  assert.equal(await reopened.get('cert:c1:passphrase'), PASSPHRASE);
  await reopened.delete('account:a1:password');
  assert.equal(await reopened.get('account:a1:password'), undefined);
  assert.equal(await store.get('cert:c1:passphrase'), PASSPHRASE);
});

test('Linux basic_text backend: not persistent, "remember me" refused with a reason, nothing written', async (t) => {
  const profile = await mkdtemp(join(tmpdir(), 'parley-secrets-'));
  t.after(() => rm(profile, { recursive: true, force: true }));
  const safe = fakeSafeStorage('basic_text');
  const store = new SafeStorageSecretStore(safe, profile, 'linux');
  assert.equal(store.persistent, false);
  assert.match(rememberRefusal(store)!, /no desktop keyring .*basic_text/);

  await store.set('account:a1:password', PASSWORD);
  assert.equal(await store.get('account:a1:password'), PASSWORD, 'usable for this session');
  assert.deepEqual(await allFiles(profile), []);
  assert.equal(safe.calls, 0);
});

test('no encryption available (any OS): not persistent, with a reason', async () => {
  const store = new SafeStorageSecretStore(fakeSafeStorage('gnome_libsecret', false), '/nonexistent', 'win32');
  assert.equal(store.persistent, false);
  assert.match(store.unavailableReason!, /no encryption/);
});

test('backend assessment: real keyrings on Linux; macOS and Windows need only encryption', () => {
  for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) assert.equal(assessSafeStorage(fakeSafeStorage(backend), 'linux').persistent, true);
  for (const backend of ['basic_text', 'unknown']) assert.equal(assessSafeStorage(fakeSafeStorage(backend), 'linux').persistent, false);
  assert.equal(assessSafeStorage(fakeSafeStorage('basic_text'), 'darwin').persistent, true);
  const { getSelectedStorageBackend: _omit, ...windowsShape } = fakeSafeStorage();
  assert.equal(assessSafeStorage(windowsShape, 'win32').persistent, true);
});

test('a foreign or corrupted secrets file is a typed error, not silently replaced', async (t) => {
  const profile = await mkdtemp(join(tmpdir(), 'parley-secrets-'));
  t.after(() => rm(profile, { recursive: true, force: true }));
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(profile, 'secrets.json'), '{"hello":1}');
  const store = new SafeStorageSecretStore(fakeSafeStorage(), profile, 'linux');
  await assert.rejects(store.get('x'), SecretsFileError);
  await assert.rejects(store.set('x', PASSWORD), SecretsFileError);
  await assertNowhereOnDisk(profile, PASSWORD);
});
