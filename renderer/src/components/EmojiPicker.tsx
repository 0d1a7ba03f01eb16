// A small built-in emoji set (no remote images, no font download): a grid of buttons, arrow keys move.
import { useEffect, useRef } from 'react';
import { t } from '../i18n/en';

export const EMOJI: readonly [string, string][] = [
  ['😀', 'grinning'], ['😂', 'tears of joy'], ['😊', 'smiling'], ['😉', 'winking'], ['😍', 'heart eyes'], ['🤔', 'thinking'],
  ['😎', 'cool'], ['😢', 'crying'], ['😮', 'surprised'], ['😴', 'sleeping'], ['🙄', 'eye roll'], ['😅', 'relieved'],
  ['👍', 'thumbs up'], ['👎', 'thumbs down'], ['👏', 'clapping'], ['🙏', 'thanks'], ['👋', 'waving'], ['💪', 'strong'],
  ['❤️', 'heart'], ['🎉', 'party'], ['🔥', 'fire'], ['✅', 'done'], ['❌', 'no'], ['☕', 'coffee'],
  ['🍕', 'pizza'], ['🍺', 'beer'], ['⏰', 'alarm'], ['📅', 'calendar'], ['📞', 'phone'], ['💡', 'idea'],
];
const COLS = 6;

export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, []);
  const focusAt = (i: number) => ref.current?.querySelectorAll<HTMLButtonElement>('button')[(i + EMOJI.length) % EMOJI.length]?.focus();
  return (
    <div
      ref={ref}
      className="emoji-picker"
      role="group"
      aria-label={t.chat.emojiPicker}
      onKeyDown={(e) => {
        const i = Array.from(ref.current?.querySelectorAll('button') ?? []).indexOf(document.activeElement as HTMLButtonElement);
        if (e.key === 'Escape') onClose();
        else if (e.key === 'ArrowRight') focusAt(i + 1);
        else if (e.key === 'ArrowLeft') focusAt(i - 1);
        else if (e.key === 'ArrowDown') focusAt(i + COLS);
        else if (e.key === 'ArrowUp') focusAt(i - COLS);
        else return;
        e.preventDefault();
      }}
    >
      {EMOJI.map(([emoji, name]) => (
        <button key={name} type="button" aria-label={name} title={name} onClick={() => onPick(emoji)}>
          <span aria-hidden="true">{emoji}</span>
        </button>
      ))}
    </div>
  );
}
