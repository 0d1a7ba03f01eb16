// `history.*` commands of shared/ipc/contract.ts over the HistoryStore (`chat.*` belong to the chat
// service). A HistoryError (e.g. exporting a conversation that does not exist) goes back as
// `invalid-payload` with its sentence.
import { HistoryError } from '../../history/history-store';
import type { HistoryStore } from '../../history/history-store';
import { CommandError } from '../dispatcher';
import type { CommandHandlers } from '../dispatcher';

type HistoryCommands = 'history.search' | 'history.delete' | 'history.export';

function userErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof HistoryError) throw new CommandError('invalid-payload', error.message);
    throw error;
  }
}

export interface HistoryHandlerOptions {
  /** Called after a conversation was deleted (e.g. so the chat service drops what it caches about it). */
  readonly onDeleted?: (conversationId: string) => void;
}

export function historyHandlers(history: HistoryStore, options: HistoryHandlerOptions = {}): Pick<CommandHandlers, HistoryCommands> {
  return {
    'history.search': async ({ query, conversationId, limit }) =>
      userErrors(() => history.search(query, { ...(conversationId !== undefined ? { conversationId } : {}), ...(limit !== undefined ? { limit } : {}) })),
    // Deleting what is already gone is not an error: the UI's intent ("no such conversation") holds.
    'history.delete': async ({ conversationId }) => {
      if (history.deleteConversation(conversationId)) options.onDeleted?.(conversationId);
      return {};
    },
    'history.export': async ({ conversationId, format }) => userErrors(() => history.export(conversationId, format)),
  };
}
