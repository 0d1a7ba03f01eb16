// One conversation, a standalone component: mounted as a tab in the main window, or alone (`?chat=<id>`) in a
// window of its own. Day separators, delivery state per message (failed: the reason and Retry), typing
// indicator, Enter sends / Shift+Enter new line, *bold* _italic_ buttons, emoji, safe links and HTML.
import { Fragment, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { ChatMessage } from '../../../../shared/model/chat';
import { EmojiPicker } from '../../components/EmojiPicker';
import { PresenceIcon } from '../../components/PresenceIcon';
import { t } from '../../i18n/en';
import { dayKey, dayLabel, timeLabel } from '../../lib/days';
import { formatText, wrapSelection } from '../../lib/format-text';
import { availabilityLabel, reasonText } from '../../lib/presence';
import { renderSafeHtml } from '../../lib/safe-html';
import { displayAddress } from '../../lib/sip-address';
import { useChatStore } from '../../store/chat-store';
import { useContactsStore } from '../../store/contacts-store';
import { useUiStore } from '../../store/ui-store';

function MessageBody({ m, onSip }: { m: ChatMessage; onSip: (uri: string) => void }) {
  return <div className="msg__body">{m.html ? renderSafeHtml(m.html, onSip) : formatText(m.text, onSip)}</div>;
}

function DeliveryState({ m, onRetry }: { m: ChatMessage; onRetry: () => void }) {
  if (m.direction === 'in') return null;
  if (m.state === 'failed') {
    const reason = m.detail ?? (m.failure ? t.chat.failure[m.failure] : undefined);
    return (
      <div className="msg__state failed" role="alert" data-testid="delivery-failed">
        <span aria-hidden="true">⚠ </span>
        {t.chat.state.failed}
        {reason ? `: ${reason}` : ''}{' '}
        <button type="button" className="link" onClick={onRetry}>{t.chat.retry}</button>
      </div>
    );
  }
  const icon = m.state === 'delivered' ? '✓' : m.state === 'retrying' ? '↻' : '…';
  return (
    <div className={`msg__state ${m.state}`} data-testid="delivery-state" data-state={m.state}>
      <span aria-hidden="true">{icon} </span>
      {t.chat.state[m.state]}
    </div>
  );
}

export function ChatView({ conversationId, standalone = false }: { conversationId: string; standalone?: boolean }) {
  const view = useChatStore((s) => s.views[conversationId]);
  const typing = useChatStore((s) => s.typing[conversationId] ?? false);
  const { open, send, retry, setTyping, setFocused } = useChatStore.getState();
  const contact = useContactsStore((s) => s.contacts.find((c) => c.uri === conversationId));
  const presence = useContactsStore((s) => s.presence[conversationId]);
  const focusComposer = useUiStore((s) => s.focusComposer);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [emoji, setEmoji] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const ids = { input: useId(), hint: useId(), title: useId() };
  const name = contact?.displayName || displayAddress(conversationId);
  const openChat = (uri: string) => {
    useUiStore.getState().openChat(uri);
    void open(uri);
  };

  useEffect(() => {
    if (!view) void open(conversationId);
    setFocused(conversationId);
    return () => {
      if (useChatStore.getState().focused === conversationId) setFocused(undefined);
    };
    // Opening once per conversation id is intended.
  }, [conversationId]);
  useEffect(() => {
    if (focusComposer === conversationId || standalone) {
      input.current?.focus();
      useUiStore.getState().composerFocused();
    }
  }, [focusComposer, conversationId, standalone]);
  // Keep the newest message in view.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [view?.messages.length, typing]);

  const submit = async () => {
    const body = text.trim();
    if (!body) return;
    setText('');
    setTyping(conversationId, false);
    const failed = await send(conversationId, body);
    if (failed) {
      // Nothing is lost: the text goes back into the box with the reason.
      setText(body);
      setError(failed);
    } else setError(undefined);
  };
  const wrap = (marker: string) => {
    const el = input.current;
    if (!el) return;
    const r = wrapSelection(text, el.selectionStart, el.selectionEnd, marker);
    setText(r.value);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(r.start, r.end);
    });
  };
  const insert = (s: string) => {
    const el = input.current;
    const at = el ? el.selectionStart : text.length;
    setText(text.slice(0, at) + s + text.slice(el ? el.selectionEnd : at));
    setEmoji(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + s.length, at + s.length);
    });
  };

  const messages = view?.messages ?? [];
  let lastDay = '';
  return (
    <section className={`chat${standalone ? ' chat--standalone' : ''}`} aria-labelledby={ids.title} data-testid="chat-view" data-conversation={conversationId}>
      <header className="chat__header">
        <PresenceIcon availability={presence?.availability ?? 'unknown'} />
        <div>
          <h2 id={ids.title}>{t.chat.title(name)}</h2>
          <p className="muted small" data-testid="chat-presence">
            {displayAddress(conversationId)} · {availabilityLabel(presence?.availability ?? 'unknown')}
            {presence?.note ? ` — ${presence.note}` : ''}
            {reasonText(presence) && presence?.reason !== 'pending' ? ` · ${reasonText(presence)}` : ''}
          </p>
        </div>
      </header>
      <div className="chat__messages" ref={scroller} role="log" aria-live="polite" aria-label={t.chat.messages} tabIndex={0} data-testid="messages">
        {view?.error && <p className="notice" role="status">{t.unavailable(t.chat.title(name), view.error)}</p>}
        {view?.loading && messages.length === 0 && <p className="muted">{t.chat.loading}</p>}
        {!view?.loading && !view?.error && messages.length === 0 && <p className="muted">{t.chat.empty}</p>}
        {messages.map((m) => {
          const k = dayKey(m.at);
          const sep = k !== lastDay;
          lastDay = k;
          return (
            <Fragment key={m.id}>
              {sep && (
                <div className="day" role="separator" aria-label={dayLabel(m.at)}>
                  <span>{dayLabel(m.at)}</span>
                </div>
              )}
              <article className={`msg msg--${m.direction}${m.state === 'failed' ? ' msg--failed' : ''}`} data-testid="message" data-direction={m.direction} data-message-id={m.id}>
                <div className="msg__meta">
                  <span className="msg__who">{m.direction === 'out' ? t.chat.you : name}</span> <time dateTime={new Date(m.at).toISOString()}>{timeLabel(m.at)}</time>
                </div>
                <MessageBody m={m} onSip={openChat} />
                <DeliveryState m={m} onRetry={() => void retry(m.id).then((e) => e && setError(e))} />
              </article>
            </Fragment>
          );
        })}
      </div>
      <div className="chat__typing" aria-live="polite" data-testid="typing">{typing ? t.chat.typing(name) : ''}</div>
      <div className="chat__composer">
        <div className="chat__tools" role="toolbar" aria-label={t.chat.input(name)}>
          <button type="button" onClick={() => wrap('*')} aria-label={t.chat.bold} title={`${t.chat.bold} (*text*)`}><strong>B</strong></button>
          <button type="button" onClick={() => wrap('_')} aria-label={t.chat.italic} title={`${t.chat.italic} (_text_)`}><em>I</em></button>
          <button type="button" onClick={() => setEmoji(!emoji)} aria-expanded={emoji} aria-label={t.chat.emoji}>☺</button>
        </div>
        {emoji && <EmojiPicker onPick={insert} onClose={() => { setEmoji(false); input.current?.focus(); }} />}
        <label htmlFor={ids.input} className="sr-only">{t.chat.input(name)}</label>
        <textarea
          id={ids.input}
          ref={input}
          rows={2}
          value={text}
          aria-describedby={ids.hint}
          placeholder={t.chat.input(name)}
          onChange={(e) => {
            setText(e.target.value);
            setTyping(conversationId, e.target.value.length > 0);
          }}
          onBlur={() => setTyping(conversationId, false)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <button type="button" className="primary" onClick={() => void submit()} disabled={!text.trim()}>{t.chat.send}</button>
        <p id={ids.hint} className="muted small chat__hint">{t.chat.inputHint}</p>
        {error && <p role="alert" className="error small">{error}</p>}
      </div>
    </section>
  );
}
