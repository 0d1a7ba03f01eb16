// A chat window of its own (`?chat=<address>`): the same ChatView, with the contact's presence loaded too.
import { useEffect } from 'react';
import { normalizeUri } from '../../lib/sip-address';
import { useContactsStore } from '../../store/contacts-store';
import { ChatView } from './ChatView';

export function StandaloneChat({ peer }: { peer: string }) {
  const id = normalizeUri(peer);
  useEffect(() => {
    document.title = `Parley — ${id.replace(/^sip:/, '')}`;
    void useContactsStore.getState().load();
  }, [id]);
  return (
    <main className="standalone">
      <ChatView conversationId={id} standalone />
    </main>
  );
}
