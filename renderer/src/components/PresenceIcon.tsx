import type { Availability } from '../../../shared/model/presence';
import { availabilityIcon, availabilityLabel } from '../lib/presence';

/** Icon AND words: the shape differs per state, the colour only helps. */
export function PresenceIcon({ availability, withLabel = false }: { availability: Availability; withLabel?: boolean }) {
  return (
    <span className={`presence presence--${availability}`}>
      <span className="presence__icon" aria-hidden="true">{availabilityIcon(availability)}</span>
      {withLabel && <span className="presence__label">{availabilityLabel(availability)}</span>}
    </span>
  );
}
