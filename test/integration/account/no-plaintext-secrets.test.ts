// Desktop-shell issue acceptance: after a sign-in through the core, no file under the profile directory
// contains the password or the client certificate's passphrase — with the headless host's own secret store
// (memory only: it has no OS keychain, so "remember me" is refused with a reason instead of writing a file).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../electron/core/app-core';
import { nodePlatform } from '../../../electron/core/platform/node-platform';
import { createSelfSignedCertificate, exportPkcs12 } from '../../../electron/sip/tls/certificates';
import type { AccountState } from '../../../shared/ipc/contract';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every encoding a careless implementation might have written the secret in. */
function leaks(dir: string, secret: string): string[] {
  const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex'), Buffer.from(secret, 'utf16le').toString('latin1')];
  return filesUnder(dir).filter((file) => {
    const bytes = readFileSync(file).toString('latin1');
    return forms.some((f) => bytes.includes(f));
  });
}

test('no profile file holds the password or the certificate passphrase after signing in through the core', async (t) => {
  const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t, password: 'pw-Zq8u3kKx7pW2mRt9' });
  const profile = mkdtempSync(join(tmpdir(), 'parley-secrets-'));
  const core = createAppCore(nodePlatform('web', profile), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
  });
  t.after(() => core.close());

  // "Remember me" without an encrypted keychain is refused, in plain words, before anything is stored.
  const refused = await core.dispatch('account.signIn', { address: alice.aor, password: alice.password, rememberPassword: true });
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.error.message : '', /cannot remember passwords here/);

  const signedIn = await core.dispatch('account.signIn', { address: alice.aor, password: alice.password });
  assert.equal((signedIn as { value: AccountState }).value.state, 'registered');
  // Something was written (the account, the installation ids, the database), just never the password.
  assert.ok(filesUnder(profile).some((f) => f.endsWith('accounts.json')));
  await core.dispatch('chat.send', { to: alice.aor, text: 'a note to self' });
  await core.dispatch('account.signOut', { accountId: alice.aor });

  // A sign-in with a PKCS#12 client certificate: its passphrase is used to open the bundle and then dropped.
  const passphrase = 'pp-Hs4vN8cW1yQe6Lb3';
  const cert = await createSelfSignedCertificate({ subject: { commonName: 'alice device' }, extendedKeyUsage: ['clientAuth'] });
  const p12 = exportPkcs12({ privateKeyPem: cert.privateKeyPem, certificatePem: cert.certificatePem, passphrase });
  const withCert = await core.dispatch('account.signIn', { address: alice.aor, password: alice.password, clientCertificateP12Base64: p12.toString('base64'), clientCertificatePassphrase: passphrase });
  // alpha refuses a client certificate from no CA it knows by closing the connection after the handshake:
  // the sign-in says so at once rather than hanging on a dead connection.
  const certState = (withCert as { value: AccountState }).value;
  assert.equal(certState.state, 'failed');
  assert.match(certState.detail ?? '', /closed the connection during sign-in \(it may have refused the client certificate\)|certificate/);
  await core.dispatch('account.signOut', { accountId: alice.aor });
  await core.close();

  assert.deepEqual(leaks(profile, alice.password), [], 'password found in');
  assert.deepEqual(leaks(profile, passphrase), [], 'passphrase found in');
});
