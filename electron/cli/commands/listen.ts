// `parley listen --json`: stays signed in and prints one JSON object per line for every incoming message, typing
// change and delivery state, until stopped (SIGINT/SIGTERM, or the given signal in tests).
import type { AppCore } from '../../core/app-core';
import type { ChatMessage } from '../../../shared/model/chat';
import { untilAborted } from '../sign-in-options';

export function listen(core: AppCore, out: (line: string) => void, json: boolean, stop: AbortSignal): Promise<void> {
  const off = core.events.subscribe((name, payload) => {
    if (name === 'chat.message') {
      const m = payload as ChatMessage;
      if (m.direction !== 'in') return;
      out(json ? JSON.stringify({ event: 'message', ...m }) : `${new Date(m.at).toISOString()} ${m.conversationId.slice(4)}: ${m.text}`);
    } else if (name === 'chat.typing' || name === 'chat.state') {
      const event = name === 'chat.typing' ? 'typing' : 'state';
      out(json ? JSON.stringify({ event, ...(payload as object) }) : `${event} ${JSON.stringify(payload)}`);
    }
  });
  return untilAborted(stop, off);
}
