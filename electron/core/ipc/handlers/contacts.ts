// `contacts.*` commands of shared/ipc/contract.ts over the ContactsService. A ContactError (bad address,
// duplicate, unknown group…) is the user's to fix: it goes back as `invalid-payload` with its sentence;
// anything else is an internal error for the dispatcher to report.
import { ContactError } from '../../contacts/contact-errors';
import type { ContactsService } from '../../contacts/contacts-service';
import { CommandError } from '../dispatcher';
import type { CommandHandlers } from '../dispatcher';

type ContactCommands = 'contacts.list' | 'contacts.add' | 'contacts.update' | 'contacts.remove' | 'contacts.renameGroup';

async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ContactError) throw new CommandError('invalid-payload', error.message);
    throw error;
  }
}

export function contactsHandlers(contacts: ContactsService): Pick<CommandHandlers, ContactCommands> {
  return {
    'contacts.list': () => contacts.list(),
    'contacts.add': (request) => userErrors(() => contacts.add(request)),
    'contacts.update': (request) => userErrors(() => contacts.update(request)),
    'contacts.remove': ({ uri }) => userErrors(async () => {
      await contacts.remove(uri);
      return {};
    }),
    'contacts.renameGroup': ({ from, to }) => userErrors(async () => {
      await contacts.renameGroup(from, to);
      return {};
    }),
  };
}
