// The contact list: groups of contacts, stored locally (and on the server where it offers XCAP lists).
import { z } from 'zod';

export const contact = z.object({
  uri: z.string(),
  displayName: z.string().optional(),
  group: z.string(),
  /** Blocked contacts cannot send us IMs (presence blocking needs server rules: presence issue item 5). */
  blocked: z.boolean(),
});

export const contactList = z.object({
  groups: z.array(z.string()),
  contacts: z.array(contact),
});

export type Contact = z.infer<typeof contact>;
export type ContactList = z.infer<typeof contactList>;
