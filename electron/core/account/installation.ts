// Identifiers that belong to this installation, not to an account: the RFC 5626 instance id in our
// Contact (so a registrar can tell our devices apart) and the Microsoft epid in From (protocol.md §2.3
// item 15). Both must stay the same across restarts, so they live in the profile directory.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { isValidEpid, newEpid } from '../../sip/dialog/epid';
import { readJsonFile, writeJsonFile } from '../settings/json-file';

const installationFile = z.object({
  version: z.literal(1),
  instanceId: z.string().regex(/^urn:uuid:[0-9a-f-]{36}$/),
  epid: z.string().refine(isValidEpid, 'epid must be up to 16 hex characters'),
});

export type Installation = z.infer<typeof installationFile>;

export async function loadInstallation(profileDir: string): Promise<Installation> {
  const path = join(profileDir, 'installation.json');
  const existing = await readJsonFile(path, installationFile.nullable(), null);
  if (existing) return existing;
  const created: Installation = { version: 1, instanceId: `urn:uuid:${randomUUID()}`, epid: newEpid() };
  await writeJsonFile(path, created);
  return created;
}
