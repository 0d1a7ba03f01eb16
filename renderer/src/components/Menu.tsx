// A small action menu (role=menu): arrow keys move, Enter/Space act, Escape or a click outside closes, and focus
// returns to where it came from.
import { useEffect, useRef, useState } from 'react';

export interface MenuItem {
  label: string;
  action(): void;
  danger?: boolean;
}

export function Menu({ label, items, x, y, onClose }: { label: string; items: MenuItem[]; x: number; y: number; onClose: () => void }) {
  const ref = useRef<HTMLUListElement>(null);
  const [active, setActive] = useState(0);
  useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]')[0]?.focus();
    const outside = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', outside);
    return () => {
      document.removeEventListener('mousedown', outside);
      back?.focus();
    };
  }, [onClose]);
  const move = (i: number) => {
    const n = (i + items.length) % items.length;
    setActive(n);
    ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]')[n]?.focus();
  };
  return (
    <ul
      ref={ref}
      role="menu"
      aria-label={label}
      className="menu"
      style={{ left: Math.min(x, window.innerWidth - 240), top: Math.min(y, window.innerHeight - items.length * 36 - 16) }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') move(active + 1);
        else if (e.key === 'ArrowUp') move(active - 1);
        else if (e.key === 'Home') move(0);
        else if (e.key === 'End') move(items.length - 1);
        else if (e.key === 'Escape' || e.key === 'Tab') onClose();
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      {items.map((item, i) => (
        <li
          key={item.label}
          role="menuitem"
          tabIndex={i === active ? 0 : -1}
          className={item.danger ? 'danger' : undefined}
          onClick={() => {
            onClose();
            item.action();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              onClose();
              item.action();
            }
          }}
        >
          {item.label}
        </li>
      ))}
    </ul>
  );
}
