// One place that turns an IPC result into "value or plain-words error", and remembers which areas answered
// `unavailable` (a service still being built, or not signed in) so the UI can say so instead of failing.
import type { IpcResult } from '../../../shared/ipc/result';

export type Outcome<T> = { ok: true; value: T } | { ok: false; unavailable: boolean; message: string };

export function outcome<T>(result: IpcResult<T>): Outcome<T> {
  if (result.ok) return { ok: true, value: result.value };
  return { ok: false, unavailable: result.error.code === 'unavailable', message: result.error.message };
}
