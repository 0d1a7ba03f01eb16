// Platform for plain-Node hosts (the headless host and the CLI): XDG profile directory, no OS keychain.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Carrier } from '../../../shared/model/app';
import { APP_NAME, APP_VERSION } from './app-version';
import { MemoryStatusIndicator, RecordingNotifier } from './node-facilities';
import { MemorySecretStore } from './platform';
import type { Platform } from './platform';

export function defaultProfileDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARLEY_PROFILE) return env.PARLEY_PROFILE;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'parley');
}

export function nodePlatform(carrier: Carrier, profileDir = defaultProfileDir()): Platform {
  return {
    appName: APP_NAME,
    version: APP_VERSION,
    platform: process.platform,
    carrier,
    profileDir,
    // Without an OS keychain, secrets stay in memory: never a plaintext file (issue: account service).
    secrets: new MemorySecretStore(),
    notifier: new RecordingNotifier(),
    status: new MemoryStatusIndicator(),
  };
}
