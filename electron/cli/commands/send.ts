// `parley send <uri> <text>`: signs in, sends, waits for the outcome. Exit 0 only once the message is delivered
// (a 2xx from the other side); 1 with the reason in plain words when it failed.
import type { AppCore } from '../../core/app-core';
import type { ChatStateChange } from '../../../shared/ipc/contract';
import type { ChatMessage } from '../../../shared/model/chat';
import { CliFailure } from '../sign-in-options';

export interface SendResult {
  readonly message: ChatMessage;
  readonly final: ChatStateChange;
}

export async function sendAndWait(core: AppCore, to: string, text: string, onProgress?: (c: ChatStateChange) => void): Promise<SendResult> {
  const seen: ChatStateChange[] = [];
  let wake: (() => void) | undefined;
  const off = core.events.subscribe((name, payload) => {
    if (name !== 'chat.state') return;
    seen.push(payload as ChatStateChange);
    wake?.();
  });
  try {
    const result = await core.dispatch('chat.send', { to, text });
    if (!result.ok) throw new CliFailure(result.error.message);
    const message = result.value as ChatMessage;
    for (let i = 0; ; ) {
      for (; i < seen.length; i++) {
        const change = seen[i]!;
        if (change.messageId !== message.id) continue;
        onProgress?.(change);
        if (change.state === 'delivered' || change.state === 'failed') return { message, final: change };
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    off();
  }
}
