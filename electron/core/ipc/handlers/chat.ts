// The chat.* commands of shared/ipc/contract.ts, served by the ChatService. Sending answers at once with the
// queued message; its progress arrives as chat.state events.
import type { CommandHandlers } from '../dispatcher';
import type { ChatService } from '../../chat/chat-service';

type ChatCommands = 'chat.list' | 'chat.open' | 'chat.send' | 'chat.retry' | 'chat.typing' | 'chat.markRead';

export function chatHandlers(chat: ChatService): Pick<CommandHandlers, ChatCommands> {
  return {
    'chat.list': async () => chat.list(),
    'chat.open': async ({ peer, limit }) => chat.open(peer, limit),
    'chat.send': async ({ to, text }) => chat.send(to, text),
    'chat.retry': async ({ messageId }) => chat.retry(messageId),
    'chat.typing': async ({ conversationId, active }) => {
      chat.typing(conversationId, active);
      return {};
    },
    'chat.markRead': async ({ conversationId }) => {
      chat.markRead(conversationId);
      return {};
    },
  };
}
