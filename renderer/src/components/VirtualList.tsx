// A small windowing list: only the rows in view (plus a few) are in the DOM, so 5000 contacts cost the same
// as 30. Fixed row height keeps the maths exact and scrolling cheap; the container's height is measured with a
// ResizeObserver. Keyboard focus stays on the container (aria-activedescendant), never on a row that may be
// unmounted while scrolling.
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import type { HTMLAttributes, ReactNode } from 'react';

export interface VirtualListHandle {
  scrollToIndex(index: number): void;
  focus(): void;
}

export interface VirtualListProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  itemCount: number;
  itemHeight: number;
  renderItem(index: number, style: { top: number; height: number }): ReactNode;
  overscan?: number;
  /** Initial height before the first measurement (and in tests without layout). */
  fallbackHeight?: number;
}

export const VirtualList = forwardRef<VirtualListHandle, VirtualListProps>(function VirtualList(
  { itemCount, itemHeight, renderItem, overscan = 6, fallbackHeight = 480, className, ...rest },
  ref,
) {
  const outer = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(fallbackHeight);

  useLayoutEffect(() => {
    const el = outer.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || fallbackHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [fallbackHeight]);

  // Keep the scroll position valid when the list shrinks (filtering, collapsing).
  useEffect(() => {
    const max = Math.max(0, itemCount * itemHeight - height);
    if (scrollTop > max && outer.current) {
      outer.current.scrollTop = max;
      setScrollTop(max);
    }
  }, [itemCount, itemHeight, height, scrollTop]);

  const scrollToIndex = useCallback(
    (index: number) => {
      const el = outer.current;
      if (!el) return;
      const top = index * itemHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + itemHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + itemHeight - el.clientHeight;
      setScrollTop(el.scrollTop);
    },
    [itemHeight],
  );
  useImperativeHandle(ref, () => ({ scrollToIndex, focus: () => outer.current?.focus() }), [scrollToIndex]);

  const first = Math.max(0, Math.floor(scrollTop / itemHeight) - overscan);
  const last = Math.min(itemCount - 1, Math.ceil((scrollTop + height) / itemHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) rows.push(renderItem(i, { top: i * itemHeight, height: itemHeight }));

  return (
    <div ref={outer} className={`vlist ${className ?? ''}`} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} {...rest}>
      <div className="vlist__spacer" style={{ height: itemCount * itemHeight }}>
        {rows}
      </div>
    </div>
  );
});
